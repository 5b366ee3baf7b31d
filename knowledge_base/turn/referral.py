"""Referral: is a turn about a procedure the ward does not handle, although search ranks a ward one first?

Ward-level search answers a long story with the ward procedure its context resembles most ("đi xuất khẩu lao
động" → temporary absence) even when the story names a provincial one ("lý lịch tư pháp"). Here the best
ward-level and the best non-ward candidates are compared on what the story literally says: the share of the
turn's content words (question words and fillers stripped, IDF-weighted, everyday aliases counted at a lower
weight) found in each candidate's catalogue name, added to the search score. A candidate whose name says a
variant the turn contradicts ("cấp lại" asked, "lần đầu" named) is set aside. The non-ward record is referred
only when it is clearly the better fit than every ward candidate and the words that set the two names apart
point to it: a ward procedure with the same name at several levels (reporting a lost passport) stays at the ward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge_base.search.lexical import terms
from knowledge_base.search.outcome import SearchHit
from knowledge_base.text import tokens
from knowledge_base.turn.siblings import SiblingMarkers


@dataclass(frozen=True)
class ReferralTuning:
    """Weights of the comparison, tuned on the dev questions and dev conversations."""

    candidates: int = 8
    """Best candidates of each kind (ward / not ward) compared."""
    evidence_weight: float = 1.0
    """Added times the share of the turn's words found in the candidate's name."""
    alias_weight: float = 0.25
    """An everyday alias's canonical words count this much of a word said literally."""
    margin: float = 0.05
    """How far the best non-ward candidate must outscore every ward one to be referred."""
    floor: float = 0.40
    """A non-ward candidate below this search score is never referred (nothing really fits)."""
    min_evidence: float = 0.25
    """The share of the turn's words a referred name must hold: the story names it, not only resembles it."""
    ask_pair_idf: float = 3.0
    """A citizen phrasing names a record only through a word pair at least this rare: "đăng kiểm", "sang tên", not
    "đăng ký" or "nộp ở"."""
    precision_weight: float = 0.5
    """Added times the share of the NAME's words the turn says: "Đổi giấy phép lái xe" over the same name
    "… của người nước ngoài" when no foreigner is mentioned."""


DEFAULT_TUNING = ReferralTuning()


@dataclass(frozen=True)
class Candidate:
    """One procedure compared: its search score and how much of it the turn says."""

    code: str
    ward_level: bool
    score: float
    """Search score (fused, all levels)."""
    evidence: float
    """IDF share of the turn's words found in the name."""
    phrase: bool
    """The name holds two adjacent words of the turn (or of its aliases' phrases), or a citizen phrasing of it two
    adjacent words of the turn as typed: it is named, not resembled."""
    precision: float
    """IDF share of the name's words the turn says."""
    contradicted: bool
    """The turn says another variant of a facet the name states ("cấp lại" asked, "lần đầu" named)."""
    unsaid: bool = False
    """The name says a variant the turn does not (e.g. "có yếu tố nước ngoài"): never referred over a ward one."""

    def fit(self, tuning: ReferralTuning) -> float:
        return self.score + tuning.evidence_weight * self.evidence + tuning.precision_weight * self.precision


def _name_terms(search) -> dict[str, frozenset[str]]:
    """Folded unigrams and bigrams of every catalogue name (without a leading "Thủ tục") and of its English short
    name (answer cards; knowledge_base/data/non_ward_procedures.yaml), so an English turn says names too; cached
    until the index changes."""
    return search.derived(
        "turn.referral.name_terms",
        lambda docs: {
            d.code: frozenset(terms(d.zones.get("name") or d.name)) | frozenset(terms(d.zones.get("en") or ""))
            for d in docs
        },
    )


def _own_words(search) -> dict[str, tuple[frozenset[str], ...]]:
    """Folded words of each name, the Vietnamese one and the English one apart: the share of a name the turn says
    is taken in the turn's language."""
    return search.derived(
        "turn.referral.own_words",
        lambda docs: {
            d.code: tuple(
                frozenset(t for t in terms(text) if "_" not in t)
                for text in (d.zones.get("name") or d.name, d.zones.get("en") or "")
                if text
            )
            for d in docs
        },
    )


def _precision(own, weights: dict[str, float], idf) -> float:
    """IDF share of the name's words the turn says; a word the turn only implies through an everyday alias counts
    at the alias's weight."""
    mass = sum(idf(t) for t in own)
    return sum(min(idf(t), weights[t]) for t in own if t in weights) / mass if mass else 0.0


