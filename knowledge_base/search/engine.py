"""ProcedureSearch: dense (e5 + vector index) and lexical scores fused, with aliases and a confidence label."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from knowledge_base.priors import procedure_prior
from knowledge_base.search.documents import SearchDocument, search_document
from knowledge_base.search.outcome import Confidence, SearchHit, SearchOutcome
from knowledge_base.search.protocols import LexicalScorer, TextEncoder, VectorIndex
from knowledge_base.text import MAX_QUERY_CHARS, clean, has_diacritics

_CODE = re.compile(r"\b\d\.\d{6}\b")
_SEARCHABLE = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class SearchTuning:
    """Fusion weights and confidence thresholds, tuned on the dev split (`python -m knowledge_base tune`)."""

    dense_weight: float = 0.5
    dense_floor: float = 0.78
    """e5 cosine that maps to 0 (e5 similarities crowd into 0.75–0.95)."""
    dense_ceiling: float = 0.92
    """e5 cosine that maps to 1."""
    lexical_cap: float = 1.2
    prior_weight: float = 0.12
    """Added times the procedure's prior (common at wards / open to individuals): breaks near-ties."""
    confident_score: float = 0.5
    confident_margin: float = 0.04
    no_match_score: float = 0.38
    candidates: int = 60
    dense_rows: int = 600
    """Nearest passage rows read from the vector index per query (the rest count as no dense evidence)."""


