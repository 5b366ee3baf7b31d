"""Logging for the served bridge: one root handler (stderr, optional file) that redacts personal data."""

from __future__ import annotations

import logging
import sys

from assistant.bridge.settings import BridgeSettings
from assistant.privacy import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_CLIENT_LOGGERS = ("httpx", "httpcore")


def configure_logging(settings: BridgeSettings) -> None:
    """Root logger → stderr (+ `BRIDGE_LOG_FILE`); every handler redacts; uvicorn's loggers propagate to it."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if settings.log_file:
        settings.log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(settings.log_file, encoding="utf-8"))
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # httpx logs every request at INFO ("HTTP Request: POST …/webhooks/rest/webhook 200"): one line per chat turn
    # that says nothing the relay's own warnings do not; its warnings and errors still come through, and at DEBUG
    # everything does.
    for name in QUIET_CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if root.level <= logging.DEBUG else logging.WARNING)
