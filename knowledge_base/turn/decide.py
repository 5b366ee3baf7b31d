"""search_turn: decide what one citizen turn is about, given the procedure being discussed (if any).

Rules, in order:
1. A national code in the text is taken as asked.
2. With a current procedure, a turn whose words are all question words, fillers or everyday words is a follow-up
   about it ("mất bao lâu", "vậy con", "sao mỗi tờ hết mấy nghìn"); one that says a variant of it ("còn cấp lại
   thì sao") moves to that sibling, or to the family member that has it ("tạm nghỉ bán 3 tháng" after registering
   a household business); one that says no variant stays, even when search prefers a sibling; one that names
   another procedure with a confident search switches to it.
3. Offered choices (the last clarifying question) are preferred when the turn says which one fits: by the words
   of one offered name, a variant cue or an age inside its age range (family.choose_option), unless search is sure
   of a procedure that was not offered; an answer that states a variant none of them has moves to the family
   member that has it.
4. A procedure not handled at the ward that outranks every ward one is referred (unless a ward procedure fits
   confidently too: both are offered); a story that names such a procedure better than every ward candidate
   fits is referred too (knowledge_base.turn.referral).
5. Siblings competing (same name once variant words are removed) → the one the question says, else a clarifying
   question with the siblings that fit (≤ 3). A wider family (close hits whose names hold the words the question
   matched, knowledge_base/turn/family.py) named without an action or a member's own words gets a question too.
6. Otherwise the search's own confidence: confident → the procedure, ambiguous → ≤ 3 choices, no_match → no_match.
Without a current procedure, a turn made only of everyday words ("giờ", "cháu", "đăng ký") asks which procedure.
A matter outside the catalogue (knowledge_base/turn/outside.py: divorce → the court) is referred before any search,
and an everyday matter that is no procedure at all (a bank loan, the water bill) is said to be out of scope;
with no procedure current, a turn naming nothing after such a referral is a follow-up about that matter.
After these, a turn that goes back to a procedure discussed earlier in the conversation means it
(knowledge_base/turn/recent.py). A turn typed with diacritics is compared with names accent by accent; chat
shorthand ("dki", "gks") is read as the words it stands for first (knowledge_base/turn/shorthand.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Sequence

from knowledge_base.search.age_hints import stated_ages
from knowledge_base.search.outcome import SearchOutcome
from knowledge_base.text import clean, fold, has_diacritics, tokens
from knowledge_base.turn import family, referral
from knowledge_base.turn.combined import combined_held, combined_move, combined_unsaid
from knowledge_base.turn.foreigner import for_foreigners_first, foreign_unsaid, foreigner_hint, hinted
from knowledge_base.turn.outcome import TurnChoice, TurnOutcome
from knowledge_base.turn.outside import default_outside_matters
from knowledge_base.turn.recent import prefer_recent
from knowledge_base.turn.referral import better_elsewhere
from knowledge_base.turn.shorthand import default_shorthand
from knowledge_base.turn.siblings import SiblingIndex, SiblingMarkers
from knowledge_base.turn.topics import TopicWords, default_topic_words
from knowledge_base.turn.words import TurnWords, default_turn_words

MAX_CHOICES = 3
MAX_QUERY_CHARS = 300
SEARCH_K = 10
SIBLING_WINDOW = 0.25
"""How far below the top hit a sibling may score and still compete with it."""
DEFAULT_MARGIN = 0.12
"""A default variant ("đăng ký") the question does not say is taken only this far above its closest sibling."""
OPTION_EVIDENCE = 2
"""Evidence (family.choose_option) an offered procedure needs to win over a confident search for another one."""
_CODE = re.compile(r"\b\d\.\d{6}\b")
_RANK = {"no_match": 0, "ambiguous": 1, "confident": 2}
_GUESSED = frozenset({"named", "variant_said", "sibling_said", "sibling_fits", "ward_exception"})
"""Reasons of an answer read from the turn's words by search (not a code, an offered choice or a follow-up)."""


def _siblings(search, markers: SiblingMarkers) -> SiblingIndex:
    return search.derived(
        "turn.siblings", lambda docs: SiblingIndex(markers, [(d.code, d.name) for d in docs if d.ward_level])
    )


def _name_pairs(search) -> dict[str, int]:
    """Adjacent word pairs of procedure names (1) and of the aliases citizens use (2: "sổ hồng", "hộ khẩu")."""

    def build(docs):
        pairs: dict[str, int] = {}
        for doc in docs:
            words = tokens(doc.name)
            pairs.update((f"{a} {b}", 1) for a, b in zip(words, words[1:]))
        for entry in getattr(getattr(search, "aliases", None), "entries", ()) or ():
            for alias in getattr(entry, "aliases", ()) or ():
                words = tokens(alias)
                if len(words) == 2:  # a two-word everyday name ("sổ hồng"); longer aliases are not cut up
                    pairs[" ".join(words)] = 2
        return pairs

    return search.derived("turn.name_pairs", build)


