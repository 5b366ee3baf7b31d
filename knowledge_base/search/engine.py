"""ProcedureSearch: dense (e5 + vector index) and lexical scores fused, with aliases and a confidence label."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from knowledge_base.priors import procedure_prior
from knowledge_base.search.age_hints import FROM_14, UNDER_14, age_hint
from knowledge_base.search.documents import SearchDocument, search_document
from knowledge_base.search.outcome import Confidence, SearchHit, SearchOutcome
from knowledge_base.search.protocols import LexicalScorer, TextEncoder, VectorIndex
from knowledge_base.text import MAX_QUERY_CHARS, clean, has_diacritics

_CODE = re.compile(r"\b\d\.\d{6}\b")
ROWS_PER_SLOT = 32
"""Vector-index ids are slot * ROWS_PER_SLOT + row: passages first (name, folded name), then citizen asks."""
_FOLDED_ROW = 1
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
    prior_weight: float = 0.08
    """Added times the procedure's prior (common at wards / open to individuals): breaks near-ties."""
    confident_score: float = 0.65
    confident_margin: float = 0.04
    clear_margin: float = 0.10
    """A lead this large over the next hit is confident from no_match_score up: long, speech-like questions score
    lower on every procedure, the one they mean still stands out."""
    no_match_score: float = 0.55
    elsewhere_margin: float = 0.02
    """How far a non-ward procedure must outrank the best ward one to be reported as `elsewhere`."""
    candidates: int = 60
    dense_rows: int = 600
    """Nearest passage rows read from the vector index per query (the rest count as no dense evidence)."""
    ask_shift: float = 0.02
    """Subtracted from a query-to-citizen-ask cosine before it competes with the name passages (question-to-
    question cosines run higher than question-to-name ones)."""


