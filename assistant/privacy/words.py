"""The word lists behind name detection and the keyword form (words.yaml), validated and indexed for lookup."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from knowledge_base.data_file import read_model
from knowledge_base.text import fold

DEFAULT_PATH = Path(__file__).parent / "words.yaml"


class WordListError(ValueError):
    """words.yaml is missing, malformed or holds an empty entry."""


class WordLists(BaseModel):
    """words.yaml as written by staff: each list holds words or short phrases with their diacritics."""

    model_config = ConfigDict(extra="forbid")

    surnames: list[str]
    ambiguous_unaccented_surnames: list[str]
    middle_names: list[str]
    name_markers: list[str]
    given_names: list[str]
    honorifics: list[str]
    ambiguous_unaccented_honorifics: list[str]
    pronouns: list[str]
    not_names: list[str]
    places: list[str]
    number_cues: list[str]
    number_words: list[str]
    question_words: list[str]
    keep_unaccented: list[str]

    @field_validator("*")
    @classmethod
    def non_empty_entries(cls, value: list[str]) -> list[str]:
        bad = [entry for entry in value if not isinstance(entry, str) or not entry.strip()]
        if bad:
            raise ValueError(f"entries must be non-empty words, got {bad[:3]!r}")
        return [" ".join(entry.split()) for entry in value]


@dataclass(frozen=True)
class WordSet:
    """A list looked up two ways: exactly (lower-case, diacritics kept) and accent-folded."""

    exact: frozenset[str]
    folded: frozenset[str]

    @classmethod
    def of(cls, words: list[str], *, folded_without: frozenset[str] = frozenset()) -> "WordSet":
        return cls(frozenset(w.lower() for w in words), frozenset(fold(w) for w in words) - folded_without)

    def has(self, lower: str, folded: str, accented: bool) -> bool:
        """Accented words must match exactly; a word typed without diacritics matches any accented form."""
        return lower in self.exact if accented else folded in self.folded


@dataclass(frozen=True)
class Lexicon:
    """The indexed word lists used by `assistant.privacy.names` and `assistant.privacy.keywords`."""

    surnames: WordSet
    ambiguous_surnames: frozenset[str]
    name_parts: WordSet
    name_markers: WordSet
    given_names: WordSet
    honorifics: WordSet
    ambiguous_honorifics: frozenset[str]
    pronouns: WordSet
    stops: WordSet
    common: WordSet
    places: frozenset[str]
    number_cues: tuple[str, ...]
    number_words: frozenset[str]
    question_words: WordSet

    @classmethod
    def from_lists(cls, lists: WordLists) -> "Lexicon":
        parts = lists.surnames + lists.middle_names + lists.given_names
        part_exact = {w.lower() for w in parts}
        part_folded = frozenset(fold(w) for w in parts)
        return cls(
            surnames=WordSet.of(lists.surnames),
            ambiguous_surnames=frozenset(fold(w) for w in lists.ambiguous_unaccented_surnames),
            name_parts=WordSet.of(parts),
            name_markers=WordSet.of(lists.name_markers),
            given_names=WordSet.of(lists.given_names),
            honorifics=WordSet.of(lists.honorifics),
            ambiguous_honorifics=frozenset(fold(w) for w in lists.ambiguous_unaccented_honorifics),
            pronouns=WordSet.of(lists.pronouns),
            # A word that may be part of a name never stops one: "văn" (văn bản) in "Nguyễn Văn Thành".
            stops=WordSet(
                frozenset(w.lower() for w in lists.not_names) - part_exact,
                frozenset(fold(w) for w in lists.not_names) - part_folded,
            ),
            # Every never-name word, name parts included: "quan" may be Quân but is mostly quận/quan.
            common=WordSet.of(lists.not_names),
            places=frozenset(fold(w) for w in lists.places),
            number_cues=tuple(sorted({fold(w) for w in lists.number_cues}, key=len, reverse=True)),
            number_words=frozenset(fold(w) for w in lists.number_words),
            question_words=WordSet.of(
                lists.question_words, folded_without=frozenset(fold(w) for w in lists.keep_unaccented)
            ),
        )


def load_lexicon(path: Path | str = DEFAULT_PATH) -> Lexicon:
    """Read and validate a word-list file; a clear WordListError names the file and the problem."""
    return Lexicon.from_lists(read_model(path, WordLists, WordListError))


@functools.cache
def default_lexicon() -> Lexicon:
    """The packaged word lists, loaded on first use."""
    return load_lexicon()
