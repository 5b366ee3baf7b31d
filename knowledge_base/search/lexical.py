"""BM25-style lexical scorer over accent-folded unigrams and bigrams, with per-zone weights and typo repair."""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from knowledge_base.search.typos import TypoCorrector
from knowledge_base.text import tokens

DEFAULT_ZONE_WEIGHTS = {"name": 1.0, "field": 0.35, "extra": 0.35}


def terms(text: str) -> list[str]:
    """Folded unigrams plus adjacent bigrams ('khai sinh' -> khai, sinh, khai_sinh)."""
    words = tokens(text)
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:])]


class Bm25Scorer:
    """Zone-weighted BM25 divided by the query's total IDF: a score reads as IDF-weighted coverage of the query
    (about 1.0 when every term hits an average-length name; shorter names score a little higher)."""

    def __init__(
        self, zone_weights: dict[str, float] | None = None, *, k1: float = 1.2, b: float = 0.5,
        precision_weight: float = 0.15,
    ) -> None:
        self.zone_weights = dict(zone_weights or DEFAULT_ZONE_WEIGHTS)
        self.k1, self.b = k1, b
        self.precision_weight = precision_weight
        """How much the share of a NAME's own words that the query mentions adds: it prefers "Đăng ký tạm trú"
        over "Xóa đăng ký tạm trú" when the citizen did not say "xóa"."""
        self._docs: dict[str, dict[str, Counter]] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        self._zone_lengths: dict[str, dict[str, int]] = {}
        self._avg_len: dict[str, float] = {}
        self._corrector: TypoCorrector | None = None
        self._idf: dict[str, float] = {}

    # -- documents -------------------------------------------------------------------------------
    def set_document(self, key: str, text_by_zone: dict[str, str]) -> None:
        self.remove_document(key, _refresh=False)
        zones = {z: Counter(terms(t)) for z, t in text_by_zone.items() if z in self.zone_weights and t}
        self._docs[key] = zones
        self._zone_lengths[key] = {z: sum(1 for t in c.elements() if "_" not in t) for z, c in zones.items()}
        for counter in zones.values():
            for term in counter:
                self._postings[term].add(key)
        self._refresh()

    def set_documents(self, docs: dict[str, dict[str, str]]) -> None:
        """Bulk load (one statistics refresh at the end)."""
        for key, zones in docs.items():
            self.remove_document(key, _refresh=False)
            counters = {z: Counter(terms(t)) for z, t in zones.items() if z in self.zone_weights and t}
            self._docs[key] = counters
            self._zone_lengths[key] = {z: sum(1 for t in c.elements() if "_" not in t) for z, c in counters.items()}
            for counter in counters.values():
                for term in counter:
                    self._postings[term].add(key)
        self._refresh()

    def remove_document(self, key: str, *, _refresh: bool = True) -> None:
        zones = self._docs.pop(key, None)
        self._zone_lengths.pop(key, None)
        if zones:
            for counter in zones.values():
                for term in counter:
                    self._postings[term].discard(key)
                    if not self._postings[term]:
                        del self._postings[term]
            if _refresh:
                self._refresh()

    def _refresh(self) -> None:
        self._idf = {}
        totals: dict[str, list[int]] = defaultdict(list)
        for lengths in self._zone_lengths.values():
            for zone, n in lengths.items():
                totals[zone].append(n)
        self._avg_len = {z: (sum(v) / len(v)) for z, v in totals.items() if v}
        freq = {t: len(keys) for t, keys in self._postings.items() if "_" not in t}
        self._corrector = TypoCorrector(freq)

    def __len__(self) -> int:
        return len(self._docs)

    # -- queries ---------------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        cached = self._idf.get(term)
        if cached is None:
            n = len(self._postings.get(term, ()))
            cached = self._idf[term] = math.log(1 + (len(self._docs) - n + 0.5) / (n + 0.5))
        return cached

    def query_terms(self, query: str) -> list[str]:
        """Folded query terms after typo repair; words with no close known word are dropped."""
        words = []
        for word in tokens(query):
            fixed = self._corrector.correct(word) if self._corrector else word
            if fixed:
                words.append(fixed)
        bigrams = [f"{a}_{b}" for a, b in zip(words, words[1:])]
        return list(dict.fromkeys(words + [bg for bg in bigrams if bg in self._postings]))

    def score(self, query: str) -> dict[str, float]:
        q_terms = self.query_terms(query)
        weights = {t: self.idf(t) for t in q_terms}
        total = sum(weights.values())
        if total <= 0:
            return {}
        scores: dict[str, float] = defaultdict(float)
        for term, idf in weights.items():
            for key in self._postings.get(term, ()):
                scores[key] += idf * self._best_zone(key, term)
        if self.precision_weight:
            for key in scores:
                scores[key] += self.precision_weight * total * self._name_precision(key, weights)
        return {key: s / total for key, s in scores.items()}

    def _name_precision(self, key: str, query_weights: dict[str, float]) -> float:
        """IDF share of the document name's distinct words that the query contains."""
        name = self._docs[key].get("name")
        if not name:
            return 0.0
        words = [t for t in name if "_" not in t]
        mass = sum(self.idf(t) for t in words)
        hit = sum(self.idf(t) for t in words if t in query_weights)
        return hit / mass if mass else 0.0

    def _best_zone(self, key: str, term: str) -> float:
        best = 0.0
        for zone, counter in self._docs[key].items():
            tf = counter.get(term, 0)
            if not tf:
                continue
            norm = 1 - self.b + self.b * self._zone_lengths[key][zone] / max(self._avg_len.get(zone, 1.0), 1.0)
            saturation = tf * (self.k1 + 1) / (tf + self.k1 * norm)  # 1.0 for one hit in an average-length zone
            best = max(best, self.zone_weights[zone] * saturation)
        return best
