"""Wording checks against the staff-editable replies file (assistant/actions/data/replies.yaml): a test asks
whether a text contains the reply ``key`` (placeholders match anything), so staff can reword a reply without
breaking the tests, while a reply from the wrong entry still fails them."""

from __future__ import annotations

import re
import string

from assistant.actions.replies import Replies

REPLIES = Replies.load()


def reply_pattern(key: str, language: str = "vi") -> re.Pattern[str]:
    """The template of ``key`` as a regular expression: its fixed text literally, each placeholder as ``.*?``."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(REPLIES.templates[key][language]):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".*?")
    return re.compile("".join(parts), re.DOTALL)


def says(text: str, key: str, language: str = "vi") -> bool:
    """Whether ``text`` contains the reply ``key`` in ``language``, whatever its placeholders were filled with."""
    return reply_pattern(key, language).search(text) is not None


NOT_AT_WARD = ("not_ward_body_level", "not_ward_body", "not_ward_level", "not_ward_plain")
"""The entries that tell a citizen a procedure is not handled at the ward (with or without body and level)."""
NOT_AT_WARD_REMINDER = ("not_ward_reminder_body", "not_ward_reminder")
"""The reminder on a follow-up answer about such a procedure."""


def says_any(text: str, keys: tuple[str, ...], language: str = "vi") -> bool:
    return any(says(text, key, language) for key in keys)
