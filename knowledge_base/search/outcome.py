"""What a procedure search returns: ranked hits plus a calibrated confidence label."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Confidence = Literal["confident", "ambiguous", "no_match"]


@dataclass(frozen=True)
class SearchHit:
    """One ranked procedure."""

    code: str
    """National procedure code, e.g. "1.001193"."""
    name: str
    """Procedure name as in the catalogue."""
    field: str
    """Field (lĩnh vực), e.g. "Hộ tịch"."""
    score: float
    """Fused relevance in [0, 1]; comparable within one query, calibrated for the confidence label."""

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "field": self.field, "score": round(self.score, 4)}


@dataclass(frozen=True)
class SearchOutcome:
    """Result of one query."""

    query: str
    """The query as received (cleaned of broken Unicode)."""
    confidence: Confidence
    """confident: answer with results[0]; ambiguous: ask which of results[:3]; no_match: say so, offer a human."""
    results: list[SearchHit] = field(default_factory=list)
    error: str | None = None
    """Set when the query could not be searched at all (e.g. empty); results are then empty."""
    elsewhere: SearchHit | None = None
    """Ward-level searches only: a procedure NOT handled at the ward that outranks every ward hit (a citizen asking
    for a passport, a criminal-record certificate). Callers say where it is handled instead of answering with
    the best ward procedure."""

    def to_json(self) -> dict:
        data = {"query": self.query, "confidence": self.confidence, "results": [h.to_json() for h in self.results]}
        if self.elsewhere is not None:
            data["elsewhere"] = self.elsewhere.to_json()
        if self.error:
            data["error"] = self.error
        return data
