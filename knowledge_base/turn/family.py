"""Procedure families: close ward procedures whose names share the words a question matched and differ by others
("Cấp giấy phép xây dựng mới …" / "… sửa chữa, cải tạo …" / "Gia hạn giấy phép xây dựng …"; "Chứng thực di chúc" /
"Chứng thực chữ ký …"; "Đăng ký đóng, cấp thẻ BHYT …" / "Cấp lại, đổi, điều chỉnh thông tin trên … thẻ BHYT").

A family generalises siblings (knowledge_base/turn/siblings.py: equal names once variant words are removed): its
members are found from the question, not from a fixed grouping, so a family named without its variant words
("xin phép xây dựng", "thẻ bảo hiểm y tế") is asked about instead of guessed. The question discriminates when it
says words, or variant cues (sibling_markers.yaml), that some members' names have and others lack. A top hit whose
name adds nothing to what all members share (the plain "Đăng ký khai sinh") is left to decide.py's default rule.

After a clarifying question, ``choose_option`` reads the citizen's answer against the offered procedures the same
way, plus a stated age against the age ranges in their names ("bé 6 tuổi" → "… dưới 14 tuổi").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from knowledge_base.search.age_hints import stated_ages
from knowledge_base.text import fold, tokens
from knowledge_base.turn.siblings import SiblingIndex, SiblingMarkers, words_of

FAMILY_RATIO = 0.8
"""A family member scores at least this share of the top hit's score."""
MAX_MEMBERS = 3
_PLAIN = frozenset("thu tuc dang ky ki cap giay to".split())
"""Words of almost every name ("Thủ tục đăng ký", "cấp giấy"): never evidence of one procedure."""
_FUNCTION_PHRASES = (
    "giay chung nhan",
    "giay xac nhan",
    "thuc hien",
    "truong hop",
    "hanh chinh",
    "doi voi",
    "uy ban nhan dan",
)
"""Phrases that tell no procedure from another (paper words: "giấy chứng nhận hộ kinh doanh" is the household
business itself; "đối với", "trường hợp", "Ủy ban nhân dân")."""
_FUNCTION_WORDS = frozenset(
    "cac cua va voi trong tren tu den tai ve theo cho la ma hoac da duoc co nhung mot so viec vao ra de boi khi".split()
)
"""Grammatical words ("của", "được", "đối với"): never evidence, in a name or a question."""
_QUESTION_WORDS = frozenset(
    "nay do toi em anh chi minh ban gi nao sao the thi a o lai sang them nua roi muon can lam dau tuoi hoi".split()
)
"""Pronouns, particles and question words of a question ("tôi", "sao", "làm", "đâu"). Accent folding makes some
of them name words too ("bản sao", "căn cước", "lần đầu"): in a question they are kept next to a word they form a
catalogue name's word pair with."""
_UNDER = re.compile(r"\bduoi (\d{1,3}) tuoi\b")
_FROM = re.compile(r"\b(?:tu du|tu|tren|du) (\d{1,3}) tuoi(?: tro len)?\b")


@dataclass(frozen=True)
class Member:
    """One family member as the question sees it."""

    code: str
    score: float
    said: frozenset[str]
    """Informative words of its name the question says."""
    unsaid: frozenset[str]
    """Informative words of its name, not shared by every close member, the question does not say."""


def _informative(token: str) -> bool:
    return not (token in _FUNCTION_WORDS or token in _PLAIN or token.isdigit() or len(token) < 2)


def _folded(text: str) -> list[str]:
    folded = f" {' '.join(tokens(text))} "
    for phrase in _FUNCTION_PHRASES:
        folded = folded.replace(f" {phrase} ", " ")
    return folded.split()


def name_terms(search) -> dict[str, frozenset[str]]:
    """Code → informative folded words of its name, ward procedures only (cached on the search)."""

    def build(docs):
        return {d.code: frozenset(t for t in _folded(d.name) if _informative(t)) for d in docs if d.ward_level}

    return search.derived("turn.family_terms", build)


def _name_pairs(search) -> frozenset[tuple[str, str]]:
    def build(docs):
        return frozenset(p for d in docs if d.ward_level for words in [tokens(d.name)] for p in zip(words, words[1:]))

    return search.derived("turn.family_pairs", build)


