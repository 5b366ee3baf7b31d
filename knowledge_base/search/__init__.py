"""Procedure search: multilingual-e5 + faiss fused with an accent-folded lexical scorer and aliases."""
from __future__ import annotations

from typing import Iterable, Protocol, runtime_checkable

from knowledge_base.search.outcome import Confidence, SearchHit, SearchOutcome

__all__ = ["Confidence", "SearchHit", "SearchOutcome", "ProcedureSearcher"]


@runtime_checkable
class ProcedureSearcher(Protocol):
    """What callers (bridge, CLI, benchmarks) need from procedure search. `ProcedureSearch` implements it."""

    def search(self, query: str, k: int = 3, all_levels: bool = False) -> SearchOutcome: ...

    def document(self, code: str | None):
        """The indexed view of one procedure (knowledge_base.search.documents.SearchDocument), or None."""

    def derived(self, key: str, build):
        """``build(documents)`` over all indexed documents, cached until the next change (knowledge_base.turn)."""

    def upsert(self, procedure) -> None:
        """Add or replace one procedure (a knowledge_base.catalogue.Procedure); searchable on return."""

    def remove(self, code: str) -> None:
        """Drop a procedure; unknown codes are ignored."""

    def replace_aliases(self, entries: Iterable) -> None:
        """Swap the alias table (knowledge_base.aliases.AliasEntry items); effective on return."""