def _ask_terms(search) -> dict[str, frozenset[str]]:
    """Folded word pairs of how citizens ask for each procedure (its citizen phrasings and, beyond the ward,
    knowledge_base/data/non_ward_procedures.yaml): a turn sharing one names the procedure the way people say it
    ("đăng kiểm xe" for a vehicle inspection certificate whose name says "kiểm định")."""
    return search.derived(
        "turn.referral.ask_terms",
        lambda docs: {d.code: frozenset(t for t in terms(d.zones.get("asks") or "") if "_" in t) for d in docs},
    )


def _name_values(search, markers: SiblingMarkers) -> dict[str, dict[str, str]]:
    return search.derived("turn.referral.name_values", lambda docs: {d.code: markers.analyse(d.name)[1] for d in docs})


def warm_up(search, markers: SiblingMarkers) -> None:
    """Build the tables this module derives from the catalogue now (knowledge_base.turn.decide.warm_up)."""
    _name_terms(search)
    _own_words(search)
    _ask_terms(search)
    _name_values(search, markers)


def turn_weights(
    search, content: list[str], tuning: ReferralTuning = ReferralTuning(), query: str | None = None
) -> dict[str, float]:
    """IDF weight of each term the turn's content words say; an alias's canonical terms at ``alias_weight``.
    Word pairs count only when the two words are adjacent in ``query`` itself (dropping "về nhà" from "vợ về nhà
    chồng" must not make "vợ chồng")."""
    lexical = search.lexical
    text = " ".join(part for word in content for part in re.split(r"[_+]", word))
    if not text:
        return {}
    said = lexical.query_terms(text)
    words = {t for t in said if "_" not in t}
    if query is not None:
        adjacent = {t for t in lexical.query_terms(query) if "_" in t}
        said = [
            t
            for t in dict.fromkeys(said + sorted(adjacent))
            if "_" not in t or (t in adjacent and all(p in words for p in t.split("_")))
        ]
    weights = {t: lexical.idf(t) for t in said}
    aliases = getattr(search, "aliases", None)
    expansion = aliases.expansion_text(text) if aliases is not None else ""
    for term in lexical.query_terms(expansion) if expansion else ():
        if term not in weights:
            weights[term] = tuning.alias_weight * lexical.idf(term)
    return weights


def alias_pairs(search, content: list[str]) -> frozenset[str]:
    """Word pairs of the everyday aliases the turn uses ("nhập khẩu" for registering a residence): they say the
    alias's concept, so a catalogue name sharing them (an import procedure) is not named by the turn."""
    aliases = getattr(search, "aliases", None)
    text = " ".join(part for word in content for part in re.split(r"[_+]", word))
    if not text or aliases is None or not hasattr(aliases, "expand"):
        return frozenset()
    folded = f" {' '.join(tokens(text))} "
    pairs = set()
    for entry in aliases.expand(text):
        for alias in entry.aliases:
            words = tokens(alias)
            if words and f" {' '.join(words)} " in folded:
                pairs.update(f"{a}_{b}" for a, b in zip(words, words[1:]))
    return frozenset(pairs)


def _contradicted(values: dict[str, str], said: dict[str, set[str]], defaults: frozenset[str]) -> bool:
    """The name says a non-default variant of a facet for which the turn says exactly one other non-default
    variant ("cấp lại" asked, "lần đầu" named); a turn naming several ("cấp sai … để cấp lại") rules out none."""
    for facet, value in values.items():
        told = said.get(facet, set()) - defaults
        if told and value not in told and value not in defaults:
            return True
    return False


def _unsaid(values: dict[str, str], said: dict[str, set[str]], defaults: frozenset[str]) -> bool:
    """The name says a non-default variant the turn does not mention (a foreign element, an organisation)."""
    return any(value not in defaults and value not in said.get(facet, set()) for facet, value in values.items())