def _choice(search, code: str) -> TurnChoice:
    doc = search.document(code)
    return TurnChoice(code=code, name=doc.name if doc else code, ward_level=bool(doc.ward_level) if doc else True)


def _answer(
    search, code: str, reason: str, *, follow_up: bool = False, elsewhere: TurnChoice | None = None
) -> TurnOutcome:
    choice = _choice(search, code)
    kind = "procedure" if choice.ward_level else "not_at_ward"
    return TurnOutcome(kind=kind, code=code, name=choice.name, follow_up=follow_up, reason=reason, elsewhere=elsewhere)


def _asked_after_done(search, words: TurnWords, markers: SiblingMarkers, query: str, pairs: dict[str, int]) -> str:
    """The turn without the steps it tells as done ("hợp đồng công chứng xong rồi, giờ sang tên sổ đỏ" asks about the
    transfer), when what is left has words of its own that name a procedure search is sure of (or one beyond the ward)
    and the done steps state no variant (an age, a foreign element) the question needs; else the whole turn."""
    rest, done = words.split_done(query)
    if not done or stated_ages(fold(done)) or any(v - markers.defaults for v in markers.mentioned(done).values()):
        return query
    left = words.content_words(rest, lambda a, b: pairs.get(f"{a} {b}", 0))
    if sum(not words.is_generic(w) for w in left) < 2:  # "…mất hộ chiếu rồi, báo mất ở đâu": the paper is in the story
        return query
    trial = _search(search, words, rest)
    return rest if trial.confidence == "confident" or trial.elsewhere is not None else query


def _pending_topic(search, index: SiblingIndex, pending: Sequence[str], hits=()) -> TurnOutcome:
    """A topic question ("lệ phí bao nhiêu", "có phải mang bản gốc không") asked instead of picking an offered choice.
    Siblings (exchange / re-issue of a card) differ in exactly what is asked, so the choice is asked again; choices
    of different procedures were offered because the story was unsure, and the citizen asking on means the best
    one: the offered one the turn's own words rank first (``hits``), else the first offered, is answered, its name
    saying which it is."""
    if all(code in index.siblings(pending[0]) for code in pending[1:]):
        return _clarify(search, pending, "options_again")
    ranked = [hit.code for hit in hits if hit.code in pending]
    return _answer(search, (ranked or list(pending))[0], "options_first")


def _clarify(search, codes: Sequence[str], reason: str, elsewhere: TurnChoice | None = None) -> TurnOutcome:
    """A clarifying question offering ``codes`` (best first, at most MAX_CHOICES). Choices a citizen cannot tell
    apart by name (the catalogue has records whose names are the same but for the level in brackets, or are one
    copied title) are offered once, the ward-level one kept; a single choice left is the answer."""
    codes = _by_name(search, list(dict.fromkeys(codes)))[:MAX_CHOICES]
    if len(codes) == 1:
        return _answer(search, codes[0], "same_name")
    return TurnOutcome(
        kind="clarify", choices=tuple(_choice(search, c) for c in codes), reason=reason, elsewhere=elsewhere
    )


_LEVEL_BRACKET = re.compile(r"\(\s*(?:thuc hien )?tai cap [^)]*\)")


def _by_name(search, codes: list[str]) -> list[str]:
    """``codes`` with one code per name as a citizen reads it (folded, without a level bracket), in order; of codes
    sharing a name the ward-level one is kept, else the first."""
    kept: dict[str, str] = {}
    for code in codes:
        doc = search.document(code)
        key = " ".join(_LEVEL_BRACKET.sub(" ", fold(doc.name)).split()) if doc else code
        if key not in kept or (doc.ward_level and not _ward_level(search, kept[key])):
            kept[key] = code
    return [c for c in codes if c in kept.values()]


def _ward_level(search, code: str) -> bool:
    doc = search.document(code)
    return bool(doc and doc.ward_level)


