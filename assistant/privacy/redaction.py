"""redact(): personal names, ID/phone/dossier numbers and e-mail addresses in a text replaced by placeholders."""

from __future__ import annotations

import functools

from assistant.privacy.names import NameFinder
from assistant.privacy.numbers import NumberFinder
from knowledge_base.text import clean

PLACEHOLDERS = {"name": "[tên]", "phone": "[số điện thoại]", "code": "[mã]", "number": "[số]", "email": "[email]"}


@functools.cache
def _finders() -> tuple[NameFinder, NumberFinder]:
    return NameFinder(), NumberFinder()


def personal_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every personal item in `text`, sorted, without overlaps; kind is a PLACEHOLDERS key."""
    names, numbers = _finders()
    spans = [(s.start, s.end, s.kind) for s in numbers.spans(text)]
    spans += [(start, end, "name") for start, end in names.spans(text)]
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    return merged


def redact(text: str) -> str:
    """`text` (cleaned: NFC, single spaces) with every personal item replaced by its placeholder."""
    if not text:
        return text
    text = clean(text)
    out, at = [], 0
    for start, end, kind in personal_spans(text):
        out.append(text[at:start])
        out.append(PLACEHOLDERS[kind])
        at = end
    out.append(text[at:])
    return "".join(out)