def candidates(
    search, query: str, content: list[str], markers: SiblingMarkers, tuning: ReferralTuning = ReferralTuning()
) -> list[Candidate]:
    """The best ward and non-ward candidates for ``query`` with their evidence, best fit first."""
    weights = turn_weights(search, content, tuning, query)
    total = sum(weights.values())
    if total <= 0:
        return []
    scores = search.fused_scores(query, all_levels=True)
    names = _name_terms(search)
    own_words = _own_words(search)
    asked = _ask_terms(search)
    values = _name_values(search, markers)
    said = markers.mentioned(query)
    idf = search.lexical.idf
    borrowed = alias_pairs(search, content)
    query_pairs = {t for t in search.lexical.query_terms(query) if "_" in t}  # as typed: "extend my visa"
    defaults = markers.defaults
    out: list[Candidate] = []
    for ward in (True, False):
        ranked = sorted((c for c in scores if search.document(c).ward_level == ward), key=lambda c: -scores[c])
        for code in ranked[: tuning.candidates]:
            have = names.get(code, frozenset())
            evidence = sum(w for t, w in weights.items() if t in have) / total
            precision = max(_precision(words, weights, idf) for words in own_words.get(code, ((),)))
            phrase = any("_" in t and t not in borrowed and t in have for t in weights) or any(
                t in asked.get(code, ()) and idf(t) >= tuning.ask_pair_idf for t in query_pairs
            )
            out.append(
                Candidate(
                    code,
                    ward,
                    scores[code],
                    evidence,
                    phrase,
                    precision,
                    _contradicted(values.get(code, {}), said, defaults),
                    _unsaid(values.get(code, {}), said, defaults),
                )
            )
    return sorted(out, key=lambda c: (c.contradicted, -c.fit(tuning)))


def _distinct(weights: dict[str, float], mine: frozenset[str], theirs: frozenset[str]) -> float:
    """IDF mass of the turn's terms in ``mine`` but not in ``theirs`` (words said that only one name has)."""
    return sum(w for t, w in weights.items() if t in mine and t not in theirs)


def better_elsewhere(
    search,
    query: str,
    content: list[str],
    markers: SiblingMarkers,
    current: SearchHit | None = None,
    tuning: ReferralTuning | None = None,
) -> SearchHit | None:
    """The non-ward procedure the turn is about when it clearly fits better than every ward candidate, else None.

    ``current`` is the referral search itself proposed (if any): it is kept unless another non-ward record fits
    clearly better ("Đổi giấy phép lái xe" over the foreigners' variant) or the turn contradicts its variant."""
    if getattr(search, "lexical", None) is None or not hasattr(search, "fused_scores"):
        return current  # a searcher without word statistics (a test fake, another engine): search's own referral
    tuning = tuning or DEFAULT_TUNING
    found = candidates(search, query, content, markers, tuning)
    usable = [c for c in found if not c.contradicted]
    other = next((c for c in usable if not c.ward_level and (current is not None or not c.unsaid)), None)
    ward = max((c for c in usable if c.ward_level), key=lambda c: _plain(c, tuning), default=None)
    if current is not None:
        mine = next((c for c in found if c.code == current.code), None)
        if mine is not None and (mine.contradicted or not mine.phrase):
            return None  # the turn says another variant, or shares no phrase with the name ("xin chào")
        if mine is None and ward is not None and (other is None or _plain(ward, tuning) > _plain(other, tuning)):
            return None  # search referred another reading of the turn (its aliases' phrases); the turn fits a ward one
        if other is None or mine is None or other.fit(tuning) < mine.fit(tuning) + tuning.margin:
            return current
        return _hit(search, other) if _beats(search, query, other, ward, content, tuning) else current
    if other is None or other.score < tuning.floor or other.evidence < tuning.min_evidence or not other.phrase:
        return None
    return _hit(search, other) if _beats(search, query, other, ward, content, tuning) else None


def _plain(candidate: Candidate, tuning: ReferralTuning) -> float:
    return candidate.score + tuning.evidence_weight * candidate.evidence


def _beats(
    search, query: str, other: Candidate, ward: Candidate | None, content: list[str], tuning: ReferralTuning
) -> bool:
    """The non-ward candidate outscores the best ward one, and the words that set their names apart point to it."""
    if ward is None:
        return True
    if _plain(other, tuning) < _plain(ward, tuning) + tuning.margin:
        return False
    weights = turn_weights(search, content, tuning, query)
    names = _name_terms(search)
    theirs, ours = names.get(other.code, frozenset()), names.get(ward.code, frozenset())
    return _distinct(weights, theirs, ours) > _distinct(weights, ours, theirs)


def _hit(search, candidate: Candidate) -> SearchHit:
    doc = search.document(candidate.code)
    return SearchHit(code=candidate.code, name=doc.name, field=doc.field, score=candidate.score)
