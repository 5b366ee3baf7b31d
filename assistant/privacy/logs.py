"""Logging filter that redacts every record (message, arguments, traceback) and drops URL query strings."""

from __future__ import annotations

import logging
import re

from assistant.privacy.redaction import redact

# The query string of any URL or path in a log line ("GET /api/procedures/search?q=..." from an HTTP client):
# it holds the citizen's words percent-encoded, where no redactor can read them.
_QUERY_STRING = re.compile(r"(?<=[\w/])\?[^\s\"'<>]+")


class RedactingFilter(logging.Filter):
    """Redacts every record's message; drops the query strings of access lines and of any URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = str(args[2]).split("?", 1)[0]
            record.args = tuple(args)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        record.msg = redact(_QUERY_STRING.sub("", message))
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_redaction(*logger_names: str) -> None:
    """Attach the redacting filter to every handler of the given loggers (root when none given)."""
    for name in logger_names or ("",):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())
