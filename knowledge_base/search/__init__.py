"""Procedure search: multilingual-e5 + faiss fused with an accent-folded lexical scorer and aliases."""

from __future__ import annotations

from typing import Iterable, Protocol, runtime_checkable

from knowledge_base.search.outcome import Confidence, SearchHit, SearchOutcome

__all__ = ["Confidence", "SearchHit", "SearchOutcome", "ProcedureSearcher", "ShipsVectors"]


@runtime_checkable
class ProcedureSearcher(Protocol):
    """What callers (bridge, CLI, benchmarks) need from procedure search. `ProcedureSearch` implements it."""

    def search(self, query: str, k: int = 3, all_levels: bool = False) -> SearchOutcome: ...

    def document(self, code: str | None):
        """The indexed view of one procedure (knowledge_base.search.documents.SearchDocument), or None."""

    def derived(self, key: str, build):
        """``build(documents)`` over all indexed documents, cached until the next change (knowledge_base.turn)."""

    def upsert(self, procedure, vectors=None) -> None:
        """Add or replace one procedure (a knowledge_base.catalogue.Procedure); searchable on return. `vectors`: see
        ShipsVectors (a searcher that cannot reuse vectors ignores them and encodes)."""

    def remove(self, code: str) -> None:
        """Drop a procedure; unknown codes are ignored."""

    def replace_aliases(self, entries: Iterable) -> None:
        """Swap the alias table (knowledge_base.aliases.AliasEntry items); effective on return."""


@runtime_checkable
class ShipsVectors(Protocol):
    """A searcher whose procedure vectors can be encoded on one replica and indexed as they are on another."""

    vector_model: str
    """Name of the encoder; vectors are only reused by a searcher with the same model."""

    def passage_vectors(self, procedures: Iterable) -> dict:
        """code -> the rows (numpy float32, one per passage) `upsert` would index for that procedure."""

    def upsert(self, procedure, vectors=None) -> None:
        """As ProcedureSearcher.upsert; `vectors` (from passage_vectors) skips encoding."""