def said_terms(search, text: str, expand: bool = True) -> frozenset[str]:
    """Informative folded words of the question plus (``expand``) the catalogue phrases of the everyday names it
    uses ("bảo hiểm y tế" → "BHYT", "hộ khẩu" → "thường trú")."""
    aliases = getattr(search, "aliases", None)
    expansion = aliases.expansion_text(text) if expand and hasattr(aliases, "expansion_text") else ""
    words, pairs = _folded(f"{text} | {expansion}"), _name_pairs(search)
    kept = set()
    for i, word in enumerate(words):
        if not _informative(word):
            continue
        paired = (i and (words[i - 1], word) in pairs) or (i + 1 < len(words) and (word, words[i + 1]) in pairs)
        if word not in _QUESTION_WORDS or paired:
            kept.add(word)
    return frozenset(kept)


def _variants_said(markers: SiblingMarkers, said_values: dict[str, set[str]], name: str) -> int:
    """How many non-default variant values the question says that ``name`` has (multi-valued names count each)."""
    defaults = markers.defaults
    return sum(1 for f, v in markers.in_name(name) if v not in defaults and v in said_values.get(f, set()))


def _age_fit(text: str, name: str) -> int:
    """+1 when an age the question states lies in the name's age range, -1 when outside it, 0 otherwise."""
    ages = stated_ages(fold(text))
    folded = " ".join(tokens(name))
    under, above = _UNDER.search(folded), _FROM.search(folded)
    if not ages or not (under or above):
        return 0
    age = ages[0]
    inside = (not under or age < int(under.group(1))) and (not above or age >= int(above.group(1)))
    return 1 if inside else -1


def rare_unsaid(index: SiblingIndex, markers: SiblingMarkers, code: str, said_values: dict[str, set[str]]) -> int:
    """Rare variant values (foreign element, mobile …) of ``code``'s name the question does not say."""
    rare = {(m.facet, m.value) for m in markers.markers if m.rare}
    return sum(1 for f, v in index.values(code).items() if (f, v) in rare and v not in said_values.get(f, set()))


def _action_said(markers: SiblingMarkers, said_values: dict[str, set[str]]) -> str:
    """What the question says it wants done: "other" (re-issue, change, cancel …: the siblings decide), "plain"
    (only applying: "xin", "đăng ký", "làm") or "" (nothing: "hỏi về hộ nghèo")."""
    action = said_values.get("action", set())
    defaults = markers.defaults
    return "other" if action - defaults else ("plain" if action else "")


def _differ_in_variant(index: SiblingIndex, members: Sequence) -> bool:
    """Do ``members`` differ in a variant a citizen knows about their own case (new build or repair, foreign
    element …: sibling_markers.yaml), beyond the action? Administrative wording ("định kỳ" / "thường xuyên") is not
    asked about when the question says it applies."""
    facets = {f for h in members for f in index.values(h.code)} - {"action"}
    return any(len({index.values(h.code).get(f) for h in members}) > 1 for f in facets)


def decide(search, index: SiblingIndex, markers: SiblingMarkers, said_text: str, hits: Sequence) -> list[str]:
    """The members to ask about (best first) when the question names the top hit's family but neither says which
    member it means nor an action that tells them apart, and the top hit is a specific variant; [] otherwise (no
    family, the question singles a member out or says a re-issue, change …, or the top hit is the family's plain
    member). Saying only that it applies ("xin giấy phép xây dựng") leaves a choice between variants a citizen
    knows (new build or repair), not between administrative wordings."""
    terms = name_terms(search)
    hits = [h for h in hits if h.code in terms]
    said_values = markers.mentioned(said_text)
    action = _action_said(markers, said_values)
    if not hits or hits[0].score <= 0 or action == "other":
        return []
    top = hits[0]
    said = said_terms(search, said_text)
    core = said & terms[top.code]
    if not core & said_terms(search, said_text, expand=False):
        return []  # the question names the family only through an everyday or English name: search's call
    close = [h for h in hits if core <= terms[h.code] and h.score >= top.score * FAMILY_RATIO]
    if len(close) < 2:
        return []
    common = frozenset.intersection(*(terms[h.code] for h in close))
    facets = {f for h in close for f in index.values(h.code)}  # a facet no member has rules none of them out
    fitting = [h for h in close if index.fit(h.code, said_values, facets)[0]]
    if len(fitting) < 2 or (action == "plain" and not _differ_in_variant(index, fitting)):
        return []
    evidence = {h.code: len((said & terms[h.code]) - common) for h in fitting}
    best = max(evidence.values())
    if best > 0:  # the question says words of some members only: ask among those, if more than one
        fitting = [h for h in fitting if evidence[h.code] == best]
        if len(fitting) < 2:
            return []
    elif fitting[0].code != top.code or not (terms[top.code] - common) - said:
        return []  # the top hit is the family's plain member: the default-variant rule decides
    else:  # nothing tells the members apart: the family's most asked members are offered too
        fitting += [
            _Hit(c, 0.0)
            for c in _most_asked(search, core, {h.code for h in hits})
            if index.fit(c, said_values, facets)[0]
        ]
    prior = _priors(search)
    ranked = sorted(
        fitting, key=lambda h: (rare_unsaid(index, markers, h.code, said_values), -prior.get(h.code, 0.0), -h.score)
    )
    return [h.code for h in ranked[:MAX_MEMBERS]]