class ProcedureSearch:
    """Finds procedures for a citizen's question; safe to call from several threads."""

    def __init__(
        self,
        *,
        encoder: TextEncoder,
        index: VectorIndex,
        lexical: LexicalScorer,
        aliases=None,
        common: dict[str, float] | None = None,
        tuning: SearchTuning | None = None,
    ) -> None:
        self.encoder, self.index, self.lexical = encoder, index, lexical
        self.aliases = aliases
        self.common = dict(common or {})
        """code -> weight of procedures citizens ask for most (knowledge_base/data/common_procedures.yaml)."""
        self.tuning = tuning or SearchTuning()
        self._docs: dict[str, SearchDocument] = {}
        self._slots: dict[str, int] = {}
        self._slot_codes: dict[int, str] = {}
        self._ward_codes: set[str] | None = None
        """Cached ward-level codes; reset by every change."""
        self._lock = threading.RLock()

    # -- loading and live edits ------------------------------------------------------------------
    def load(self, procedures: Iterable, vectors: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Index many procedures; `vectors` (code -> passage vectors) skips encoding those already known.

        Returns the passage vectors used, by code (so they can be saved)."""
        docs = [self._document(p) for p in procedures]
        vectors = dict(vectors or {})
        missing = [d for d in docs if d.code not in vectors]
        if missing:
            encoded = self.encoder.encode_passages([text for d in missing for text in d.passages])
            per_doc = len(missing[0].passages)
            for i, doc in enumerate(missing):
                vectors[doc.code] = encoded[i * per_doc : (i + 1) * per_doc]
        with self._lock:
            self._ward_codes = None
            ids, rows = [], []
            for doc in docs:
                slot = self._slot_for(doc.code)
                self._docs[doc.code] = doc
                for variant, vec in enumerate(vectors[doc.code]):
                    ids.append(slot * 4 + variant)
                    rows.append(vec)
            if rows:
                self.index.add(ids, np.vstack(rows))
            bulk = getattr(self.lexical, "set_documents", None)
            if bulk:
                bulk({d.code: d.zones for d in docs})
            else:
                for doc in docs:
                    self.lexical.set_document(doc.code, doc.zones)
        return {doc.code: vectors[doc.code] for doc in docs}

    def upsert(self, procedure) -> None:
        doc = self._document(procedure)
        vectors = self.encoder.encode_passages(list(doc.passages))
        with self._lock:
            self._ward_codes = None
            slot = self._slot_for(doc.code)
            self.index.remove([slot * 4 + v for v in range(4)])
            self.index.add([slot * 4 + v for v in range(len(vectors))], vectors)
            self._docs[doc.code] = doc
            self.lexical.set_document(doc.code, doc.zones)

    def remove(self, code: str) -> None:
        with self._lock:
            if code not in self._docs:
                return
            self._ward_codes = None
            slot = self._slots[code]
            self.index.remove([slot * 4 + v for v in range(4)])
            self.lexical.remove_document(code)
            del self._docs[code]

    def replace_aliases(self, entries) -> None:
        from knowledge_base.aliases import AliasTable

        table = AliasTable(list(entries))
        with self._lock:
            self.aliases = table

    def _document(self, procedure) -> SearchDocument:
        return search_document(procedure, prior=procedure_prior(procedure, self.common))

    def _slot_for(self, code: str) -> int:
        if code not in self._slots:
            slot = len(self._slots)
            self._slots[code] = slot
            self._slot_codes[slot] = code
        return self._slots[code]

    def __len__(self) -> int:
        return len(self._docs)

    def codes(self) -> list[str]:
        return sorted(self._docs)

    # -- querying --------------------------------------------------------------------------------
    def search(self, query: str, k: int = 3, all_levels: bool = False) -> SearchOutcome:
        text = clean(query if isinstance(query, str) else "", max_chars=MAX_QUERY_CHARS)
        if not text:
            return SearchOutcome(query=text, confidence="no_match", error="empty_query")
        if not _SEARCHABLE.search(text):
            return SearchOutcome(query=text, confidence="no_match", error="no_searchable_text")
        k = max(1, min(int(k), 50))
        with self._lock:
            scores = self.fused_scores(text, all_levels=all_levels)
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
            hits = [self._hit(code, score) for code, score in ranked]
        return SearchOutcome(query=text, confidence=self.confidence(hits), results=hits)

    def fused_scores(self, text: str, *, all_levels: bool = False, parts: dict | None = None) -> dict[str, float]:
        """Fused score per candidate code; `parts` (if given) receives the dense and lexical scores."""
        allowed = self._allowed(all_levels)
        exact = {c for c in _CODE.findall(text) if c in allowed}
        if exact:
            return {c: 1.0 for c in exact}
        expanded = self._expand(text)
        lexical = {c: s for c, s in self.lexical.score(expanded).items() if c in allowed}
        dense = self._dense_scores(expanded, allowed)
        if parts is not None:
            parts["lexical"], parts["dense"] = lexical, dense
        return self.fuse(dense, lexical)

    def fuse(self, dense: dict[str, float], lexical: dict[str, float]) -> dict[str, float]:
        t = self.tuning
        top_lexical = sorted(lexical, key=lexical.get, reverse=True)[: t.candidates]
        top_dense = sorted(dense, key=dense.get, reverse=True)[: t.candidates]
        fused = {}
        for code in set(top_lexical) | set(top_dense):
            d = min(max((dense.get(code, t.dense_floor) - t.dense_floor) / (t.dense_ceiling - t.dense_floor), 0.0), 1.0)
            lex = min(lexical.get(code, 0.0), t.lexical_cap) / t.lexical_cap
            prior = self._docs[code].prior if code in self._docs else 0.0
            fused[code] = t.dense_weight * d + (1 - t.dense_weight) * lex + t.prior_weight * prior
        return fused

    def confidence(self, hits: list[SearchHit]) -> Confidence:
        t = self.tuning
        if not hits or hits[0].score < t.no_match_score:
            return "no_match"
        margin = hits[0].score - (hits[1].score if len(hits) > 1 else 0.0)
        if hits[0].score >= t.confident_score and margin >= t.confident_margin:
            return "confident"
        return "ambiguous"

    def _expand(self, text: str) -> str:
        aliases = self.aliases
        extra = aliases.expansion_text(text) if aliases is not None else ""
        return f"{text} {extra}".strip()

    def _dense_scores(self, text: str, allowed: set[str]) -> dict[str, float]:
        vector = self.encoder.encode_queries([text])[0]
        accented = has_diacritics(text)
        best: dict[str, float] = {}
        for row, score in self.index.search(vector, self.tuning.dense_rows):
            code = self._slot_codes.get(row // 4)
            if code not in allowed:
                continue
            if accented and row % 4 == 1:  # the folded copy serves unaccented questions
                continue
            if score > best.get(code, -1.0):
                best[code] = score
        return best

    def _allowed(self, all_levels: bool) -> set[str]:
        if all_levels:
            return self._docs.keys()
        if self._ward_codes is None:
            self._ward_codes = {code for code, doc in self._docs.items() if doc.ward_level}
        return self._ward_codes

    def _hit(self, code: str, score: float) -> SearchHit:
        doc = self._docs[code]
        return SearchHit(code=code, name=doc.name, field=doc.field, score=float(score))
