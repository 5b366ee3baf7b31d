"""Scrub personal data (ID numbers, phone numbers, self-introduced names) from text before it is stored or logged."""
from __future__ import annotations

import logging
import re

_NAME_WORD = r"[^\W\d_][\w'-]*"
_CAPITALISED = r"(?:[A-ZÀ-ỸĐ][\w'-]*)"
# "tên tôi là …" style: the name may be typed in lower case, so take up to 4 words.
_NAME_EXPLICIT = re.compile(
    r"(?i)\b((?:tên\s+(?:của\s+)?(?:tôi|em|mình|cháu|con|tớ)|(?:tôi|em|mình|cháu|con|tớ)\s+tên|ten\s+(?:toi|em|minh)|"
    r"(?:toi|em|minh)\s+ten)\s+là|(?:ten\s+(?:toi|em|minh)|(?:toi|em|minh)\s+ten)\s+la|my\s+name\s+is)\s+"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})"
)
# "tôi là Nguyễn Văn A" / "I am John": only when capitalised ("tôi là người cao tuổi" is not a name).
_NAME_CAPITALISED = re.compile(
    rf"\b((?:[Tt]ôi|[Ee]m|[Mm]ình|[Cc]háu)\s+là|[Ii]\s+am|I'm)\s+({_CAPITALISED}(?:\s+{_CAPITALISED}){{0,4}})"
)
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?![\s.\-]?\d)(?!\w)")
_LONG_DIGITS = re.compile(r"(?<!\d\.)(?<!\d)\d(?: ?\d){5,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """Replace phone numbers, e-mail addresses, runs of ≥ 6 digits and "tên tôi là …" names with placeholders."""
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[số điện thoại]", text)
    text = _LONG_DIGITS.sub("[số]", text)
    text = _NAME_EXPLICIT.sub(lambda m: f"{m.group(1)} [tên]", text)
    return _NAME_CAPITALISED.sub(lambda m: f"{m.group(1)} [tên]", text)


class RedactingFilter(logging.Filter):
    """Logging filter: redacts every record's message; drops query strings from uvicorn access lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = str(args[2]).split("?", 1)[0]
            record.args = tuple(args)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_redaction(*logger_names: str) -> None:
    """Attach the redacting filter to every handler of the given loggers (root when none given)."""
    names = logger_names or ("",)
    for name in names:
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())
