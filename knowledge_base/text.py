"""Text normalisation shared by search, aliases and the catalogue: NFC, accent folding, tokens."""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_CHARS = 2000
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u2028\u2029]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")  # zero-width, bidi marks
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[0-9a-z]+(?:[./-][0-9a-z]+)*")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def clean(text: str, *, max_chars: int | None = None) -> str:
    """Make arbitrary user text safe to process: valid Unicode, NFC, no control chars, single spaces.

    Lone surrogates (broken UTF-16 from browsers or speech engines) are dropped rather than raising.
    """
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    text = _SURROGATE.sub("", text)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
    return text


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics: 'Đăng ký khai sinh' -> 'dang ky khai sinh'."""
    text = clean(text).translate(_FOLD_EXTRA)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def tokens(text: str) -> list[str]:
    """Accent-folded word tokens (letters/digits; keeps codes like 1.001193 or ct07 whole)."""
    return _TOKEN.findall(fold(text))


def has_diacritics(text: str) -> bool:
    """True when the text carries Vietnamese accents (so it was not typed without them)."""
    return fold(text) != clean(text).lower()
