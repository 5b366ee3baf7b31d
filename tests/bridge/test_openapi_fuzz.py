"""Property-based run (schemathesis strategies + hypothesis) over the bridge's OpenAPI: no request gets a 5xx.

Schemathesis' own pytest plugin does not load under pytest 9 here, so the operations' strategies are
driven with hypothesis directly; requests go to the real app in-process (real SQLite, fake searcher).
"""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings as hypothesis_settings  # noqa: E402

pytestmark = pytest.mark.slow


def test_generated_requests_never_get_a_server_error(make_client, tokens):
    client = make_client()  # runs the lifespan; schemathesis then calls the same app in-process
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    failures, tried = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append((operation.label, response.status_code, response.text[:200]))

        run()
    assert len(tried) >= 15
    assert failures == []