def _search(search, words: TurnWords, query: str) -> SearchOutcome:
    """Search the procedure words first ("khai sinh"; the whole text when the turn asks to copy a paper, unless that
    is less sure); if that is not confident, also the whole text, and then
    only the catalogue phrases of the everyday names it uses (a long story around "criminal record certificate"
    searched as "lý lịch tư pháp")."""
    subject = words.subject_text(query)
    outcome = search.search(subject or query, k=SEARCH_K)
    if subject and subject != query and words.acts_on_papers(query):
        # certifying a paper: "bản sao", "chứng thực" say the procedure and the paper only its object
        whole = search.search(query, k=SEARCH_K)
        if _RANK[whole.confidence] >= _RANK[outcome.confidence]:
            return whole
    if outcome.confidence != "confident" and outcome.elsewhere is None and subject and subject != query:
        whole = search.search(query, k=SEARCH_K)
        if _RANK[whole.confidence] > _RANK[outcome.confidence] or whole.elsewhere is not None:
            outcome = whole
    if outcome.confidence == "no_match" and outcome.elsewhere is None:
        aliases = getattr(search, "aliases", None)
        entries = aliases.expand(query) if hasattr(aliases, "expand") else []
        phrases = " ".join(dict.fromkeys(e.canonical for e in entries))
        if phrases:
            named = search.search(phrases, k=SEARCH_K)
            if _RANK[named.confidence] > _RANK[outcome.confidence] or named.elsewhere is not None:
                outcome = named
    return outcome


