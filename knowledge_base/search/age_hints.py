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
    r"\b(\d{1,2})\s*(?:tuoi|years? old|yo\b|y/o|t\b)"
    r"|\b(?:he is|she is|he's|she's|is now|turned|aged?)\s+(\d{1,2})\b"
)
_UNITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9}
_SPOKEN_AGE = re.compile(
    r"\b(?:(hai|ba|bon|tu|nam|sau|bay|tam|chin)\s+muoi|(muoi))(?:\s+(mot|hai|ba|bon|tu|lam|nam|sau|bay|tam|chin))?"
    r"\s+tuoi\b|\b(mot|hai|ba|bon|nam|sau|bay|tam|chin)\s+tuoi\b"
)
"""Ages said in words: "mười lăm tuổi" (15), "bảy mươi tám tuổi" (78), "bảy tuổi" (7)."""
_BELOW = re.compile(r"\b(?:chua du|chua toi|chua den|chua tron|duoi|nho hon|under|younger than|not yet)\s+(\d{1,2})\b")
"""An age given as a bound not yet reached ("chưa tới 14 tuổi", "under 14"): read as the year below it."""
_SCHOOL_GRADE = re.compile(r"\b(?:hoc |dang hoc |len )?lop (\d{1,2})\b|\bgrade (\d{1,2})\b")
_SCHOOL_STAGES = (
    (re.compile(r"\b(mau giao|mam non|nha tre|kindergarten|preschool|so sinh|moi sinh|moi de|newborn)\b"), 3),
    (re.compile(r"\b(tieu hoc|cap 1|primary school|elementary school)\b"), 8),
    (re.compile(r"\b(cap 3|thpt|trung hoc pho thong|high school)\b"), 16),
    (re.compile(r"\b(sinh vien|dai hoc|university|college)\b"), 19),
)
"""School stages citizens give instead of an age ("cháu mới học lớp 1", "đang học cấp 3"): a typical age."""
ADULT_AGE = 18
UNDER_14 = "thẻ căn cước cho người dưới 14 tuổi"
FROM_14 = "thẻ căn cước cho người từ đủ 14 tuổi trở lên"


def age_hint(text: str) -> str:
    """The catalogue phrase for the age bracket a question about an ID card states, or ''."""
    folded = fold(text)
    if not _ID_CARD.search(folded):
        return ""
    ages = stated_ages(folded)
    if not ages or "duoi 14" in folded or "tu du 14" in folded:
        return ""  # no age given, or the bracket is already in the question
    if ages[0] >= ADULT_AGE:
        return ""  # an adult's age ("40 tuổi phải đổi thẻ?") is about renewal or other procedures, not the bracket
    return UNDER_14 if ages[0] < 14 else FROM_14


def stated_ages(folded: str) -> list[int]:
    """Ages an accent-folded text states: "chưa tới 14 tuổi" (13), "10 tuổi", "mười lăm tuổi", "he is 16", or a
    school stage ("lớp 1" → 7, "cấp 3" → 16), in that order of preference."""
    ages = [int(n) - 1 for n in _BELOW.findall(folded) if int(n) > 0]
    ages += [int(a or b) for a, b in _AGE.findall(folded)] + [_spoken(*m) for m in _SPOKEN_AGE.findall(folded)]
    ages += [int(a or b) + 6 for a, b in _SCHOOL_GRADE.findall(folded) if 1 <= int(a or b) <= 12]
    ages += [age for stage, age in _SCHOOL_STAGES if stage.search(folded)]
    return [age for age in ages if 0 <= age <= 120]


def _spoken(tens: str, ten: str, unit: str, alone: str) -> int:
    """Folded number words before "tuổi": 'bay', '' … → 7; 'muoi' + 'lam' → 15; 'bay' (tens) + 'tam' → 78."""
    if alone:
        return _UNITS[alone]
    return (_UNITS[tens] * 10 if tens else 10) + (_UNITS[unit] if unit else 0)
