"""Property-based run (schemathesis strategies + hypothesis) over the bridge's OpenAPI: no request gets a 5xx.

Schemathesis' own pytest plugin does not load under pytest 9 here, so the operations' strategies are
driven with hypothesis directly; requests go to the real app in-process (real SQLite, fake searcher).
"""

from __future__ import annotations

import logging

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

pytestmark = pytest.mark.slow


class _TracebackRecorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.records.append(f"{record.name}: {record.getMessage()[:200]}")


def test_generated_requests_never_get_a_server_error(make_client, tokens):
    recorder = _TracebackRecorder()
    logging.getLogger().addHandler(recorder)
    try:
        _fuzz(make_client, tokens, recorder)
    finally:
        logging.getLogger().removeHandler(recorder)


def _fuzz(make_client, tokens, recorder):
    client = make_client()  # runs the lifespan; schemathesis then calls the same app in-process
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    failures, tried, cases = [], [], [0]
    for result in schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            cases[0] += 1
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append((operation.label, response.status_code, response.text[:200]))

        run()
    print(
        f"openapi fuzz: {len(tried)} operations, {cases[0]} cases, {len(failures)} 5xx, "
        f"{len(recorder.records)} tracebacks"
    )
    assert len(tried) >= 15
    assert failures == []
    assert recorder.records == []