def _pick(index: SiblingIndex, codes: Sequence[str], said: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """(fully fitting, fitting) among competing ``codes``, in the given order, judged on the facets they differ in."""
    facets = set()
    values = [index.values(c) for c in codes]
    for facet in {f for v in values for f in v}:
        if len({v.get(facet) for v in values}) > 1:
            facets.add(facet)
    full, fits = [], []
    for code in codes:
        ok, unsaid = index.fit(code, said, facets)
        if ok:
            fits.append(code)
            if unsaid == 0:
                full.append(code)
    return full, fits


def _says_several(index: SiblingIndex, codes: Sequence[str], said: dict[str, set[str]]) -> bool:
    """Does the turn say two of the values that tell ``codes`` apart (a cue of several variants: "làm lại" is
    re-issue or re-registration), so that it does not decide between them?"""
    facets = {f for c in codes for f in index.values(c)}
    return any(len({index.values(c).get(f) for c in codes} & said.get(f, set())) >= 2 for f in facets)


def _margin(search) -> float:
    tuning = getattr(search, "tuning", None)
    return getattr(tuning, "confident_margin", 0.04)


def _said_text(search, query: str) -> str:
    """The question plus its typo-repaired words ("gia hạnn" → "gia han"), so variant words are heard."""
    repair = getattr(getattr(search, "lexical", None), "query_terms", None)
    own = set(tokens(query))  # only the repaired words: the turn's own are heard as typed, accents and all
    # an English word's stem is no repair: "no foreigners" would add a "foreigner" heard outside its negation
    inflected = {w[: -len(end)] for w in own for end in _ENGLISH_ENDINGS if w.endswith(end)}
    repaired = (
        " ".join(t for t in repair(query) if "_" not in t and t not in own and t not in inflected) if repair else ""
    )
    return f"{query} {repaired}"


_ENGLISH_ENDINGS = ("s", "es", "d", "ed", "ing")


def _siblings_decide(
    search, index: SiblingIndex, markers: SiblingMarkers, query: str, outcome: SearchOutcome
) -> TurnOutcome | None:
    """Siblings of the top hit competing within SIBLING_WINDOW: the one the question says, or a choice.

    Siblings only share out the family's rank: when search is unsure of the family itself (a hit outside it
    close to the top) nothing is decided here; when search is unsure at all, only a variant the question says
    is answered, otherwise the fitting siblings are offered."""
    hits = list(outcome.results)
    top = hits[0]
    group = set(index.siblings(top.code))
    competing = _distinguishable(
        search, index, [h.code for h in hits if h.code in group and h.score >= top.score - SIBLING_WINDOW]
    )
    if len(competing) < 2:
        return None if competing == [top.code] or not competing else _answer(search, competing[0], "sibling_same")
    others = [h.score for h in hits if h.code not in group]
    if others and top.score - max(others) < _margin(search):
        return None  # search is not sure of the family itself: the ordinary choice of the best hits
    said = markers.mentioned(f"{_said_text(search, query)} {index.stem(top.code)}")
    full, fits = _pick(index, competing, said)
    scores = {h.code: h.score for h in hits}
    by_score = sorted(fits, key=lambda c: (family.rare_unsaid(index, markers, c, said), -scores[c]))
    chosen = (
        top.code if top.code in full and not _says_several(index, full, said) else (full[0] if len(full) == 1 else None)
    )
    if chosen is not None:
        told = index.values(chosen).get("action") in said.get("action", set()) or any(
            index.values(chosen).get(f) in v for f, v in said.items() if f != "action"
        )
        if not told:
            # a default variant ("đăng ký") the question does not say: only when search ranks it clearly first
            # a rare variant ("đăng ký lại", "lưu động") the question does not say is no rival
            rivals = [scores[c] for c in fits if c != chosen and not family.rare_unsaid(index, markers, c, said)]
            if outcome.confidence != "confident" or (rivals and max(rivals) > scores[chosen] - DEFAULT_MARGIN):
                return _clarify(search, by_score, "siblings_default") if len(by_score) > 1 else None
        return _answer(search, chosen, "sibling_said")
    if len(full) >= 2:
        return _clarify(search, sorted(full, key=lambda c: -scores[c]), "siblings")
    if len(fits) >= 2:
        return _clarify(search, by_score, "siblings")
    if len(fits) == 1 and outcome.confidence == "confident":
        return _answer(search, fits[0], "sibling_fits")
    return None


def _distinguishable(search, index: SiblingIndex, codes: list[str]) -> list[str]:
    """``codes`` (best first) without the siblings a citizen cannot tell apart: same name but for a bracket saying
    which level handles it ("Trình báo mất hộ chiếu (thực hiện tại cấp xã)" / "(… cấp huyện)"). Of those, the one
    that says the commune or ward level is kept, else the best ranked."""
    kept: dict[tuple, str] = {}
    for code in codes:
        key = (index.stem(code), tuple(sorted(index.values(code).items())))
        if key not in kept or (_says_ward(search, code) and not _says_ward(search, kept[key])):
            kept[key] = code
    return [c for c in codes if c in kept.values()]


def _says_ward(search, code: str) -> bool:
    doc = search.document(code)
    return doc is not None and "cap xa" in fold(doc.name)


def _options_decide(
    search,
    words: TurnWords,
    index: SiblingIndex,
    markers: SiblingMarkers,
    query: str,
    options: Sequence[str],
    outcome: SearchOutcome,
    names_nothing: bool = False,
) -> TurnOutcome | None:
    """After a clarifying question: the offered procedure the turn says (by its words, variant cues or age, else
    by search). A turn that names nothing ("nộp ở đâu") takes the offered default variant, if there is one."""
    known = [c for c in options if search.document(c) is not None]
    if len(known) < 2:
        return None
    # a procedure search is sure of that was not offered ("photo bằng tốt nghiệp" after certification choices)
    # outweighs weak evidence for an offered one; a stated age or two of its own words do not
    rival = outcome.confidence == "confident" and outcome.results and outcome.results[0].code not in known
    chosen = family.choose_option(search, markers, _said_text(search, query), known, words.words | words.fillers)
    if chosen is not None and (not rival or chosen[1] >= OPTION_EVIDENCE):
        return _answer(search, chosen[0], "option_said")
    stems = " ".join(dict.fromkeys(index.stem(c) for c in known if index.stem(c)))
    heard = _said_text(search, query)
    # the offered names' own variant words ("cơ quan, tổ chức" in one of them) are not said by the turn
    only_named = {f: v - markers.mentioned(heard).get(f, set()) for f, v in markers.mentioned(stems).items()}
    said = {f: kept for f, v in markers.mentioned(f"{heard} {stems}").items() if (kept := v - only_named.get(f, set()))}
    full, _ = _pick(index, known, said)
    # naming nothing takes the plain variant of offered siblings ("nộp ở đâu" after register / extend / cancel),
    # not the offered procedure that happens to have no variant words among unrelated ones
    siblings = set(known) <= set(index.siblings(known[0]))
    if len(full) == 1 and ((names_nothing and siblings) or not rival) and (siblings or said):
        return _answer(search, full[0], "option_said")
    if not full and (other := _unoffered_sibling(index, markers, known, said)):
        return _answer(search, other, "option_sibling")
    ranked = [h for h in outcome.results if h.code in known]
    if ranked and outcome.results[0].code == ranked[0].code and outcome.confidence == "confident":
        return _answer(search, ranked[0].code, "option_search")
    return None


def _unoffered_sibling(
    index: SiblingIndex, markers: SiblingMarkers, offered: Sequence[str], said: dict[str, set[str]]
) -> str | None:
    """The one sibling of the offered procedures, not offered itself, that an answer says by a variant none of the
    offered has ("cái cũ bị mất rồi" after first-issue choices by age → the re-issue)."""
    group = list(dict.fromkeys(s for c in offered for s in index.siblings(c)))
    defaults = markers.defaults
    offered_values = {(f, v) for c in offered for f, v in index.values(c).items()}
    new = {(f, v) for f, values in said.items() for v in values - defaults} - offered_values
    if not new or len(group) <= len(offered):
        return None
    full, _ = _pick(index, group, said)
    return full[0] if len(full) == 1 and full[0] not in offered else None


@lru_cache(maxsize=1)
def default_markers() -> SiblingMarkers:
    return SiblingMarkers.load()


def warm_up(search, markers: SiblingMarkers | None = None) -> None:
    """Build every table the turn decision derives from the catalogue (about 2 s of CPU for the full one) now, so
    that the first citizens after a start are not the ones who wait for them (and time out). A change to the
    catalogue drops them; the next turn builds them again."""
    markers = markers or default_markers()
    _siblings(search, markers)
    _name_pairs(search)
    family.warm_up(search)
    referral.warm_up(search, markers)


def _distinct_said(content: Sequence[str], ward_name: str, other_name: str) -> tuple[int, int]:
    """How many of the ward procedure's own words (not in the other name) and of the non-ward procedure's own
    words the question's content words use: "báo mất hộ chiếu" says the ward's lost-passport report although
    issuing a passport outranks it; "làm hộ chiếu mới" says nothing of the report. Function words ("của") and
    question words are not content words, so they never make a ward exception."""
    said = {part for word in content for part in re.split(r"[_+]", word) if part}
    ward, other = set(tokens(ward_name)), set(tokens(other_name))
    return len((ward - other) & said), len((other - ward) & said)


def _variant_only_of(markers: SiblingMarkers, query: str, name: str, other_name: str) -> bool:
    """The question says a variant ("cấp lại vì bị mất") that ``name`` has and ``other_name`` has not: "mất sổ đỏ,
    xin cấp lại" is the re-issue beyond the ward, not the ward's first registration that shares its words.
    Default variants ("xin", "làm": register) say nothing here."""
    defaults = markers.defaults
    named, other = markers.mentioned(name), markers.mentioned(other_name)
    for facet, values in markers.mentioned(query).items():
        said = values - defaults
        if said & named.get(facet, set()) and not said & other.get(facet, set()):
            return True
    return False


def _the_one_saying(markers: SiblingMarkers, query: str, hits: Sequence) -> str | None:
    """Of the procedures search is unsure between, the only one whose name has a variant the turn states ("I'm
    German … declare my stay": the foreigners' declaration among temporary-residence procedures); None when the
    turn states none, or several names have it. Only the turn's own words count, not the language it is in. The
    action (re-issue, change …) is left to family.variants_said, which also checks the names share the subject:
    "40 tuổi" changes an ID card, not a business registration."""
    defaults = markers.defaults
    said = {f: v - defaults for f, v in markers.mentioned(query).items() if v - defaults and f != "action"}
    if not said:
        return None
    saying = [h.code for h in hits if any(markers.mentioned(h.name).get(f, set()) & v for f, v in said.items())]
    return saying[0] if len(saying) == 1 else None


ACCENTED_SHARE = 0.4
"""A turn in which at least this share of words carry diacritics was typed with them: its words are compared with
procedure names accent by accent ("một trang" is a page, not "tình trạng"; "cái gì" is not "cải chính")."""
_WORD = re.compile(r"\w+")


def _accented_forms(query: str) -> dict[str, set[str]] | None:
    """Folded word → the accented forms the turn wrote it in, when the turn was typed with diacritics; else None."""
    words = _WORD.findall(clean(query).lower())
    if not words or sum(1 for w in words if has_diacritics(w)) < ACCENTED_SHARE * len(words):
        return None
    forms: dict[str, set[str]] = {}
    for word in words:
        forms.setdefault(fold(word), set()).add(word)
    return forms


def _covered(text: str, strong: list[str], forms: dict[str, set[str]] | None = None) -> int:
    """How many of the turn's ``strong`` words ``text`` holds: accent by accent when the turn and the text were
    both written with diacritics (``forms`` from _accented_forms), else accent-folded."""
    if forms is not None and has_diacritics(text):
        # phrasings are kept with and without accents ("; "-separated): the accented ones tell the words apart
        text = " ; ".join(part for part in text.split(";") if has_diacritics(part))
    folded = f" {' '.join(tokens(text))} "
    exact = set(_WORD.findall(clean(text).lower())) if forms is not None and has_diacritics(text) else None
    count = 0
    for part in (p for w in strong for p in w.replace("+", "_").split("_")):
        if f" {part} " not in folded:
            continue
        if exact is not None and part in forms and not forms[part] & exact:
            continue  # the same letters with other accents: another word
        count += 1
    return count


def _switches(
    search, current, strong: list[str], outcome: SearchOutcome, query: str = "", announced: bool = False
) -> bool:
    """With a current procedure, does the turn clearly name another one? When the best procedure's name holds
    more of the turn's words than the current one's name and result do ("bao lâu thì lấy được trích lục" keeps a
    death registration, whose result is an extract); or, for a confident search or a referral, when the turn's
    words are among how citizens ask for it (English questions, colloquial names); or, when the turn ``announced``
    another matter ("còn … thì sao"), when the best procedure's name or asks hold as many of the turn's words as
    the current one's."""
    target = outcome.elsewhere or (outcome.results[0] if outcome.confidence != "no_match" and outcome.results else None)
    if target is None or target.code == current.code:
        return False
    doc = search.document(target.code)
    forms = _accented_forms(query)
    mine = _covered(f"{current.name} {current.zones.get('extra', '')}", strong, forms)
    named = _covered(target.name, strong, forms)
    if named > mine:
        return True
    if announced and doc is not None:
        asked = max(named, _covered(" ".join(doc.zones.values()), strong, forms))
        if asked >= max(1, mine):
            return True
    sure = outcome.elsewhere is not None or outcome.confidence == "confident"
    return sure and doc is not None and _covered(" ".join(doc.zones.values()), strong, forms) > mine


def _near(search, heard: str, current) -> list:
    """Hits of the turn read together with the current procedure's name."""
    return list(search.search(f"{heard} {current.name}", k=SEARCH_K).results)


def _family_variant(
    search, index: SiblingIndex, markers: SiblingMarkers, current: str, heard: str, hits: Sequence
) -> str | None:
    """With a current procedure, the best-ranked hit that is the variant the turn states of the same thing ("đăng
    ký hộ kinh doanh" … "muốn tạm nghỉ bán 3 tháng" → the household business's suspension): its name has a value
    the turn states (an action, an applicant …) that the current name lacks, and holds at least half (and two) of
    the informative words of the current name."""
    defaults = markers.defaults
    stated = {f: v - defaults for f, v in markers.mentioned(heard).items() if v - defaults}
    mine = index.values(current)
    wanted = {f: v for f, v in stated.items() if mine.get(f) not in v}
    if not wanted:
        return None
    terms = family.name_terms(search)
    words = terms.get(current, frozenset())
    found = [
        h.code
        for h in hits
        if h.code != current
        and any(index.values(h.code).get(f) in v for f, v in wanted.items())
        and _shares_half(words, terms.get(h.code, frozenset()))
    ]
    return found[0] if found else None


def _shares_half(mine: frozenset[str], other: frozenset[str]) -> bool:
    """Does ``other`` hold at least two and half of the current name's words ``mine``?"""
    return len(mine & other) >= max(2, (len(mine) + 1) // 2)


def _says_other(index: SiblingIndex, said: dict[str, set[str]], code: str) -> bool:
    """Does the turn say a variant value that ``code``'s name does not have?"""
    mine = index.values(code)
    return any(values - {mine.get(facet)} for facet, values in said.items())


def _asks_topic(query: str, words: TurnWords) -> bool:
    """Do the turn's question words ask something about a procedure (its fee, time, documents, ...)?"""
    return default_topic_words().topic(query, words.names) is not None


def search_turn(
    search,
    text: str,
    current_code: str | None = None,
    language: str = "vi",
    *,
    options: Sequence[str] = (),
    recent: Sequence[str] = (),
    words: TurnWords | None = None,
    markers: SiblingMarkers | None = None,
    topics: TopicWords | None = None,
    matter: str | None = None,
) -> TurnOutcome:
    """What ``text`` is about, with the topic its question words ask (``topics`` defaults to the committed
    knowledge_base/data/topic_words.yaml). ``recent`` are the procedures discussed earlier in the conversation,
    most recent first: a turn that goes back to one of them means it (knowledge_base.turn.recent). ``matter`` is
    the id of the matter outside the catalogue last referred (knowledge_base.turn.outside), when no procedure is
    current: a turn that names nothing else is a follow-up about it."""
    outcome = _decide(
        search, text, current_code, language, options=options, words=words, markers=markers, matter=matter
    )
    markers = markers or default_markers()
    words = words or default_turn_words()
    index = _siblings(search, markers)
    current = current_code if current_code and search.document(current_code) else None
    if current and outcome.kind == "procedure" and outcome.code and isinstance(text, str):
        # one part of a combined procedure, then the other still to do ("bé chưa làm giấy khai sinh"): the combined one
        moved = combined_move(index, words, text, current, outcome.code)
        if moved and moved != outcome.code:
            outcome = _answer(search, moved, "combined", follow_up=True)
    elif outcome.kind in ("procedure", "clarify") and (outcome.code or outcome.choices) and isinstance(text, str):
        # "bé đã có giấy khai sinh rồi" / "chưa có": which part of a combined procedure, asked or offered, is meant
        decided, offered = (outcome.code, options) if outcome.code else (outcome.choices[0].code, ())
        held = combined_held(index, words, text, decided, offered)
        if held and held != outcome.code:
            outcome = _answer(search, held, "combined")
    if outcome.kind == "procedure" and outcome.code and not outcome.follow_up and outcome.reason in _GUESSED:
        if pair := combined_unsaid(index, clean(text or ""), outcome.code):
            outcome = _clarify(search, pair, "combined_unsaid")
        elif pair := foreign_unsaid(index, markers, clean(text or ""), language, outcome.code):
            outcome = _clarify(search, pair, "foreign_unsaid")
    if recent and isinstance(text, str):
        subject = words.subject_text(clean(text, max_chars=MAX_QUERY_CHARS))
        outcome = prefer_recent(search, outcome, text, recent, current_code, words, subject)
    topic = (topics or default_topic_words()).topic(text if isinstance(text, str) else "", words.names)
    return replace(outcome, topic=topic) if topic else outcome


def _decide(
    search,
    text: str,
    current_code: str | None = None,
    language: str = "vi",
    *,
    options: Sequence[str] = (),
    words: TurnWords | None = None,
    markers: SiblingMarkers | None = None,
    matter: str | None = None,
) -> TurnOutcome:
    """What ``text`` is about. ``search`` is a knowledge_base ProcedureSearch; ``current_code`` the procedure being
    discussed; ``options`` the codes offered by the last clarifying question (if still pending). ``language`` is
    the turn's language (vi/en): an English turn is read as a foreigner's (knowledge_base.turn.foreigner).
    ``words``/``markers`` default to the committed data files (loaded once, on first use)."""
    words = words or default_turn_words()
    markers = markers or default_markers()
    query = default_shorthand().expand(clean(text if isinstance(text, str) else "", max_chars=MAX_QUERY_CHARS))
    if not query:
        return TurnOutcome(kind="ask_procedure", reason="empty")
    current = search.document(current_code)
    current_code = current.code if current else None
    codes = [c for c in _CODE.findall(query) if search.document(c) is not None]
    if codes:
        return _answer(search, codes[0], "exact_code")
    # certifying copies of papers is the ward's certification whatever they are for ("… diploma for my work permit")
    outside = None if words.asks_to_certify(query) else default_outside_matters().find(query)
    if outside is not None and outside.kind == "out_of_scope":  # a bank loan, the water bill: not ward business
        return TurnOutcome(
            kind="out_of_scope", name=outside.name["vi"], reason="everyday_matter", matter=outside.to_json()
        )
    if outside is not None:  # no catalogue record is a right answer: say who handles it
        return TurnOutcome(
            kind="not_at_ward", name=outside.name["vi"], reason="outside_catalogue", matter=outside.to_json()
        )
    index = _siblings(search, markers)
    pairs = _name_pairs(search)
    if not current:  # with a procedure current, a step done is one of its own ("có giấy báo tử rồi")
        query = _asked_after_done(search, words, markers, query, pairs)
    content = words.content_words(query, lambda a, b: pairs.get(f"{a} {b}", 0))
    strong = [w for w in content if not words.is_generic(w)]
    heard = _said_text(search, words.without_phrases(query))
    defaults = markers.defaults
    own = markers.mentioned(heard)  # a facet the turn itself says, not one its words form with the stem
    acted = any(v - defaults for v in own.values())  # the turn states a variant: "tạm nghỉ", "công ty"
    if current:
        group = index.siblings(current_code)
        if group:
            said = markers.mentioned(f"{heard} {index.stem(current_code)}")
            full, _ = _pick(index, list(group), said)
            told = {f for f in said if f in own and any(index.values(c).get(f) in said[f] - defaults for c in group)}
            if len(full) > 1:  # "đăng ký rồi, sắp hết hạn, gia hạn thì sao": the variant said beside the default
                full = [c for c in full if any(index.values(c).get(f) in said[f] - defaults for f in told)] or full
            if len(full) == 1 and full[0] != current_code and told:
                return _answer(search, full[0], "sibling_switch", follow_up=True)
        if not strong and acted:  # "đóng cửa luôn, không bán nữa"
            if moved := _family_variant(search, index, markers, current_code, heard, _near(search, heard, current)):
                return _answer(search, moved, "family_switch", follow_up=True)
        if not strong or (words.asks_to_bring(query) and not words.turns_to_another(query)):
            return _answer(search, current_code, "follow_up", follow_up=True)
    elif not strong and not options:
        if (current_matter := default_outside_matters().get(matter)) is not None:
            return TurnOutcome(
                kind="not_at_ward",
                name=current_matter.name["vi"],
                follow_up=True,
                reason="follow_up_outside",
                matter=current_matter.to_json(),
            )
        return TurnOutcome(kind="ask_procedure", reason="no_procedure_words")
    asked = hinted(query, language)  # an English turn is read as a foreigner's (knowledge_base.turn.foreigner)
    outcome = for_foreigners_first(_search(search, words, query), foreigner_hint(query, language))
    hits = list(outcome.results)
    if options and (decided := _options_decide(search, words, index, markers, asked, options, outcome, not strong)):
        return decided
    if options and not current and acted and (first := search.document(options[0])) is not None:
        # an answer that states a variant none of the offered has ("đóng cửa luôn" to register / change / suspend)
        if moved := _family_variant(search, index, markers, first.code, heard, _near(search, heard, first)):
            return _answer(search, moved, "family_switch")
    # "lệ phí bao nhiêu" while a choice is pending, also when the turn's other words name nothing search is sure of
    # ("mất bao lâu thì sửa xong"): see _pending_topic
    pending = [c for c in options if search.document(c) is not None] if len(options) >= 2 else []
    if not strong:
        if len(pending) >= 2:
            return _pending_topic(search, index, pending)
        return TurnOutcome(kind="ask_procedure", reason="no_procedure_words")
    # the story may name a procedure beyond the ward better than any ward one, or contradict search's referral
    searched_elsewhere = outcome.elsewhere
    outcome = replace(outcome, elsewhere=better_elsewhere(search, query, content, markers, outcome.elsewhere))
    if (
        outcome.elsewhere
        and searched_elsewhere is None
        and hits
        and words.acts_on_papers(query)
        and words.acts_on_papers(hits[0].name)
    ):
        outcome = replace(outcome, elsewhere=None)  # "chứng thực bản sao hộ chiếu": the passport is the paper
    elsewhere = _choice(search, outcome.elsewhere.code) if outcome.elsewhere else None
    if len(pending) >= 2 and outcome.confidence != "confident" and elsewhere is None and _asks_topic(query, words):
        return _pending_topic(search, index, pending, hits)
    if current and acted:
        # the turn's own hits, or when search is unsure of them, those of the turn read with the current name
        near = hits if outcome.confidence == "confident" else hits + _near(search, heard, current)
        if moved := _family_variant(search, index, markers, current.code, heard, near):
            return _answer(search, moved, "family_switch", follow_up=True)
    announced = words.turns_to_another(query)
    if current and hits and hits[0].code in index.siblings(current_code) and not announced:
        if not _says_other(index, own, current_code):
            # siblings differ only by their variant: a turn that says no other one ("chủ trọ làm thay được không")
            # stays, unless it announces another matter ("còn tạm trú thì sao")
            return _answer(search, current_code, "follow_up_search", follow_up=True)
    if current and not _switches(search, current, strong, outcome, query, announced):
        return _answer(search, current_code, "follow_up_search", follow_up=True)
    if elsewhere is not None and hits:
        ward_said, other_said = _distinct_said(content, hits[0].name, elsewhere.name)
        if ward_said > other_said:
            return _answer(search, hits[0].code, "ward_exception")
        if (
            outcome.confidence == "confident"
            and ward_said
            and not _variant_only_of(markers, asked, elsewhere.name, hits[0].name)
        ):
            # a ward procedure fits too: let the citizen pick
            return _clarify(search, [elsewhere.code, hits[0].code], "referral_or_ward", elsewhere)
    if elsewhere is not None:
        return _answer(search, elsewhere.code, "referral", elsewhere=elsewhere)
    if hits and outcome.confidence != "no_match":
        if said := family.variants_said(search, index, markers, _said_text(search, asked), hits):
            return _clarify(search, said, "several_said") if len(said) > 1 else _answer(search, said[0], "variant_said")
        decided = _siblings_decide(search, index, markers, asked, outcome)
        if decided is not None:
            return decided
        if members := family.decide(search, index, markers, _said_text(search, asked), hits):
            if outcome.confidence != "confident":  # search is unsure of the family too: keep its best other hit
                members = members[: MAX_CHOICES - 1] + [h.code for h in hits if h.code not in members][:1]
            return _clarify(search, members, "family")
        if outcome.confidence == "confident" and (
            members := family.unsaid_variant(search, index, markers, _said_text(search, asked), hits)
        ):
            return _clarify(search, members, "unsaid_variant")
    if outcome.confidence == "confident" and hits:
        return _answer(search, hits[0].code, "named")
    if outcome.confidence == "ambiguous" and hits:
        if (said := _the_one_saying(markers, query, hits[:MAX_CHOICES])) is not None:
            return _answer(search, said, "variant_said")
        return _clarify(search, [h.code for h in hits], "ambiguous")
    return TurnOutcome(kind="no_match", reason="no_match")