@dataclass(frozen=True)
class _Hit:
    code: str
    score: float


def _priors(search) -> dict[str, float]:
    """Code → how often citizens ask for it (common_procedures.yaml), ward procedures asked for at all."""
    return search.derived(
        "turn.family_priors",
        lambda docs: {d.code: p for d in docs if d.ward_level and (p := float(getattr(d, "prior", 0.0) or 0.0)) > 0},
    )


def warm_up(search) -> None:
    """Build the tables this module derives from the catalogue now (knowledge_base.turn.decide.warm_up)."""
    name_terms(search)
    _name_pairs(search)
    _priors(search)


def _most_asked(search, core: frozenset[str], exclude: set[str]) -> list[str]:
    """The most asked ward procedures whose names hold ``core`` (most asked first), beyond ``exclude``."""
    terms, prior = name_terms(search), _priors(search)
    found = [c for c in prior if c not in exclude and core <= terms.get(c, frozenset())]
    return sorted(found, key=lambda c: -prior[c])[:MAX_MEMBERS]


def unsaid_variant(search, index: SiblingIndex, markers: SiblingMarkers, said_text: str, hits: Sequence) -> list[str]:
    """The top hit and its counterparts (best first) when its name has a value of a facet every member of which
    needs saying (no default, not rare: new build or repair, under or from 14) that the turn does not say, and a
    hit sharing the turn's words has another value of it; [] otherwise. The gap in score does not matter: the
    words that would tell them apart are not in the turn ("xin giấy phép xây dựng nhà ở")."""
    terms = name_terms(search)
    hits = [h for h in hits if h.code in terms]
    if not hits:
        return []
    said_values = markers.mentioned(said_text)
    if _action_said(markers, said_values) == "other":
        return []
    open_facets = {m.facet for m in markers.markers} - {m.facet for m in markers.markers if m.default or m.rare}
    top = hits[0]
    subject = {t for t in index.stem(top.code).split() if _informative(t)} or terms[top.code]
    core = said_terms(search, said_text, expand=False) & subject
    if not core:
        return []
    facets = {f for h in hits for f in index.values(h.code)}
    for facet, value in index.values(top.code).items():
        if facet not in open_facets or said_values.get(facet):
            continue
        others: dict[str, str] = {}
        for hit in hits[1:]:
            other = index.values(hit.code).get(facet)
            if other not in (None, value) and core <= terms[hit.code] and index.fit(hit.code, said_values, facets)[0]:
                others.setdefault(other, hit.code)
        if others:
            return [top.code, *others.values()][:MAX_MEMBERS]
    return []


SEVERAL_RATIO = 0.7
"""How far below the top hit a procedure of another variant the turn's cue says may score and still be offered."""


def variants_said(search, index: SiblingIndex, markers: SiblingMarkers, said_text: str, hits: Sequence) -> list[str]:
    """The close procedures of the variants (re-issue, copy, re-registration …) the turn says, best of each
    variant first: several when its cue says several and more than one fits ("mất giấy khai sinh": a copy of the
    extract while the register book is kept, or registering the birth again: ask), one when the turn says a
    variant the top hit does not have ("cần bản sao giấy khai sinh" over the plain birth registration: answer it);
    [] otherwise. Close: a ward procedure whose name holds the turn's words that the top hit's name holds once its
    variant words are removed ("khai sinh" of "Đăng ký lại khai sinh"), scoring at least SEVERAL_RATIO of the best
    procedure of a variant said."""
    terms = name_terms(search)
    hits = [h for h in hits if h.code in terms]
    said_values = markers.mentioned(said_text)
    defaults = markers.defaults
    wanted = said_values.get("action", set()) - defaults
    if not hits or hits[0].score <= 0 or not wanted:
        return []
    top = hits[0]
    named = {value for facet, value in markers.in_name(search.document(top.code).name) if facet == "action"}
    if index.values(top.code).get("action") not in wanted and named & wanted:
        return []  # a name of several actions says the variant too ("Cấp lại, đổi, điều chỉnh … thẻ BHYT": a lost card)
    subject = {t for t in index.stem(top.code).split() if _informative(t)} or terms[top.code]
    core = said_terms(search, said_text, expand=False) & subject  # its name without variant words: "khai sinh"
    core = accents_agree(said_text, search.document(top.code).name, core)  # "đóng" is not "hoạt động"
    core = core or said_terms(search, said_text) & subject  # or as its everyday name says it ("cccd")
    if not core:
        return []
    related = [h for h in hits if core <= terms[h.code]]
    facets = {f for h in related for f in index.values(h.code)}
    fitting = [
        h for h in related if index.values(h.code).get("action") in wanted and index.fit(h.code, said_values, facets)[0]
    ]
    if not fitting:
        return []
    # the top hit ruled out by what was said, the competition is among those that remain
    fitting = [h for h in fitting if h.score >= fitting[0].score * SEVERAL_RATIO]
    best: dict[str, str] = {}
    for hit in sorted(fitting, key=lambda h: (rare_unsaid(index, markers, h.code, said_values), -h.score)):
        best.setdefault(index.values(hit.code)["action"], hit.code)
    if len(best) == 1 and index.values(top.code).get("action") in wanted:
        return []  # the top hit is of the variant said: siblings and search decide among its kind
    scores = {h.code: h.score for h in hits}
    return sorted(best.values(), key=lambda c: -scores[c])[:MAX_MEMBERS]


