"""The action server's logs redact: the first action call puts the redacting filter on rasa-sdk's root handlers."""

from __future__ import annotations

import io
import logging

from assistant.actions import runtime


def test_first_action_call_makes_the_action_server_logs_redact(monkeypatch):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # what rasa-sdk installs on the root logger at start-up
    root = logging.getLogger()
    root.addHandler(handler)
    monkeypatch.setattr(runtime, "_shared", None)
    monkeypatch.setattr(runtime, "build_services", lambda: "services")
    try:
        assert runtime.shared_services() == "services"
        logging.getLogger("rasa_sdk.executor").warning("action failed for %s", "chị Ngô Thị Lan, sđt 0912 345 678")
    finally:
        root.removeHandler(handler)
    logged = stream.getvalue()
    assert "action failed for chị [tên]" in logged
    assert "Ngô Thị Lan" not in logged and "345 678" not in logged
