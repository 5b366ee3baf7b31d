"""Recording fakes for the bridge tests: a procedure searcher and a controllable clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from knowledge_base.search import SearchHit, SearchOutcome
from knowledge_base.search.documents import search_document
from knowledge_base.text import fold


@dataclass
class RecordingSearcher:
    """Implements ProcedureSearcher. Records every call; `search` answers from what it was given.

    A query that contains the folded name of an upserted procedure gets it as a confident top hit
    (so a test can check that a staff edit reaches search); otherwise the canned `default` outcome.
    """

    default_confidence: str = "no_match"
    queries: list[tuple[str, int, bool]] = field(default_factory=list)
    upserted: list[Any] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    alias_tables: list[list] = field(default_factory=list)
    known: dict[str, Any] = field(default_factory=dict)
    canned: dict[str, SearchOutcome] = field(default_factory=dict)

    def search(self, query: str, k: int = 3, all_levels: bool = False) -> SearchOutcome:
        self.queries.append((query, k, all_levels))
        if not query.strip():
            return SearchOutcome(query=query, confidence="no_match", error="empty query")
        if query in self.canned:
            return self.canned[query]
        folded = fold(query)
        hits = [SearchHit(p.code, p.name, p.field, 0.95) for p in self.known.values() if fold(p.name) in folded]
        if hits:
            return SearchOutcome(query=query, confidence="confident", results=hits[:k])
        return SearchOutcome(query=query, confidence=self.default_confidence, results=[])

    def document(self, code: str | None):
        """The search view of an upserted procedure (what knowledge_base.turn reads), or None."""
        procedure = self.known.get(code) if code else None
        return search_document(procedure) if procedure is not None else None

    def derived(self, key: str, build):
        return build([search_document(p) for p in self.known.values()])

    vector_model: str = "recording-fake"
    encoded: list[str] = field(default_factory=list)
    """Codes whose vectors this searcher encoded (passage_vectors, or an upsert that came without vectors)."""
    shipped: list[str] = field(default_factory=list)
    """Codes upserted with vectors another bridge encoded (from the knowledge change log)."""

    def passage_vectors(self, procedures) -> dict:
        import numpy as np

        out = {}
        for procedure in procedures:
            self.encoded.append(procedure.code)
            out[procedure.code] = np.full((2, 4), 0.5, dtype=np.float32)
        return out

    def upsert(self, procedure, vectors=None) -> None:
        (self.shipped if vectors is not None else self.encoded).append(procedure.code)
        self.upserted.append(procedure)
        self.known[procedure.code] = procedure

    def remove(self, code: str) -> None:
        self.removed.append(code)
        self.known.pop(code, None)

    def replace_aliases(self, entries) -> None:
        self.alias_tables.append(list(entries))


@dataclass
class ManualClock:
    """A clock tests move by hand (UTC)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@dataclass
class MonotonicClock:
    """Seconds clock for the circuit breaker."""

    t: float = 1000.0

    def __call__(self) -> float:
        return self.t


class RecordingDossierSource:
    """DossierSource wrapper: records every (code, digits) that reaches the source, then asks the real one."""

    def __init__(self, inner):
        import threading

        self.inner = inner
        self.received: list[tuple[str, str]] = []
        self.hold: threading.Barrier | None = None
        """When set, each call waits until the barrier's number of calls are inside the source together."""
        self._lock = threading.Lock()

    def find(self, code: str, id_last4: str):
        with self._lock:
            self.received.append((code, id_last4))
        if self.hold is not None:
            self.hold.wait()
        return self.inner.find(code, id_last4)
