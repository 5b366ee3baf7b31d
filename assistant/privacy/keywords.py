"""The keyword form of a citizen question, kept for reports instead of the text: "dang ky tam tru".

Personal items are removed first (names, numbers), then the text is accent-folded and lower-cased, and question
and filler words ("cho hỏi", "thế nào", "tôi") are dropped. A procedure code ("1.001193") is kept; other tokens
holding digits are not. Two citizens asking the same thing in different words often share one keyword form,
which is what the "unanswered questions" report groups by.
"""
from __future__ import annotations

import re

from assistant.privacy.names import fold_word
from assistant.privacy.redaction import PLACEHOLDERS, personal_spans
from assistant.privacy.numbers import PROCEDURE_CODE
from assistant.privacy.words import default_lexicon
from knowledge_base.text import clean

# Placeholders of redact() (in rows stored before keyword forms existed) are not keywords.
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_TOKEN = re.compile(r"[^\W_]+(?:[./-][^\W_]+)*")

MAX_KEYWORD_CHARS = 200


def keywords(text: str) -> str:
    """Accent-folded keywords of `text` without names, numbers, question words; "" when nothing is left."""
    text = _PLACEHOLDER.sub(" ", clean(text or ""))
    if not text.strip():
        return ""
    kept, at = [], 0
    for start, end, _ in personal_spans(text):
        kept.append(text[at:start])
        kept.append(" ")
        at = end
    kept.append(text[at:])
    stop = default_lexicon().question_words
    words = []
    for raw in _TOKEN.findall("".join(kept)):
        lower, folded = raw.lower(), fold_word(raw)
        if stop.has(lower, folded, folded != lower):
            continue
        if re.search(r"\d", folded) and not PROCEDURE_CODE.fullmatch(folded):
            continue
        words.append(folded)
    form = " ".join(words)
    if len(form) > MAX_KEYWORD_CHARS:
        form = form[:MAX_KEYWORD_CHARS].rsplit(" ", 1)[0]
    return form
