"""The served bridge's logging: httpx's per-request INFO lines stay out (its warnings do not), everything at DEBUG;
uvicorn's access log only when `BRIDGE_ACCESS_LOG` asks for it."""

from __future__ import annotations

import logging

import pytest

from assistant.bridge import serving
from assistant.bridge.logging_setup import QUIET_CLIENT_LOGGERS, configure_logging
from assistant.bridge.settings import BridgeSettings


@pytest.fixture
def restored_logging():
    """Whatever configure_logging changes (root handlers and level, client and uvicorn loggers), put back after."""
    root = logging.getLogger()
    saved_root = (list(root.handlers), root.level)
    names = (*QUIET_CLIENT_LOGGERS, "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate, logging.getLogger(name).level)
        for name in names
    }
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_root[0]:
        root.addHandler(handler)
    root.setLevel(saved_root[1])
    for name, (handlers, propagate, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.propagate = handlers, propagate
        logger.setLevel(level)


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _logged(settings: BridgeSettings, level: str) -> list[str]:
    configure_logging(settings.model_copy(update={"log_level": level}))
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1:5005/webhooks/rest/webhook")
    logging.getLogger("httpx").warning("connection reset")
    logging.getLogger("assistant.bridge").info("turn procedure")
    return [record.getMessage() for record in recorder.records]


def test_httpx_request_lines_are_left_out_at_info(settings, restored_logging):
    assert _logged(settings, "INFO") == ["connection reset", "turn procedure"]


def test_everything_is_logged_at_debug(settings, restored_logging):
    assert _logged(settings, "DEBUG") == [
        "HTTP Request: POST http://127.0.0.1:5005/webhooks/rest/webhook",
        "connection reset",
        "turn procedure",
    ]


@pytest.mark.parametrize("wanted", [None, True, False])
def test_the_access_log_follows_the_setting(settings, restored_logging, monkeypatch, wanted):
    calls: list[dict] = []
    monkeypatch.setattr(serving.uvicorn, "run", lambda app, **options: calls.append(options))
    if wanted is not None:
        settings = settings.model_copy(update={"access_log": wanted})
    serving.run(object(), settings, host="127.0.0.1", port=9)
    assert calls[0]["access_log"] is bool(wanted)  # off unless asked for
    assert calls[0]["log_config"] is None and calls[0]["timeout_keep_alive"] == serving.KEEP_ALIVE_S