QUERY_VECTORS_KEPT = 1024
"""How many recent query vectors a search keeps (384 floats each: ~1.5 MB)."""
SCORES_KEPT = 256
"""How many recent queries' raw scores a search keeps (a few thousand floats each)."""


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
        asks: dict[str, tuple[str, ...]] | None = None,
        english: dict[str, str] | None = None,
        tuning: SearchTuning | None = None,
    ) -> None:
        self.encoder, self.index, self.lexical = encoder, index, lexical
        self._query_vectors: dict[str, np.ndarray] = {}
        """Recent query texts → their vectors: one turn searches the same text more than once (its subject, the
        whole turn, the referral check), and common questions repeat; a vector depends on the encoder only."""
        self.aliases = aliases
        self.asks = dict(asks or {})
        """code -> how citizens ask for it (knowledge_base/data/citizen_questions)."""
        self.english = dict(english or {})
        """code -> its English name (answer cards): a lexical zone for English questions."""
        self.common = dict(common or {})
        """code -> weight of procedures citizens ask for most (knowledge_base/data/common_procedures.yaml)."""
        self.tuning = tuning or SearchTuning()
        self._docs: dict[str, SearchDocument] = {}
        self._slots: dict[str, int] = {}
        self._slot_codes: dict[int, str] = {}
        self._ward_codes: set[str] | None = None
        """Cached ward-level codes; reset by every change."""
        self._lock = threading.RLock()
        self._derived: dict[str, object] = {}
        """Views computed from all documents (e.g. sibling groups); emptied by every change."""
        self._raw: dict[tuple, tuple[dict[str, float], dict[str, float]]] = {}
        """Expanded query text (and the tuning the dense scores read) → its lexical and dense scores over all
        levels, before fusion: one turn scores the same text several times (ward search, its referral check, the
        story's all-level comparison), and common questions repeat. Emptied by every change; never handed out."""

    # -- loading and live edits ------------------------------------------------------------------
    def load(self, procedures: Iterable, vectors: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Index many procedures; `vectors` (code -> passage vectors) skips encoding those already known.

        Returns the passage vectors used, by code (so they can be saved)."""
        docs = [self._document(p) for p in procedures]
        vectors = dict(vectors or {})
        missing = [d for d in docs if d.code not in vectors]
        if missing:
            vectors.update(self._encode_documents(missing))
        with self._lock:
            self._ward_codes = None
            self._derived, self._raw = {}, {}
            ids, rows = [], []
            for doc in docs:
                slot = self._slot_for(doc.code)
                self._docs[doc.code] = doc
                for variant, vec in enumerate(vectors[doc.code][:ROWS_PER_SLOT]):
                    ids.append(slot * ROWS_PER_SLOT + variant)
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

    def _encode_documents(self, docs: list[SearchDocument]) -> dict[str, np.ndarray]:
        """Vectors per code: passages encoded as e5 passages, citizen asks as e5 queries (question to question)."""
        passages = self.encoder.encode_passages([text for d in docs for text in d.passages])
        ask_texts = [text for d in docs for text in d.asks]
        asks = self.encoder.encode_queries(ask_texts) if ask_texts else passages[:0]
        vectors, p, a = {}, 0, 0
        for doc in docs:
            n_p, n_a = len(doc.passages), len(doc.asks)
            vectors[doc.code] = np.vstack([passages[p : p + n_p], asks[a : a + n_a]])
            p, a = p + n_p, a + n_a
        return vectors

    @property
    def vector_model(self) -> str:
        """The encoder's name: vectors made by another model must not be mixed into this index."""
        return self.encoder.name

    def passage_vectors(self, procedures: Iterable) -> dict[str, np.ndarray]:
        """The vectors `upsert` would index for each procedure (code -> rows), encoded in one batch: a bridge encodes
        an edited procedure once and ships the vectors to the other replicas with the change."""
        docs = [self._document(p) for p in procedures]
        return {code: rows[:ROWS_PER_SLOT] for code, rows in self._encode_documents(docs).items()} if docs else {}

    def upsert(self, procedure, vectors: np.ndarray | None = None) -> None:
        """Add or replace one procedure; `vectors` (from `passage_vectors`, same model) skips encoding it."""
        doc = self._document(procedure)
        if vectors is None:
            vectors = self._encode_documents([doc])[doc.code]
        vectors = np.asarray(vectors, dtype=np.float32)[:ROWS_PER_SLOT]
        with self._lock:
            self._ward_codes = None
            self._derived, self._raw = {}, {}
            slot = self._slot_for(doc.code)
            self.index.remove([slot * ROWS_PER_SLOT + v for v in range(ROWS_PER_SLOT)])
            self.index.add([slot * ROWS_PER_SLOT + v for v in range(len(vectors))], vectors)
            self._docs[doc.code] = doc
            self.lexical.set_document(doc.code, doc.zones)

    def remove(self, code: str) -> None:
        with self._lock:
            if code not in self._docs:
                return
            self._ward_codes = None
            self._derived, self._raw = {}, {}
            slot = self._slots[code]
            self.index.remove([slot * ROWS_PER_SLOT + v for v in range(ROWS_PER_SLOT)])
            self.lexical.remove_document(code)
            del self._docs[code]

    def replace_aliases(self, entries) -> None:
        from knowledge_base.aliases import AliasTable

        table = AliasTable(list(entries))
        with self._lock:
            self.aliases = table
            self._derived, self._raw = {}, {}

    def _document(self, procedure) -> SearchDocument:
        return search_document(
            procedure,
            prior=procedure_prior(procedure, self.common),
            asks=self.asks.get(procedure.code, ()),
            english=self.english.get(procedure.code, ""),
        )

    def _slot_for(self, code: str) -> int:
        if code not in self._slots:
            slot = len(self._slots)
            self._slots[code] = slot
            self._slot_codes[slot] = code
        return self._slots[code]

    def __len__(self) -> int:
        return len(self._docs)

    def document(self, code: str | None) -> SearchDocument | None:
        """The indexed view of one procedure (name, field, ward level), or None."""
        return self._docs.get(code) if code else None

    def derived(self, key: str, build):
        """A value computed by ``build(documents)`` from all indexed documents, cached until the next change."""
        with self._lock:
            value = self._derived.get(key)
            if value is None:
                value = self._derived[key] = build(list(self._docs.values()))
            return value

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
            other_levels: dict[str, float] = {}
            scores = self.fused_scores(text, all_levels=all_levels, other_levels=None if all_levels else other_levels)
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
            hits = [self._hit(code, score) for code, score in ranked]
            elsewhere = self._elsewhere(other_levels, hits[0].score if hits else 0.0)
        return SearchOutcome(query=text, confidence=self.confidence(hits), results=hits, elsewhere=elsewhere)

    def fused_scores(
        self, text: str, *, all_levels: bool = False, parts: dict | None = None, other_levels: dict | None = None
    ) -> dict[str, float]:
        """Fused score per candidate code; `parts` (if given) receives the dense and lexical scores.

        `other_levels` (if given, for a ward-level search) receives the fused scores over ALL levels, from the
        same query vector and lexical scores; the ward scores are exactly those of a ward-only search.
        """
        allowed = self._allowed(all_levels)
        exact = {c for c in _CODE.findall(text) if c in allowed}
        if exact:
            return {c: 1.0 for c in exact}
        lexical_scope, dense_scope = self._raw_scores(self._expand(text))
        lexical = {c: s for c, s in lexical_scope.items() if c in allowed}
        dense = {c: s for c, s in dense_scope.items() if c in allowed}
        if parts is not None:
            parts["lexical"], parts["dense"] = lexical, dense
        if other_levels is not None:
            other_levels.update(self.fuse(dense_scope, lexical_scope))
        return self.fuse(dense, lexical)

    def _elsewhere(self, all_levels_scores: dict[str, float], ward_top: float) -> SearchHit | None:
        """The best hit at all levels when it is not a ward procedure and beats the best ward hit by
        `elsewhere_margin`; else None. On the 682 evaluation questions (all ward procedures) this fired 3 times."""
        if not all_levels_scores:
            return None
        code, score = min(all_levels_scores.items(), key=lambda item: (-item[1], item[0]))
        doc = self._docs.get(code)
        if doc is None or doc.ward_level or score < self.tuning.no_match_score:
            return None
        return self._hit(code, score) if score >= ward_top + self.tuning.elsewhere_margin else None

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
        if margin >= t.clear_margin:
            return "confident"
        return "ambiguous"

    def _expand(self, text: str) -> str:
        aliases = self.aliases
        extra = aliases.expansion_text(text) if aliases is not None else ""
        bracket = age_hint(text)
        if bracket:  # the stated age decides the bracket; drop the other one an alias may have added
            extra = extra.replace(UNDER_14 if bracket == FROM_14 else FROM_14, "")
        return f"{text} {extra} {bracket}".strip()

    def _raw_scores(self, expanded: str) -> tuple[dict[str, float], dict[str, float]]:
        """(lexical, dense) scores of an expanded query over all levels; callers filter them and never change them.
        A code's dense score does not depend on which other codes are allowed, so the ward scores are the same
        filtered from these as computed for the ward alone."""
        key = (expanded, self.tuning.dense_rows, self.tuning.ask_shift)
        with self._lock:
            raw = self._raw.get(key)
            if raw is None:
                raw = (self.lexical.score(expanded), self._dense_scores(expanded, self._allowed(True)))
                if len(self._raw) >= SCORES_KEPT:
                    self._raw.pop(next(iter(self._raw)), None)  # the oldest
                self._raw[key] = raw
            return raw

    def _query_vector(self, text: str) -> np.ndarray:
        vector = self._query_vectors.get(text)
        if vector is None:
            vector = self.encoder.encode_queries([text])[0]
            if len(self._query_vectors) >= QUERY_VECTORS_KEPT:
                self._query_vectors.pop(next(iter(self._query_vectors)), None)  # the oldest
            self._query_vectors[text] = vector
        return vector

    def _dense_scores(self, text: str, allowed: set[str]) -> dict[str, float]:
        """Best cosine per code over its passages and (shifted down by `ask_shift`) its citizen asks."""
        vector = self._query_vector(text)
        accented = has_diacritics(text)
        shift = self.tuning.ask_shift
        best: dict[str, float] = {}
        for row, score in self.index.search(vector, self.tuning.dense_rows):
            slot, variant = divmod(row, ROWS_PER_SLOT)
            code = self._slot_codes.get(slot)
            if code not in allowed:
                continue
            if accented and variant == _FOLDED_ROW:  # the folded copy serves unaccented questions
                continue
            if variant >= len(self._docs[code].passages):
                score -= shift
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
