"""The action server's logs redact: building the services puts the redacting filter on rasa-sdk's root handlers."""

from __future__ import annotations

import io
import logging

from assistant.actions import runtime
from assistant.actions.settings import ActionSettings


def test_first_action_call_makes_the_action_server_logs_redact(monkeypatch):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # what rasa-sdk installs on the root logger at start-up
    root = logging.getLogger()
    root.addHandler(handler)
    monkeypatch.setattr(runtime, "build_services", lambda settings: "services")
    try:
        assert runtime.ServiceProvider(ActionSettings(_env_file=None)).get() == "services"
        logging.getLogger("rasa_sdk.executor").warning("action failed for %s", "chị Ngô Thị Lan, sđt 0912 345 678")
    finally:
        root.removeHandler(handler)
    logged = stream.getvalue()
    assert "action failed for chị [tên]" in logged
    assert "Ngô Thị Lan" not in logged and "345 678" not in logged
