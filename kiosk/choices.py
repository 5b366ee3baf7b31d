"""Spoken answers to a clarifying question: 'số hai' / 'thứ hai' / the option's own words -> its payload."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kiosk.dialogue import Button
from kiosk.numbers_vi import DIGITS
from knowledge_base.text import fold, tokens

_ORDINALS = {"nhat": 1, "dau tien": 1, "cuoi": -1, "cuoi cung": -1}
_NUMBER_WORDS = {fold(word): index for index, word in enumerate(DIGITS)} | {"tu": 4, "bon": 4, "lam": 5}
_CHOICE = re.compile(r"^(?:(?:chon|lua chon|phuong an|so|thu|cai|muc|y)\s+)*(?P<n>[a-z0-9 ]+?)(?:\s+(?:a|nhe|di))*$")


def spoken_number(folded: str) -> int | None:
    """'so hai' / 'thu hai' / 'hai' / '2' / 'thu nhat' -> 2, 2, 2, 2, 1 (input already accent-folded)."""
    match = _CHOICE.match(folded.strip())
    if not match:
        return None
    word = match["n"].strip()
    if word.isdigit():
        return int(word)
    if word in _ORDINALS:
        return _ORDINALS[word]
    return _NUMBER_WORDS.get(word)


def match_choice(transcript: str, buttons: Sequence[Button]) -> Button | None:
    """The button the visitor chose by number or by saying (most of) its title; None when unclear."""
    if not buttons or not transcript.strip():
        return None
    folded = fold(transcript)
    number = spoken_number(folded)
    if number == -1:
        return buttons[-1]
    if number is not None:
        return buttons[number - 1] if 1 <= number <= len(buttons) else None
    said = set(tokens(transcript))
    best, best_score = None, 0.0
    for button in buttons:
        title = set(tokens(button.title))
        if not title:
            continue
        score = len(said & title) / len(title)
        if fold(button.title) in folded:
            score = 1.0
        if score > best_score:
            best, best_score = button, score
    return best if best_score >= 0.75 else None
