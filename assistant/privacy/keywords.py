"""The keyword form of a citizen question, kept for reports instead of the text: "dang ky tam tru".

Personal items are removed first (names, numbers), then the text is accent-folded and lower-cased, and question
and filler words ("cho hỏi", "thế nào", "tôi") are dropped. A procedure code ("1.001193") is kept; other tokens
holding digits are not. Two citizens asking the same thing in different words often share one keyword form,
which is what the "unanswered questions" report groups by.
"""

from __future__ import annotations

import re

from assistant.privacy.names import fold_word
from assistant.privacy.numbers import PROCEDURE_CODE
from assistant.privacy.redaction import PLACEHOLDERS, personal_spans
from assistant.privacy.words import default_lexicon
from knowledge_base.text import clean, fold

# Placeholders of redact() (in rows stored before keyword forms existed) are not keywords.
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_TOKEN = re.compile(r"[^\W_]+(?:[./-][^\W_]+)*")
# The words that introduced a removed name ("tên tôi là", "Họ tên:", "my name is") say nothing about the question.
_PRONOUN = r"(?:toi|tui|em|minh|chau|con|be|to|vo|chong|me|bo|ba|ma|ong|anh|chi|co|chu|bac|no|ban|cu|nguoi)"
_NAME_CUE_AT_END = re.compile(
    rf"(?:(?:ho\s+(?:va\s+)?)?ten(?:\s+(?:cua\s+)?{_PRONOUN})?(?:\s+la)?|{_PRONOUN}\s+ten(?:\s+la)?|{_PRONOUN}\s+la"
    r"|my\s+name\s+is|my\s+name's|full\s+name|name|i\s+am|i'm)[\s:\-–]*$"
)

MAX_KEYWORD_CHARS = 200


def keywords(text: str) -> str:
    """Accent-folded keywords of `text` without names, numbers, question words; "" when nothing is left."""
    text = clean(text or "")
    if not text:
        return ""
    spans = personal_spans(text) + [
        (m.start(), m.end(), "name" if m.group() == PLACEHOLDERS["name"] else "number")
        for m in _PLACEHOLDER.finditer(text)
    ]
    kept: list[str] = []
    at = 0
    for start, end, kind in sorted(spans):
        before = text[at:start]
        if kind == "name":
            before = _without_name_cue(before)
        kept.extend((before, " "))
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


def _without_name_cue(segment: str) -> str:
    """`segment` without the words at its end that introduce a name ("…, tên tôi là" → "…,")."""
    cue = _NAME_CUE_AT_END.search(fold(segment)) if segment.strip() else None
    if not cue:
        return segment
    words = _TOKEN.findall(cue.group())
    for _ in words:
        segment = re.sub(r"[^\W_]+['’]?[^\W_]*[\s:\-–]*$", "", segment.rstrip(), count=1)
    return segment
