"""Find personal numbers in citizen text: ID, phone and dossier numbers in any separator style, e-mail addresses.

A "number" is a run of digit groups joined by spaces (up to three) or by a dot, dash, slash, comma or bracket,
with or without spaces around it ("0912 - 345 - 678"); a group may carry a few ASCII letters ("H26", "B1234567").
A run of ≥ 6 digits is personal — citizen ID (12), old ID (9), phone (10, +84), dossier code, date of birth —
except a procedure code ("1.001193"), an amount of money ("1.500.000 đồng"), a legal reference ("50/2026/NĐ-CP")
and a client address in an access line. A shorter run (≥ 3 digits) is personal after an ID cue ("số cuối 4567").
Five or more digits said as words in a row ("không chín một hai ba", from speech) are a number too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.privacy.names import fold_word
from assistant.privacy.words import Lexicon, default_lexicon
from knowledge_base.text import fold

_SEP = r"(?:[ \t\u00a0]{0,2}[.\-–—_/,:·()][ \t\u00a0]{0,2}|[ \t\u00a0]{1,3})"
_GROUP = r"(?:[A-Za-z]{1,4})?\d+(?:[A-Za-z]{1,4}\d*)?"
NUMBER = re.compile(rf"(?<![\w+])(?:\+[ \t]?|\([ \t]?\+?)?(?:[A-Za-z]{{1,6}}[.\-/])?{_GROUP}(?:{_SEP}{_GROUP})*(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PROCEDURE_CODE = re.compile(r"\d\.\d{6}")
_MONEY = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
# "50/2026/NĐ-CP", "NĐ 14/2020", "2026-2030": legal references and periods, not personal.
_NUMBER_OF_YEAR = re.compile(r"\d{1,4}/(?:19|20)\d\d")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s?[-–]\s?(?:19|20)\d\d")
_LEGAL_SUFFIX = re.compile(r"/[A-ZĐ]")
# A client address in an access line ("127.0.0.1:53211"); ID and phone numbers start with 0, octets never do.
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}(?::\d{{1,5}})?")
_CURRENCY_AFTER = re.compile(r"\s?(?:đồng|đ|vnđ|vnd|dong|k|nghìn|ngàn|triệu|trieu)\b", re.IGNORECASE)
CUE_WINDOW_CHARS = 30
MIN_SPOKEN_DIGITS = 5
_WORD = re.compile(r"[^\W\d_]+")
_SPOKEN_GAP = re.compile(r"[\s,.\-]{1,3}")


@dataclass(frozen=True)
class NumberSpan:
    start: int
    end: int
    kind: str  # "phone", "code" (letters and digits), "number", "email"


def _kind(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if re.search(r"[A-Za-z]", raw):
        return "code"
    if (digits.startswith("0") and len(digits) in (10, 11)) or (digits.startswith("84") and len(digits) in (11, 12)):
        return "phone"
    return "number"


class NumberFinder:
    """Finds personal number spans (and e-mail addresses) in one text."""

    def __init__(self, lexicon: Lexicon | None = None):
        self.lex = lexicon or default_lexicon()
        self._cue = re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(c) for c in self.lex.number_cues) + r")(?![a-z])")

    def spans(self, text: str) -> list[NumberSpan]:
        found = [NumberSpan(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
        taken = [(s.start, s.end) for s in found]
        for match in NUMBER.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            raw = match.group().rstrip(" \t.,-:/(")
            end = start + len(raw)
            if self._personal(text, start, end, raw):
                found.append(NumberSpan(start, end, _kind(raw)))
        found += self._spoken(text)
        return sorted(found, key=lambda s: s.start)

    def _spoken(self, text: str) -> list[NumberSpan]:
        """Runs of MIN_SPOKEN_DIGITS or more number words ("không chín một hai ba bốn …")."""
        spans: list[NumberSpan] = []
        run: list[re.Match[str]] = []
        for match in _WORD.finditer(text):
            joined = not run or _SPOKEN_GAP.fullmatch(text[run[-1].end() : match.start()])
            if fold_word(match.group()) in self.lex.number_words and joined:
                run.append(match)
                continue
            if len(run) >= MIN_SPOKEN_DIGITS:
                spans.append(NumberSpan(run[0].start(), run[-1].end(), "number"))
            run = [match] if fold_word(match.group()) in self.lex.number_words else []
        if len(run) >= MIN_SPOKEN_DIGITS:
            spans.append(NumberSpan(run[0].start(), run[-1].end(), "number"))
        return spans

    def _personal(self, text: str, start: int, end: int, raw: str) -> bool:
        digits = sum(ch.isdigit() for ch in raw)
        if digits >= 6:
            if any(p.fullmatch(raw) for p in (PROCEDURE_CODE, _NUMBER_OF_YEAR, _YEAR_RANGE, _IPV4)):
                return False
            if _LEGAL_SUFFIX.match(text, end) and not raw.startswith("0"):
                return False
            if _MONEY.fullmatch(raw) and _CURRENCY_AFTER.match(text, end):
                return False
            return True
        if digits >= 3 or re.search(r"[A-Za-z]", raw) and digits >= 2:
            before = fold(text[max(0, start - CUE_WINDOW_CHARS) : start])
            return bool(self._cue.search(before))
        return False
