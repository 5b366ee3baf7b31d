"""Builds, saves and loads the search index, and assembles a ready ProcedureSearch from settings."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from knowledge_base.search.engine import ProcedureSearch, SearchTuning
from knowledge_base.search.lexical import Bm25Scorer
from knowledge_base.search.vector_index import FaissFlatIndex, NumpyFlatIndex
from knowledge_base.settings import SearchSettings

log = logging.getLogger(__name__)

DOCUMENTS_VERSION = 1
"""Bump when documents.py changes what is embedded, so saved vectors are rebuilt."""
MANIFEST = "manifest.json"
VECTORS = "passages.npy"


class StaleIndexError(RuntimeError):
    """The saved index does not match the catalogue or model in use."""


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def make_encoder(settings: SearchSettings):
    from knowledge_base.search.encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(
        settings.embedding_model, threads=settings.torch_threads, offline=not settings.allow_model_hub
    )


def make_index(settings: SearchSettings, dim: int):
    return FaissFlatIndex(dim) if settings.vector_backend == "faiss" else NumpyFlatIndex(dim)


def build_index(settings: SearchSettings | None = None, *, encoder=None) -> dict:
    """Encodes every catalogue procedure and saves the passage vectors plus a manifest; returns figures."""
    from knowledge_base.catalogue import load_catalogue

    settings = settings or SearchSettings()
    encoder = encoder or make_encoder(settings)
    procedures = list(load_catalogue(settings.catalogue_path).values())
    started = time.perf_counter()
    search = ProcedureSearch(encoder=encoder, index=make_index(settings, encoder.dim), lexical=Bm25Scorer())
    by_code = search.load(procedures)
    seconds = time.perf_counter() - started
    vectors = np.stack([by_code[p.code] for p in procedures])
    manifest = {
        "model": encoder.name,
        "dim": encoder.dim,
        "documents_version": DOCUMENTS_VERSION,
        "catalogue_sha256": file_digest(settings.catalogue_path),
        "codes": [p.code for p in procedures],
        "encode_seconds": round(seconds, 2),
    }
    _save_atomically(Path(settings.index_dir), vectors, manifest)
    return {"procedures": len(procedures), "seconds": round(seconds, 2), "index_dir": str(settings.index_dir)}


def _save_atomically(directory: Path, vectors: np.ndarray, manifest: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        np.save(Path(tmp) / VECTORS, vectors.astype(np.float32), allow_pickle=False)
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False))
        os.replace(Path(tmp) / VECTORS, directory / VECTORS)
        os.replace(Path(tmp) / MANIFEST, directory / MANIFEST)  # manifest last: it vouches for the vectors


def load_vectors(settings: SearchSettings, encoder_name: str) -> dict[str, np.ndarray]:
    """Saved passage vectors by code; raises StaleIndexError when they no longer match."""
    directory = Path(settings.index_dir)
    if not (directory / MANIFEST).exists():
        raise StaleIndexError(f"no index at {directory} — run `python -m knowledge_base build`")
    manifest = json.loads((directory / MANIFEST).read_text())
    expected = {
        "model": encoder_name,
        "documents_version": DOCUMENTS_VERSION,
        "catalogue_sha256": file_digest(settings.catalogue_path),
    }
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise StaleIndexError(f"index at {directory} is out of date ({key} changed) — run `python -m knowledge_base build`")
    vectors = np.load(directory / VECTORS, allow_pickle=False)
    return dict(zip(manifest["codes"], vectors))


def build_search(settings: SearchSettings | None = None, *, encoder=None, tuning: SearchTuning | None = None) -> ProcedureSearch:
    """A loaded ProcedureSearch: catalogue + aliases + saved vectors (encoded afresh if the index is stale)."""
    from knowledge_base.aliases import AliasTable
    from knowledge_base.catalogue import load_catalogue
    from knowledge_base.priors import load_common_procedures

    settings = settings or SearchSettings()
    encoder = encoder or make_encoder(settings)
    catalogue = load_catalogue(settings.catalogue_path)
    try:
        vectors = load_vectors(settings, encoder.name)
    except StaleIndexError as exc:
        log.warning("%s; encoding the catalogue now (about a minute)", exc)
        vectors = {}
    search = ProcedureSearch(
        encoder=encoder,
        index=make_index(settings, encoder.dim),
        lexical=Bm25Scorer(),
        aliases=AliasTable.load(settings.aliases_path),
        common=load_common_procedures(settings.common_procedures_path, known_codes=set(catalogue)),
        tuning=tuning,
    )
    search.load(catalogue.values(), vectors=vectors)
    return search
