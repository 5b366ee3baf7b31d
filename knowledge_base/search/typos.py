"""Repairs misspelt query words against the catalogue vocabulary (telex leftovers, one-letter slips)."""

from __future__ import annotations

from typing import Mapping

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_TELEX_TONES = "sfrxjz"
_TELEX_PAIRS = (("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("dd", "d"), ("w", ""))


class TypoCorrector:
    """Maps an unknown folded word to the most frequent known word within one edit (or a telex slip).

    Words shorter than `min_length` and digits are left alone: too many short words are one edit apart.
    """

    def __init__(self, frequencies: Mapping[str, int], *, min_length: int = 3) -> None:
        self._freq = frequencies
        self._min_length = min_length
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The repaired word, the word itself when known, or None when nothing close is known."""
        if word in self._freq:
            return word
        if len(word) < self._min_length or not word.isalpha():
            return None
        if word not in self._cache:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[word] = self._best(self._telex_candidates(word)) or self._best(_edits1(word))
        return self._cache[word]

    def _best(self, candidates) -> str | None:
        known = [c for c in candidates if c in self._freq]
        return max(known, key=lambda c: (self._freq[c], c)) if known else None

    @staticmethod
    def _telex_candidates(word: str) -> set[str]:
        out = set()
        if word[-1] in _TELEX_TONES:
            out.add(word[:-1])
        for typed, meant in _TELEX_PAIRS:
            if typed in word:
                fixed = word.replace(typed, meant)
                out.add(fixed)
                if fixed and fixed[-1] in _TELEX_TONES:
                    out.add(fixed[:-1])
        return out


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | transposes | replaces | inserts
