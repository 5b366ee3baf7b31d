"""Sibling procedures: names equal once the words that tell variants apart are removed (first issue / re-issue /
change, under 14 / 14+, foreign element, registering / cancelling, household / organisation).

The markers live in ``knowledge_base/data/sibling_markers.yaml``; groups are found from the catalogue names, so a
procedure staff add joins its siblings without any list to update.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable

from knowledge_base.data_file import read_yaml
from knowledge_base.search.age_hints import UNDER_14, age_hint
from knowledge_base.text import clean, fold, tokens

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "sibling_markers.yaml"
_BRACKETS = re.compile(r"\([^)]*\)")


class SiblingMarkersError(ValueError):
    """The sibling-markers file is malformed."""


@dataclass(frozen=True)
class Marker:
    facet: str
    value: str
    default: bool
    in_names: tuple[str, ...]
    """Folded phrases that mark this value in a catalogue name."""
    cues: tuple[str, ...]
    """Folded phrases by which a citizen says this value."""
    rare: bool = False
    """A special case most citizens are not in (foreign element, mobile, border area): offered after the others
    when the question does not say it."""
    said_as: tuple[str, ...] = ()
    """The cues as written in the file (with diacritics): a turn typed with diacritics must agree with them."""


def _phrases(items, where: str) -> tuple[str, ...]:
    if not isinstance(items, list) or any(not isinstance(i, str) or not tokens(i) for i in items):
        raise SiblingMarkersError(f"{where}: expected a list of non-empty phrases")
    return tuple(" ".join(tokens(i)) for i in items)


_WORD = re.compile(r"[^\W_]+")
_NOT = re.compile(r"\b(?:ko|k|kg|hok|hong|hông|khg)\b", re.IGNORECASE)
"""How "không" is typed or said ("ko bán nữa", "hông có"): cues are written with "không"."""
_TONES = "\u0300\u0301\u0303\u0309\u0323"
"""Combining tone marks (grave, acute, tilde, hook, dot): where a word carries one varies ("hoà"/"hòa")."""


@dataclass(frozen=True)
class _Word:
    """One word as heard: accent-folded, and its spelling with diacritics when it was written with them."""

    folded: str
    spelled: tuple[str, str] | None
    """(letters with vowel marks, tone mark) when written with diacritics; else None."""

    @classmethod
    def of(cls, word: str) -> "_Word":
        folded = fold(word)
        if folded == word:
            return cls(folded, None)
        decomposed = unicodedata.normalize("NFD", word)
        tone = "".join(ch for ch in decomposed if ch in _TONES)
        return cls(folded, ("".join(ch for ch in decomposed if ch not in _TONES), tone))

    def hears(self, cue: "_Word") -> bool:
        """The same word: same letters, and the same diacritics when both were written with them ("đang" is not
        "đăng", "cái" is not "cải"); a word typed without diacritics may be any of them."""
        return self.folded == cue.folded and (
            self.spelled is None or cue.spelled is None or self.spelled == cue.spelled
        )


def words_of(text: str) -> list[_Word]:
    """The words of ``text`` as heard (accent-folded, with their diacritics when written with them)."""
    return [_Word.of(w) for w in _WORD.findall(clean(text).lower())]


_DENY_VI = ("khong phai", "chang phai", "dau phai", "khong co")
_DENY_EN = ("not", "no", "isnt", "not a", "not an", "not the", "is not a", "isn t")


def _denied(before: list[_Word], cue: tuple[_Word, ...]) -> bool:
    """The words just before a cue deny it: "không phải công ty", "not a company". English denials count only
    before an English cue (written without diacritics): "no" may be an unaccented "nó"."""
    english = all(w.spelled is None for w in cue) and all(w.spelled is None for w in before[-3:])
    for n in (3, 2, 1):
        said = " ".join(w.folded for w in before[-n:]) if len(before) >= n else ""
        if said in _DENY_VI or (english and said in _DENY_EN):
            return True
    return False


def _contains(folded: str, phrase: str) -> bool:
    return f" {phrase} " in folded


@dataclass(frozen=True)
class SiblingMarkers:
    markers: tuple[Marker, ...]
    says_nothing: tuple[str, ...] = ()
    """Phrases holding a cue's words that say no variant ("làm thủ tục", "đang làm"), as written in the file."""

    @cached_property
    def defaults(self) -> frozenset[str]:
        """The values a procedure has when its name says none of its facet (the plain, common case)."""
        return frozenset(m.value for m in self.markers if m.default)

    @cached_property
    def _cues(self) -> list[tuple[tuple[_Word, ...], frozenset[str], dict[str, set[str]]]]:
        """(cue words, their folded forms, facet → the values it says), longest cue first ("đăng ký lại" before
        "đăng ký"). The folded set lets a turn skip at once every cue with a word it does not hold."""
        cues: dict[tuple[_Word, ...], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for marker in self.markers:
            for cue in marker.said_as:
                cues[tuple(words_of(cue))][marker.facet].add(marker.value)
        for phrase in self.says_nothing:
            cues.setdefault(tuple(words_of(phrase)), defaultdict(set))
        ordered = sorted(
            ((words, dict(values)) for words, values in cues.items() if words),
            key=lambda item: sum(len(w.folded) + 1 for w in item[0]),
            reverse=True,
        )
        return [(words, frozenset(w.folded for w in words), values) for words, values in ordered]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "SiblingMarkers":
        data = read_yaml(path, SiblingMarkersError)
        facets = data.get("facets") if isinstance(data, dict) else None
        if not isinstance(facets, dict) or not facets:
            raise SiblingMarkersError(f"{path}: expected a mapping 'facets'")
        _phrases(data.get("says_nothing", []), f"{path}: says_nothing")  # checked like the cues
        says_nothing = tuple(clean(p).lower() for p in data.get("says_nothing", []))
        markers = []
        for facet, values in facets.items():
            if not isinstance(values, dict) or not values:
                raise SiblingMarkersError(f"{path}: facet '{facet}' must map values to in_names/cues")
            for value, entry in values.items():
                where = f"{path}: {facet}.{value}"
                if not isinstance(entry, dict) or set(entry) - {"in_names", "cues", "default", "rare"}:
                    raise SiblingMarkersError(f"{where}: expected keys in_names, cues and optional default, rare")
                cues = _phrases(entry.get("cues"), where)
                markers.append(
                    Marker(
                        facet,
                        value,
                        bool(entry.get("default", False)),
                        _phrases(entry.get("in_names"), where),
                        cues,
                        bool(entry.get("rare", False)),
                        tuple(clean(c).lower() for c in entry["cues"]),
                    )
                )
        return cls(tuple(markers), says_nothing)

    def _name_phrases(self) -> list[tuple[str, Marker]]:
        pairs = [(p, m) for m in self.markers for p in m.in_names]
        return sorted(pairs, key=lambda pm: len(pm[0]), reverse=True)

    def analyse(self, name: str) -> tuple[str, dict[str, str]]:
        """(stem, facet → value) of a catalogue name; a facet absent from the name has no entry."""
        folded = (" " + " ".join(tokens(_BRACKETS.sub(" ", name))) + " ").replace(" doi voi ", " | ")
        if folded.startswith(" thu tuc "):
            folded = folded[len(" thu tuc") :]
        values: dict[str, str] = {}
        for phrase, marker in self._name_phrases():
            if _contains(folded, phrase):
                values.setdefault(marker.facet, marker.value)
                folded = folded.replace(f" {phrase} ", " ")
        return " ".join(folded.split()), values

    def in_name(self, name: str) -> set[tuple[str, str]]:
        """Every (facet, value) whose name phrase occurs in ``name`` ("Cấp lại, đổi, điều chỉnh …" has three).
        "đối với" (for) is not "đổi" (change) once accents are folded."""
        folded = (" " + " ".join(tokens(name)) + " ").replace(" doi voi ", " | ")
        return {(m.facet, m.value) for m in self.markers for p in m.in_names if _contains(folded, p)}

    def mentioned(self, text: str) -> dict[str, set[str]]:
        """facet → values a question says (its age, via the same age hint search uses, counts too).

        A cue listed under several values of a facet ("làm lại": re-issue, exchange or re-register) says any of
        them; another cue of the turn narrows it ("làm lại vì bị mất" → re-issue). Default values ("làm", "xin")
        never narrow: they are kept beside what the other cues say."""
        hint = age_hint(text)
        words = words_of(f"{_NOT.sub('không', text)} {hint}")
        used = [False] * len(words)
        heard: dict[str, list[set[str]]] = defaultdict(list)
        present = {w.folded for w in words}
        for cue, needed, facets in self._cues:  # longest first: "đăng ký lại" is said, not also "đăng ký" inside it
            if not needed <= present:
                continue
            found = False
            for start in range(len(words) - len(cue) + 1):
                span = range(start, start + len(cue))
                if all(words[i].hears(c) for i, c in zip(span, cue)) and not all(used[i] for i in span):
                    used[start : start + len(cue)] = [True] * len(cue)
                    found = found or not _denied(words[:start], cue)
            if found:
                for facet, values in facets.items():
                    heard[facet].append(values)
        said: dict[str, set[str]] = {}
        for facet, sets in heard.items():
            plain = {v for values in sets for v in values if v in self.defaults}
            specific = [values - self.defaults for values in sets if values - self.defaults]
            narrowed = set.intersection(*specific) if specific else set()
            said[facet] = plain | (narrowed or {v for values in specific for v in values})
        if hint:  # the stated age decides the bracket even when a cue of the other one is in the text
            said["age"] = {"under_14" if hint == UNDER_14 else "from_14"}
        return dict(said)


class SiblingIndex:
    """Ward procedures grouped by stem."""

    def __init__(self, markers: SiblingMarkers, names: Iterable[tuple[str, str]]) -> None:
        self.markers = markers
        self._stem: dict[str, str] = {}
        self._values: dict[str, dict[str, str]] = {}
        groups: dict[str, list[str]] = defaultdict(list)
        for code, name in names:
            stem, values = markers.analyse(name)
            if not stem:
                continue
            self._stem[code], self._values[code] = stem, values
            groups[stem].append(code)
        self._groups = {stem: tuple(codes) for stem, codes in groups.items() if len(codes) > 1}
        self._by_stem = {stem: tuple(codes) for stem, codes in groups.items()}

    def with_stem(self, stem: str) -> tuple[str, ...]:
        """Codes whose stem is ``stem`` (one, or a group of siblings); () for none."""
        return self._by_stem.get(stem, ())

    @property
    def stems(self) -> Iterable[str]:
        return self._by_stem.keys()

    def siblings(self, code: str) -> tuple[str, ...]:
        """Codes sharing ``code``'s stem (itself included); () when it has no sibling."""
        return self._groups.get(self._stem.get(code, ""), ())

    def stem(self, code: str) -> str:
        return self._stem.get(code, "")

    def values(self, code: str) -> dict[str, str]:
        return self._values.get(code, {})

    def fit(self, code: str, said: dict[str, set[str]], facets: set[str]) -> tuple[bool, int]:
        """(not contradicted, number of non-default values the question leaves unsaid) over ``facets``.

        A value is contradicted when the question says another value of the same facet; a facet absent from the
        name is contradicted only when the question says a non-default value of it ("người Nhật" rules out the
        plain "Đăng ký khai sinh")."""
        values = self.values(code)
        defaults = {m.value for m in self.markers.markers if m.default}
        unsaid = 0
        for facet in facets:
            value, told = values.get(facet), said.get(facet, set())
            if value is None:
                if told - defaults:
                    return False, 0
                continue
            if told and value not in told:
                if not (value in defaults and not (told - defaults)):
                    return False, 0
            if not told and value not in defaults:
                unsaid += 1
        return True, unsaid
