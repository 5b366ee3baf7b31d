"""Sibling procedures: names equal once the words that tell variants apart are removed (first issue / re-issue /
change, under 14 / 14+, foreign element, registering / cancelling, household / organisation).

The markers live in ``knowledge_base/data/sibling_markers.yaml``; groups are found from the catalogue names, so a
procedure staff add joins its siblings without any list to update.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


from knowledge_base.data_file import read_yaml
from knowledge_base.search.age_hints import UNDER_14, age_hint
from knowledge_base.text import tokens

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


def _phrases(items, where: str) -> tuple[str, ...]:
    if not isinstance(items, list) or any(not isinstance(i, str) or not tokens(i) for i in items):
        raise SiblingMarkersError(f"{where}: expected a list of non-empty phrases")
    return tuple(" ".join(tokens(i)) for i in items)


def _contains(folded: str, phrase: str) -> bool:
    return f" {phrase} " in folded


@dataclass(frozen=True)
class SiblingMarkers:
    markers: tuple[Marker, ...]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "SiblingMarkers":
        data = read_yaml(path, SiblingMarkersError)
        facets = data.get("facets") if isinstance(data, dict) else None
        if not isinstance(facets, dict) or not facets:
            raise SiblingMarkersError(f"{path}: expected a mapping 'facets'")
        markers = []
        for facet, values in facets.items():
            if not isinstance(values, dict) or not values:
                raise SiblingMarkersError(f"{path}: facet '{facet}' must map values to in_names/cues")
            for value, entry in values.items():
                where = f"{path}: {facet}.{value}"
                if not isinstance(entry, dict) or set(entry) - {"in_names", "cues", "default", "rare"}:
                    raise SiblingMarkersError(f"{where}: expected keys in_names, cues and optional default, rare")
                markers.append(Marker(facet, value, bool(entry.get("default", False)),
                                      _phrases(entry.get("in_names"), where), _phrases(entry.get("cues"), where),
                                      bool(entry.get("rare", False))))
        return cls(tuple(markers))

    def _name_phrases(self) -> list[tuple[str, Marker]]:
        pairs = [(p, m) for m in self.markers for p in m.in_names]
        return sorted(pairs, key=lambda pm: len(pm[0]), reverse=True)

    def analyse(self, name: str) -> tuple[str, dict[str, str]]:
        """(stem, facet → value) of a catalogue name; a facet absent from the name has no entry."""
        folded = " " + " ".join(tokens(_BRACKETS.sub(" ", name))) + " "
        if folded.startswith(" thu tuc "):
            folded = folded[len(" thu tuc"):]
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
        """facet → values a question says (its age, via the same age hint search uses, counts too)."""
        hint = age_hint(text)
        folded = " " + " ".join(tokens(f"{text} {hint}")) + " "
        said: dict[str, set[str]] = defaultdict(set)
        cues: dict[str, list[Marker]] = defaultdict(list)
        for marker in self.markers:
            for cue in marker.cues:
                cues[cue].append(marker)
        for cue in sorted(cues, key=len, reverse=True):  # "đăng ký lại" is said, not also "đăng ký"
            if _contains(folded, cue):
                for marker in cues[cue]:
                    said[marker.facet].add(marker.value)
                folded = folded.replace(f" {cue} ", " | ")
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
