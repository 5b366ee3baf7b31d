"""BM25-style lexical scorer over accent-folded unigrams and bigrams, with per-zone weights and typo repair."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from knowledge_base.search.typos import TypoCorrector
from knowledge_base.text import tokens

DEFAULT_ZONE_WEIGHTS = {"name": 1.0, "field": 0.35, "extra": 0.35, "asks": 0.7, "en": 0.8}
PRECISION_CANDIDATES = 300
"""Name precision is computed for this many best-covered documents only (it only reorders the top)."""
INCREMENTAL_LIMIT = 64
"""Documents changed a few at a time (staff edits) between two full statistics refreshes; see `set_documents`."""
_FEW = 8


_ENGLISH_SUFFIXES = (("ying", "y"), ("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("s", ""))
"""English inflections folded away (certifying, certified, certifies -> certify; contracts -> contract). No folded
Vietnamese syllable ends in -ing, -ed or -s, so Vietnamese words are never changed."""


def english_stem(word: str) -> str:
    """``word`` without a plain English inflection (only for words of 5+ letters, keeping a stem of 3+)."""
    if len(word) < 5 or not word.isascii() or not word.isalpha() or word.endswith(("ss", "us", "is")):
        return word
    for suffix, replacement in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word


def words_of(text: str) -> list[str]:
    """Folded tokens with English inflections removed: what the lexical index and queries are made of."""
    return [english_stem(w) for w in tokens(text)]


def terms(text: str) -> list[str]:
    """Folded unigrams plus adjacent bigrams ('khai sinh' -> khai, sinh, khai_sinh)."""
    words = words_of(text)
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:])]


class Bm25Scorer:
    """Zone-weighted BM25 divided by the query's total IDF: a score reads as IDF-weighted coverage of the query
    (about 1.0 when every term hits an average-length name; shorter names score a little higher)."""

    def __init__(
        self,
        zone_weights: dict[str, float] | None = None,
        *,
        k1: float = 1.2,
        b: float = 0.5,
        precision_weight: float = 0.15,
    ) -> None:
        self.zone_weights = dict(zone_weights or DEFAULT_ZONE_WEIGHTS)
        self.k1, self.b = k1, b
        self.precision_weight = precision_weight
        """How much the share of a NAME's own words that the query mentions adds: it prefers "Đăng ký tạm trú"
        over "Xóa đăng ký tạm trú" when the citizen did not say "xóa"."""
        self._docs: dict[str, dict[str, Counter]] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        # derived in _refresh(): per-term best zone value per document, IDF, name words and their IDF mass
        self._impact: dict[str, dict[str, float]] = {}
        self._idf: dict[str, float] = {}
        self._name_words: dict[str, tuple[str, ...]] = {}
        self._name_mass: dict[str, float] = {}
        self._corrector: TypoCorrector | None = None
        self._avg: dict[str, float] = {}
        """Average zone lengths as of the last full refresh."""
        self._word_df: dict[str, int] = {}
        """Unigram -> documents holding it: the typo corrector's vocabulary."""
        self._since_full = 0

    # -- documents -------------------------------------------------------------------------------
    def set_document(self, key: str, text_by_zone: dict[str, str]) -> None:
        self.set_documents({key: text_by_zone})

    def set_documents(self, docs: dict[str, dict[str, str]]) -> None:
        """Add or replace documents, then refresh statistics once.

        A few documents (a staff edit) refresh only what they touch: their own entries, the IDF of their terms and
        the names holding those terms, with the average zone lengths of the last full refresh. Every other term's
        IDF and every other document's length norm then lag by that many documents out of thousands (a relative
        change of about 1e-4 each), until a full refresh after INCREMENTAL_LIMIT such changes, or any bulk load."""
        touched: set[str] = set()
        for key, zones in docs.items():
            touched |= self._drop(key)
            counters = {z: Counter(terms(t)) for z, t in zones.items() if z in self.zone_weights and t}
            self._docs[key] = counters
            for counter in counters.values():
                for term in counter:
                    self._postings[term].add(key)
                    touched.add(term)
        self._after_change(set(docs), touched)

    def remove_document(self, key: str) -> None:
        if key in self._docs:
            self._after_change({key}, self._drop(key))

    def _drop(self, key: str) -> set[str]:
        """Forget a document; returns its terms."""
        dropped: set[str] = set()
        for counter in self._docs.pop(key, {}).values():
            for term in counter:
                dropped.add(term)
                self._postings[term].discard(key)
                if not self._postings[term]:
                    del self._postings[term]
        return dropped

    def _after_change(self, keys: set[str], touched: set[str]) -> None:
        if len(keys) <= _FEW and self._avg and self._since_full + len(keys) <= INCREMENTAL_LIMIT:
            self._since_full += len(keys)
            self._refresh_some(keys, touched)
        else:
            self._since_full = 0
            self._refresh()

    def _refresh_some(self, keys: set[str], touched: set[str]) -> None:
        """Statistics for the changed documents `keys` and the terms they had or have (see set_documents)."""
        n_docs = len(self._docs)
        for term in touched:
            holders = self._postings.get(term)
            if holders:
                self._idf[term] = math.log(1 + (n_docs - len(holders) + 0.5) / (len(holders) + 0.5))
            else:
                self._idf.pop(term, None)
            row = self._impact.get(term)
            if row is not None:
                for key in keys:
                    row.pop(key, None)
                if not row:
                    del self._impact[term]
            if "_" not in term:
                if holders:
                    self._word_df[term] = len(holders)
                else:
                    self._word_df.pop(term, None)
        for key in keys:
            zones = self._docs.get(key)
            if zones is None:
                self._name_words.pop(key, None)
                self._name_mass.pop(key, None)
                continue
            for zone, counter in zones.items():
                length = sum(v for t, v in counter.items() if "_" not in t)
                norm = 1 - self.b + self.b * length / self._avg.get(zone, max(length, 1))
                for term, tf in counter.items():
                    value = self.zone_weights[zone] * tf * (self.k1 + 1) / (tf + self.k1 * norm)
                    row = self._impact.setdefault(term, {})
                    if value > row.get(key, 0.0):
                        row[key] = value
            self._name_words[key] = tuple(t for t in zones.get("name", ()) if "_" not in t)
        names = {k for term in touched for k in self._postings.get(term, ())} | (keys & set(self._docs))
        for key in names:  # a name's IDF mass changes with the IDF of any of its words
            self._name_mass[key] = sum(self._idf[t] for t in self._name_words[key])
        self._corrector = TypoCorrector(self._word_df)

    def _refresh(self) -> None:
        n_docs = len(self._docs)
        self._idf = {
            t: math.log(1 + (n_docs - len(keys) + 0.5) / (len(keys) + 0.5)) for t, keys in self._postings.items()
        }
        lengths = {
            key: {z: sum(v for t, v in c.items() if "_" not in t) for z, c in zones.items()}
            for key, zones in self._docs.items()
        }
        totals: dict[str, list[int]] = defaultdict(list)
        for per_zone in lengths.values():
            for zone, n in per_zone.items():
                totals[zone].append(n)
        avg = self._avg = {z: max(sum(v) / len(v), 1.0) for z, v in totals.items()}
        impact: dict[str, dict[str, float]] = defaultdict(dict)
        for key, zones in self._docs.items():
            for zone, counter in zones.items():
                norm = 1 - self.b + self.b * lengths[key][zone] / avg[zone]
                for term, tf in counter.items():
                    value = self.zone_weights[zone] * tf * (self.k1 + 1) / (tf + self.k1 * norm)
                    if value > impact[term].get(key, 0.0):
                        impact[term][key] = value  # 1.0 for one hit in an average-length zone
        self._impact = dict(impact)
        self._name_words = {
            key: tuple(t for t in zones.get("name", ()) if "_" not in t) for key, zones in self._docs.items()
        }
        self._name_mass = {key: sum(self._idf[t] for t in words) for key, words in self._name_words.items()}
        self._word_df = {t: len(keys) for t, keys in self._postings.items() if "_" not in t}
        self._corrector = TypoCorrector(self._word_df)

    def __len__(self) -> int:
        return len(self._docs)

    # -- queries ---------------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        """IDF of a known term; unknown terms get the IDF of a term seen in no document."""
        known = self._idf.get(term)
        return known if known is not None else math.log(1 + (len(self._docs) + 0.5) / 0.5)

    def query_terms(self, query: str) -> list[str]:
        """Folded query terms after typo repair; words with no close known word are dropped."""
        words = []
        for word in words_of(query):
            fixed = self._corrector.correct(word) if self._corrector else word
            if fixed:
                words.append(fixed)
        bigrams = [f"{a}_{b}" for a, b in zip(words, words[1:])]
        return list(dict.fromkeys(words + [bg for bg in bigrams if bg in self._postings]))

    def score(self, query: str) -> dict[str, float]:
        weights = {t: self.idf(t) for t in self.query_terms(query)}
        total = sum(weights.values())
        if total <= 0:
            return {}
        scores: dict[str, float] = defaultdict(float)
        for term, idf in weights.items():
            for key, value in self._impact.get(term, {}).items():
                scores[key] += idf * value
        if self.precision_weight:
            top = sorted(scores, key=scores.__getitem__, reverse=True)[:PRECISION_CANDIDATES]
            for key in top:
                scores[key] += self.precision_weight * total * self._name_precision(key, weights)
        return {key: s / total for key, s in scores.items()}

    def _name_precision(self, key: str, query_weights: dict[str, float]) -> float:
        """IDF share of the document name's words that the query contains."""
        mass = self._name_mass.get(key, 0.0)
        if not mass:
            return 0.0
        return sum(self._idf[t] for t in self._name_words[key] if t in query_weights) / mass
