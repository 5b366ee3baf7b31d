"""Small interfaces for the three search engines, so each can be swapped or faked in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence

import numpy as np


class TextEncoder(Protocol):
    """Turns text into L2-normalised vectors (e5 style: queries and passages are encoded differently)."""

    name: str
    """Identifies the model, recorded in the index manifest so a stale index is detected."""
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dim), rows L2-normalised."""

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array (len(texts), dim), rows L2-normalised."""


class VectorIndex(Protocol):
    """Inner-product index over normalised vectors, keyed by integer row ids."""

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None: ...

    def remove(self, ids: Sequence[int]) -> None: ...

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k best (id, inner product) pairs for one query vector, best first."""

    def __len__(self) -> int: ...

    def save(self, directory: Path) -> None: ...


class LexicalScorer(Protocol):
    """Scores documents against a query on accent-folded tokens."""

    def set_document(self, key: str, text_by_zone: dict[str, str]) -> None:
        """Add or replace one document; zones (e.g. name, field) carry different weights."""

    def remove_document(self, key: str) -> None: ...

    def score(self, query: str) -> dict[str, float]:
        """Relevance per document key, about 1.0 when every query term matches; absent keys scored 0."""
