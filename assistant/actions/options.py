"""Read which offered option a citizen picked: "số 2", "cái thứ hai", "2", "the second one", a button payload."""

from __future__ import annotations

from typing import Any

from knowledge_base.text import tokens

_WORD_NUMBERS = {
    "mot": 1,
    "nhat": 1,
    "first": 1,
    "hai": 2,
    "nhi": 2,
    "second": 2,
    "two": 2,
    "ba": 3,
    "third": 3,
    "three": 3,
}
_FIRST_PHRASES = ("dau tien",)


def parse_option_number(text: str | None, entity: Any = None) -> int | None:
    """1-based option number from the NLU entity (preferred) or the raw text; None when unclear."""
    for candidate in (entity, text):
        if candidate is None:
            continue
        words = tokens(str(candidate))
        digits = [int(w) for w in words if w.isdigit() and 0 < int(w) < 10]
        if len(digits) == 1:
            return digits[0]
        joined = " ".join(words)
        if any(p in joined for p in _FIRST_PHRASES):
            return 1
        named = [_WORD_NUMBERS[w] for w in words if w in _WORD_NUMBERS]
        if len(set(named)) == 1:
            return named[0]
        if not named and "one" in words:  # "number one"; "the second one" was handled above
            return 1
    return None
