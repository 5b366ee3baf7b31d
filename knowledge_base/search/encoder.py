"""Sentence-transformers encoder for multilingual-e5 ("query: " / "passage: " prefixes), loaded offline."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np


class SentenceTransformerEncoder:
    """Wraps a sentence-transformers model; a local folder by default, any hub name where a hub is reachable."""

    def __init__(self, model: str | Path, *, threads: int | None = None, offline: bool = True) -> None:
        if offline:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = Path(model)
        if offline and not path.exists():
            raise FileNotFoundError(
                f"embedding model not found at {path} — run `make setup` (or `python models/build_embedding_model.py`)"
            )
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self._torch = torch
        self._model = SentenceTransformer(str(model), device="cpu")
        self.name = path.name if path.exists() else str(model)
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([f"query: {t}" for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([f"passage: {t}" for t in texts], batch_size=64)

    def _encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        with self._torch.inference_mode():
            vectors = self._model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)
