"""Replies are shown on screens as well as spoken: none tells the citizen to *say* or *hear* something (a web chat
user types and reads). Speech-only text lives in the typed reply's `speech` field, not in replies.yaml."""

from __future__ import annotations

import re

from tests.assistant.replies_text import REPLIES

SPEECH_ONLY = {
    "vi": re.compile(r"\b(nói|nghe)\s+(\"|đủ|các|lại)", re.IGNORECASE),
    "en": re.compile(r"\b(say|hear)\b", re.IGNORECASE),
}


def test_no_reply_asks_to_say_or_hear():
    offenders = [
        (key, language, text)
        for key, texts in REPLIES.templates.items()
        for language, text in texts.items()
        if language in SPEECH_ONLY and SPEECH_ONLY[language].search(text)
    ]
    assert offenders == []
