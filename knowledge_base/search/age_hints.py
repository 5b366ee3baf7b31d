"""Age-dependent procedures: "căn cước cho con 10 tuổi" is the under-14 card, "my son, he is 16" the 14+ one.

The catalogue splits the ID card by age (dưới 14 tuổi / từ đủ 14 tuổi trở lên); citizens give the child's age
instead of the bracket. When a question is about an ID card and states an age, the bracket's catalogue words
are appended to the query, like an alias.
"""

from __future__ import annotations

import re

from knowledge_base.text import fold

_ID_CARD = re.compile(r"\b(can cuoc|cccd|cmnd|chung minh|id card|identity card|citizen id|national id|the can cuoc)\b")
_AGE = re.compile(
    r"\b(\d{1,2})\s*(?:tuoi|years? old|yo\b|y/o)"
    r"|\b(?:he is|she is|he's|she's|is now|turned|aged?)\s+(\d{1,2})\b"
)
_UNITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9}
_SPOKEN_AGE = re.compile(
    r"\b(muoi|mot|hai|ba|bon|nam|sau|bay|tam|chin)(?:\s+(mot|hai|ba|bon|tu|lam|nam|sau|bay|tam|chin))?\s+tuoi\b"
)
ADULT_AGE = 18
UNDER_14 = "thẻ căn cước cho người dưới 14 tuổi"
FROM_14 = "thẻ căn cước cho người từ đủ 14 tuổi trở lên"


def age_hint(text: str) -> str:
    """The catalogue phrase for the age bracket a question about an ID card states, or ''."""
    folded = fold(text)
    if not _ID_CARD.search(folded):
        return ""
    ages = [int(a or b) for a, b in _AGE.findall(folded)] + [_spoken(t, u) for t, u in _SPOKEN_AGE.findall(folded)]
    ages = [age for age in ages if 0 <= age <= 120]
    if not ages or "duoi 14" in folded or "tu du 14" in folded:
        return ""  # no age given, or the bracket is already in the question
    if ages[0] >= ADULT_AGE:
        return ""  # an adult's age ("40 tuổi phải đổi thẻ?") is about renewal or other procedures, not the bracket
    return UNDER_14 if ages[0] < 14 else FROM_14


def _spoken(first: str, second: str) -> int:
    """'bảy' -> 7, 'mười lăm' -> 15 (folded words)."""
    if first == "muoi":
        return 10 + _UNITS.get(second, 0)
    return _UNITS[first]
