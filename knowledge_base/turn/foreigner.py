"""Who is asking, when an English turn does not say: on a Vietnamese ward's website or kiosk, someone writing in
English is nearly always a foreigner (or marrying one, or the parent of a child with a foreign parent). Such a turn
is searched and read as if it said "foreigner", so the procedures for foreigners come first among close ones ("my
landlord has to declare my temporary residence" → khai báo tạm trú cho người nước ngoài) — unless the citizen says
they are Vietnamese, or the turn is about a death: whose nationality matters there is the deceased's, which the
asker's language does not tell. The language is a guess, not a statement: where a procedure with a foreign element
has a plain sibling ("register the marriage": kết hôn / kết hôn có yếu tố nước ngoài), a turn that does not itself
say who is foreign is asked which one it means, the foreign one first (``foreign_unsaid``)."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge_base.search.outcome import SearchOutcome
from knowledge_base.text import fold
from knowledge_base.turn.siblings import SiblingIndex, SiblingMarkers

HINT = "foreigner"
FOR_FOREIGNERS = ("nguoi nuoc ngoai", "yeu to nuoc ngoai")
"""Folded name phrases of the procedures for foreigners / with a foreign element."""
WINDOW = 0.07
"""How far below the top hit a procedure for foreigners may be and still come first for an English turn."""
_SAYS_VIETNAMESE = re.compile(
    r"\b(i\s*(?:am|'m|m)|we\s*(?:are|'re)|we\s+both\s+are|both\s+of\s+us\s+are|my\s+family\s+is)\s+"
    r"(?:a\s+|both\s+|all\s+)?vietnamese\b|\bvietnamese\s+(?:citizens?|nationals?)\s+both\b|\bboth\s+vietnamese\b"
    r"|\b(?:no|not\s+a|not|nobody\s+is|none\s+of\s+us\s+(?:is|are))\s+foreign(?:ers?)?\b",
    re.IGNORECASE,
)

_ABOUT_A_DEATH = re.compile(r"\b(passed away|died|dead|death|deceased|khai tử|khai tu)\b", re.IGNORECASE)


def foreigner_hint(query: str, language: str) -> str:
    """The word added to an English turn's search and variant reading ("" for Vietnamese or a stated Vietnamese)."""
    if language != "en" or _SAYS_VIETNAMESE.search(query or "") or _ABOUT_A_DEATH.search(query or ""):
        return ""
    return HINT


def hinted(query: str, language: str) -> str:
    hint = foreigner_hint(query, language)
    return f"{query} {hint}" if hint else query


def for_foreigners_first(outcome: SearchOutcome, hint: str) -> SearchOutcome:
    """With the foreigner hint, a procedure for foreigners within WINDOW of the top hit is put first (its rank
    among close hits only; how sure search is stays as it was)."""
    hits = list(outcome.results)
    if not hint or not hits or _for_foreigners(hits[0].name):
        return outcome
    for hit in hits[1:]:
        if hits[0].score - hit.score > WINDOW:
            break
        if _for_foreigners(hit.name):
            return replace(outcome, results=[hit, *(h for h in hits if h is not hit)])
    return outcome


def foreign_unsaid(index: SiblingIndex, markers: SiblingMarkers, query: str, language: str, code: str) -> list[str]:
    """[code, its plain sibling] when ``code`` has a foreign element only the turn's language suggested; [] when
    the turn says so itself ("my husband is Korean", "I'm from Germany"), is Vietnamese, or there is no such pair."""
    values = index.values(code)
    if values.get("foreign") != "foreign" or not foreigner_hint(query, language):
        return []
    if "foreign" in markers.mentioned(query).get("foreign", set()):
        return []
    rest = {f: v for f, v in values.items() if f != "foreign"}
    plain = [
        c
        for c in index.siblings(code)
        if index.values(c).get("foreign") != "foreign"
        and {f: v for f, v in index.values(c).items() if f != "foreign"} == rest
    ]
    return [code, plain[0]] if len(plain) == 1 else []


def _for_foreigners(name: str) -> bool:
    folded = fold(name or "")
    return any(phrase in folded for phrase in FOR_FOREIGNERS)