def accents_agree(text: str, name: str, folded: frozenset[str]) -> frozenset[str]:
    """The ``folded`` words that ``text`` writes as ``name`` does, accents and all when both have them."""
    said, named = words_of(text), words_of(name)
    return frozenset(
        f
        for f in folded
        if any(w.folded == f and any(w.hears(n) for n in named) for w in said) or not any(w.folded == f for w in said)
    )


def _named_by(phrases: Sequence[str], name: str) -> bool:
    """Does the procedure name hold one of the catalogue phrases of the everyday names the answer used ("chữ ký"
    → "chứng thực chữ ký")? That names the procedure, which words scattered over a long name do not."""
    folded = f" {' '.join(tokens(name))} "
    return any(len(p.split()) >= 2 and f" {p} " in folded for p in phrases)


def _contradicts(markers: SiblingMarkers, said_values: dict[str, set[str]], name: str) -> bool:
    """The name has a rare variant the turn denies: the turn says other values of that facet and none of the name's
    ("không có yếu tố nước ngoài" against "… có yếu tố nước ngoài"). Common variants are never denied this way: their
    cues are everyday words ("đăng ký" is said of re-issues too) that an unaccented turn says by chance."""
    rare = {m.value for m in markers.markers if m.rare}
    named: dict[str, set[str]] = {}
    for facet, value in markers.in_name(name):
        named.setdefault(facet, set()).add(value)
    for facet, values in named.items():
        said = said_values.get(facet, set())
        if said and not values & said and values & rare:
            return True
    return False


def choose_option(
    search, markers: SiblingMarkers, said_text: str, options: Sequence[str], ignore: frozenset[str] = frozenset()
) -> tuple[str, int] | None:
    """The offered procedure an answer to a clarifying question points to, with its evidence (words of its name
    alone, variant cues and, counting 2, an age inside its age range or an everyday name of it); None when none is
    singled out. Words in ``ignore`` (folded question words and fillers: "không", "phải") are no evidence when the
    turn says them itself; the catalogue phrases of its everyday names ("photo" → "bản sao") always are."""
    terms = name_terms(search)
    known = [c for c in options if c in terms]
    if len(known) < 2:
        return None
    said = said_terms(search, said_text)
    said -= ignore - (said - said_terms(search, said_text, expand=False))
    said_values = markers.mentioned(said_text)
    common = frozenset.intersection(*(terms[c] for c in known))
    aliases = getattr(search, "aliases", None)
    names = [" ".join(tokens(e.canonical)) for e in aliases.expand(said_text)] if hasattr(aliases, "expand") else []
    scores = {}
    denied = 0
    for code in known:
        name = search.document(code).name
        age = _age_fit(said_text, name)
        if age < 0:
            continue
        if _contradicts(markers, said_values, name):
            denied += 1
            continue
        scores[code] = (
            len((said & terms[code]) - common)
            + _variants_said(markers, said_values, name)
            + 2 * age
            + 2 * _named_by(names, name)
        )
    if not scores:
        return None
    if denied and len(scores) == 1:  # the others are denied ("cả hai đều người Việt"): the one left is meant
        return next(iter(scores)), max(1, *scores.values())
    best = max(scores.values())
    chosen = [c for c, s in scores.items() if s == best]
    return (chosen[0], best) if best > 0 and len(chosen) == 1 else None
