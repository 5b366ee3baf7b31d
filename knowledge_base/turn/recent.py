"""Procedures discussed earlier in the conversation: a turn that goes back to one of them means it.

A citizen who asked about a household business, then about a birth certificate, and says "quay lại vụ hộ kinh
doanh, nộp ở đâu" means the household-business procedure already discussed, not a new choice among its siblings;
"back to the passport, how much is it" means the passport procedure they were told about. The conversation's
recent procedures (most recent first, the current one excluded) break these ties; they never outweigh a turn
that clearly names something else.
"""

from __future__ import annotations

from typing import Sequence

from knowledge_base.turn.outcome import TurnChoice, TurnOutcome
from knowledge_base.turn.words import TurnWords

BACK_SEARCH_DEPTH = 5
"""How far down the search results a procedure discussed earlier may be and still be the one a "back to" turn
means."""


def _meant(search, code: str, reason: str) -> TurnOutcome:
    doc = search.document(code)
    kind = "procedure" if doc.ward_level else "not_at_ward"
    choice = None if doc.ward_level else TurnChoice(code=code, name=doc.name, ward_level=False)
    return TurnOutcome(kind=kind, code=code, name=doc.name, reason=reason, elsewhere=choice)


def prefer_recent(
    search,
    outcome: TurnOutcome,
    text: str,
    recent: Sequence[str],
    current_code: str | None,
    words: TurnWords,
    subject: str,
) -> TurnOutcome:
    """``outcome`` unless the turn goes back to a procedure in ``recent``: a clarifying question whose choices
    hold exactly one of them, or a "back to" turn ("quay lại …") whose search finds one of them near the top."""
    recent = [c for c in dict.fromkeys(recent) if c != current_code and search.document(c) is not None]
    if not recent:
        return outcome
    if outcome.kind == "clarify":
        mine = [c.code for c in outcome.choices if c.code in recent]
        if len(mine) == 1:
            return _meant(search, mine[0], "recent_choice")
    if outcome.kind in ("clarify", "procedure", "not_at_ward", "no_match") and words.goes_back(text) and subject:
        found = search.search(subject, k=BACK_SEARCH_DEPTH * 2, all_levels=True)
        near = [h.code for h in list(found.results)[:BACK_SEARCH_DEPTH]]
        if found.elsewhere is not None:
            near.append(found.elsewhere.code)
        back = next((c for c in recent if c in near), None)
        if back is not None and back != outcome.code:
            return _meant(search, back, "back_to_recent")
    return outcome
