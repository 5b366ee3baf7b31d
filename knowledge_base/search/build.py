"""Builds, saves and loads the search index, and assembles a ready ProcedureSearch from settings.

Saved vectors are reused per procedure whenever its passages are unchanged, so a catalogue edit
re-encodes only what it touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from knowledge_base.search.documents import search_document
from knowledge_base.search.engine import ProcedureSearch, SearchTuning
from knowledge_base.search.lexical import Bm25Scorer
from knowledge_base.search.vector_index import FaissFlatIndex, NumpyFlatIndex
from knowledge_base.settings import SearchSettings

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
VECTORS = "passages.npy"


def passage_digest(procedure, asks: tuple[str, ...] = ()) -> str:
    """Identifies what gets embedded for a procedure; equal digests mean reusable vectors."""
    doc = search_document(procedure, asks=asks)
    texts = list(doc.passages) + [f"ask: {a}" for a in doc.asks]
    return hashlib.sha1("\x1f".join(texts).encode("utf-8")).hexdigest()[:16]


def make_encoder(settings: SearchSettings):
    if settings.encoder_backend == "onnx":
        from knowledge_base.search.onnx_encoder import OnnxE5Encoder

        return OnnxE5Encoder(
            settings.embedding_model, threads=settings.torch_threads, query_onnx_file=query_graph(settings)
        )
    if settings.encoder_backend != "torch":
        raise ValueError(f"KB_ENCODER_BACKEND must be onnx or torch, not {settings.encoder_backend!r}")
    from knowledge_base.search.encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(
        settings.embedding_model, threads=settings.torch_threads, offline=not settings.allow_model_hub
    )


def query_graph(settings: SearchSettings) -> Path | None:
    """The ONNX file for queries: the int8 graph when asked for and built, else None (the full-precision one)."""
    if settings.query_precision not in ("int8", "fp32"):
        raise ValueError(f"KB_QUERY_PRECISION must be int8 or fp32, not {settings.query_precision!r}")
    if settings.query_precision == "fp32":
        return None
    path = Path(settings.embedding_model) / "onnx" / "model.int8.onnx"
    if not path.is_file():
        log.warning("no int8 query encoder at %s (run `make setup`); encoding queries in full precision", path)
        return None
    return path


def make_index(settings: SearchSettings, dim: int):
    return FaissFlatIndex(dim) if settings.vector_backend == "faiss" else NumpyFlatIndex(dim)


def reusable_vectors(settings: SearchSettings, encoder_name: str, procedures, asks=None) -> dict[str, np.ndarray]:
    """Saved vectors of the procedures whose passages and asks are unchanged (none if the model differs)."""
    directory, asks = Path(settings.index_dir), asks or {}
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        vectors = np.load(directory / VECTORS, allow_pickle=False)
    except (OSError, ValueError):
        return {}
    codes, rows = manifest.get("codes", []), manifest.get("rows", [])
    if manifest.get("model") != encoder_name or len(rows) != len(codes) or sum(rows) != len(vectors):
        return {}
    starts = np.concatenate([[0], np.cumsum(rows)]).astype(int)
    saved = {
        code: (digest, vectors[starts[i] : starts[i + 1]])
        for i, (code, digest) in enumerate(zip(codes, manifest["digests"]))
    }
    return {
        p.code: saved[p.code][1]
        for p in procedures
        if p.code in saved and saved[p.code][0] == passage_digest(p, asks.get(p.code, ()))
    }


def load_non_ward(settings: SearchSettings):
    """The non-ward procedures file (knowledge_base.non_ward), or None when it is absent or broken."""
    from knowledge_base.non_ward import load_if_usable

    return load_if_usable(settings.non_ward_path)


def load_asks(settings: SearchSettings, known_codes: set[str]) -> dict[str, tuple[str, ...]]:
    """Citizen phrasings per code from the staff-readable files (none when the folder is absent), with those of
    the non-ward procedures citizens ask about (knowledge_base/data/non_ward_procedures.yaml).

    Entries for codes not in the catalogue (e.g. a procedure staff removed) are skipped with a warning."""
    from knowledge_base.citizen_questions import load_citizen_questions

    directory = Path(settings.citizen_questions_dir)
    table = dict(load_citizen_questions(sorted(directory.glob("*.yaml")))) if directory.is_dir() else {}
    non_ward = load_non_ward(settings)
    for code, asks in (non_ward.asks() if non_ward is not None else {}).items():
        table[code] = tuple(dict.fromkeys(table.get(code, ()) + asks))
    unknown = sorted(set(table) - known_codes)
    if unknown:
        log.warning(
            "citizen questions for %d codes not in the catalogue are skipped (e.g. %s)", len(unknown), unknown[0]
        )
    return {code: asks for code, asks in table.items() if code in known_codes}


def load_english_names(settings: SearchSettings, known_codes: set[str]) -> dict[str, str]:
    """code -> English short name from the answer cards and, for procedures beyond the ward, from the non-ward
    procedures file (none when absent or broken: English questions are then matched on the Vietnamese names and the
    English citizen asks only)."""
    from knowledge_base.cards import AnswerCards
    from knowledge_base.cards.model import CardError

    non_ward = load_non_ward(settings)
    names = {c: n for c, n in (non_ward.english_names() if non_ward is not None else {}).items() if c in known_codes}
    directory = Path(settings.answer_cards_dir)
    if not directory.exists():
        return names
    try:
        cards = AnswerCards.load(directory)
    except CardError as exc:
        log.warning("answer cards not used for English search: %s", str(exc).splitlines()[0])
        return names
    return names | {
        code: card.short_name.en
        for code, card in cards.cards.items()
        if code in known_codes and getattr(card.short_name, "en", None)
    }


def build_index(settings: SearchSettings, *, encoder=None) -> dict:
    """Encodes the catalogue (reusing unchanged vectors) and saves vectors + manifest; returns figures."""
    from knowledge_base.catalogue import load_catalogue

    encoder = encoder or make_encoder(settings)
    procedures = list(load_catalogue(settings.catalogue_path).values())
    asks = load_asks(settings, {p.code for p in procedures})
    reused = reusable_vectors(settings, encoder.name, procedures, asks)
    started = time.perf_counter()
    search = ProcedureSearch(encoder=encoder, index=make_index(settings, encoder.dim), lexical=Bm25Scorer(), asks=asks)
    by_code = search.load(procedures, vectors=reused)
    seconds = time.perf_counter() - started
    manifest = {
        "model": encoder.name,
        "dim": encoder.dim,
        "codes": [p.code for p in procedures],
        "rows": [len(by_code[p.code]) for p in procedures],
        "digests": [passage_digest(p, asks.get(p.code, ())) for p in procedures],
    }
    _save_atomically(Path(settings.index_dir), np.vstack([by_code[p.code] for p in procedures]), manifest)
    return {
        "procedures": len(procedures),
        "encoded": len(procedures) - len(reused),
        "reused": len(reused),
        "asks": sum(len(v) for v in asks.values()),
        "seconds": round(seconds, 2),
        "index_dir": str(settings.index_dir),
    }


def _save_atomically(directory: Path, vectors: np.ndarray, manifest: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        np.save(Path(tmp) / VECTORS, vectors.astype(np.float32), allow_pickle=False)
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False))
        os.replace(Path(tmp) / VECTORS, directory / VECTORS)
        os.replace(Path(tmp) / MANIFEST, directory / MANIFEST)


def build_search(settings: SearchSettings, *, encoder=None, tuning: SearchTuning | None = None) -> ProcedureSearch:
    """A loaded ProcedureSearch: catalogue + aliases + priors + saved vectors (missing ones encoded now)."""
    from knowledge_base.aliases import AliasTable
    from knowledge_base.catalogue import load_catalogue
    from knowledge_base.priors import load_common_procedures

    encoder = encoder or make_encoder(settings)
    catalogue = load_catalogue(settings.catalogue_path)
    asks = load_asks(settings, set(catalogue))
    vectors = reusable_vectors(settings, encoder.name, catalogue.values(), asks)
    if len(vectors) < len(catalogue):
        log.warning(
            "%d procedures have no saved vectors (run `python -m knowledge_base build`); encoding them now",
            len(catalogue) - len(vectors),
        )
    search = ProcedureSearch(
        encoder=encoder,
        index=make_index(settings, encoder.dim),
        lexical=Bm25Scorer(),
        aliases=AliasTable.load(settings.aliases_path),
        common=load_common_procedures(settings.common_procedures_path, known_codes=set(catalogue)),
        asks=asks,
        english=load_english_names(settings, set(catalogue)),
        tuning=tuning,
    )
    search.load(catalogue.values(), vectors=vectors)
    return search
