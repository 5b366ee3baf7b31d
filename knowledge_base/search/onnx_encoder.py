"""multilingual-e5 through onnxruntime: the same vectors as sentence-transformers at ~40% of the CPU per query.

Loads `<model folder>/onnx/model.onnx` (written at set-up by models/export_onnx_encoder.py: encoder, mean
pooling and L2 norm in one graph) and the folder's `tokenizer.json`. No torch in the search process.

Queries can go through a second graph, `onnx/model.int8.onnx` (the same export with int8 weights, also written
at set-up): 9.1 -> 4.1 ms CPU per query, vectors at cosine >= 0.98 of the full-precision ones, and fused top-1
on the 682 evaluation questions 0.924 against 0.922 (knowledge_base eval, docs/performance.md). Passages are always
encoded in full precision, so the index is the same either way; that session is only loaded when passages are
encoded (index builds, staff edits), which keeps 470 MB out of the search process until then.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import numpy as np

MAX_TOKENS = 512
QUERY_MAX_TOKENS = 64
"""Queries (with their alias expansions) are cut here: same dev accuracy as 512, p95 search 29 -> 27 ms."""
PAD_ID = 1
"""XLM-R's <pad>; padded positions are masked out of attention and pooling anyway."""
BATCH = 32


class OnnxE5Encoder:
    """TextEncoder over an exported e5 graph; thread-safe (onnxruntime sessions allow concurrent runs)."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        threads: int | None = None,
        onnx_file: str | Path | None = None,
        query_onnx_file: str | Path | None = None,
        query_max_tokens: int = QUERY_MAX_TOKENS,
    ) -> None:
        """``onnx_file`` (default `onnx/model.onnx`) encodes passages, and queries unless ``query_onnx_file`` is
        given. Only the query graph is loaded here; the other one on first use."""
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        onnx_path = Path(onnx_file) if onnx_file else model_dir / "onnx" / "model.onnx"
        if not onnx_path.is_file():
            raise FileNotFoundError(
                f"ONNX encoder not found at {onnx_path} — run `make setup` (models/export_onnx_encoder.py)"
            )
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._query_tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._query_tokenizer.no_padding()
        self._query_tokenizer.enable_truncation(query_max_tokens)
        query_path = Path(query_onnx_file) if query_onnx_file else onnx_path
        if not query_path.is_file():
            raise FileNotFoundError(
                f"ONNX query encoder not found at {query_path} — run `make setup` (models/export_onnx_encoder.py)"
            )
        self._threads = threads
        self._sessions: dict[Path, object] = {}
        self._lock = threading.Lock()
        self._onnx_path, self._query_path = onnx_path, query_path
        self.name = model_dir.name
        """Same name as the sentence-transformers folder: the vectors are interchangeable (cosine >= 0.9999)."""
        self.dim = int(self._session(query_path).get_outputs()[0].shape[-1] or 384)

    def _session(self, path: Path):
        """The onnxruntime session for ``path``, created once (thread-safe)."""
        with self._lock:
            if path not in self._sessions:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self._threads or 0
                options.inter_op_num_threads = 1
                options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.log_severity_level = 3
                self._sessions[path] = onnxruntime.InferenceSession(
                    str(path), options, providers=["CPUExecutionProvider"]
                )
            return self._sessions[path]

    @property
    def loaded_graphs(self) -> list[str]:
        """File names of the graphs loaded so far (for tests and diagnostics)."""
        return [path.name for path in self._sessions]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_texts(
            [f"query: {t}" for t in texts], tokenizer=self._query_tokenizer, graph=self._query_path
        )

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_texts([f"passage: {t}" for t in texts])

    def encode_texts(self, texts: Sequence[str], tokenizer=None, graph: Path | None = None) -> np.ndarray:
        """Vectors of already-prefixed texts, batched by similar length to keep padding small.

        ``graph`` picks the ONNX file (default: the full-precision one)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        session = self._session(graph or self._onnx_path)
        encodings = (tokenizer or self._tokenizer).encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.full((len(chunk), width), PAD_ID, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            vectors = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            out[chunk] = vectors
        return out
