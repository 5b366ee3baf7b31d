"""Decide whether a follow-up question names a (new) procedure or only asks about the current one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base.text import fold, tokens

DEFAULT_PATH = Path(__file__).parent / "data" / "question_words.yaml"


class QuestionWordsError(ValueError):
    """The question-words file is malformed."""


@dataclass(frozen=True)
class QuestionWords:
    """Accent-folded phrases and single words that carry no procedure identity.

    ``names`` are folded phrases never taken apart, because accent folding makes one of their words look like a
    question word: "sổ đỏ" folds to "so do", and "do" (đó, English "do") is a question word.
    """

    phrases: tuple[str, ...]
    words: frozenset[str]
    names: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "QuestionWords":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("phrases"), list) or not isinstance(data.get("words"), list):
            raise QuestionWordsError(f"{path}: expected lists 'phrases' and 'words'")
        bad = [w for w in data["phrases"] + data["words"] if not isinstance(w, str) or not w.strip()]
        if bad:
            raise QuestionWordsError(f"{path}: entries must be non-empty strings, got {bad[:3]}")
        names = data.get("names") or []
        if not isinstance(names, list) or any(not isinstance(n, str) or not n.strip() for n in names):
            raise QuestionWordsError(f"{path}: 'names' must be a list of non-empty strings")
        phrases = tuple(sorted({" ".join(tokens(p)) for p in data["phrases"]}, key=len, reverse=True))
        return cls(phrases=phrases, words=frozenset(fold(w) for w in data["words"]),
                   names=tuple(sorted({" ".join(tokens(n)) for n in names}, key=len, reverse=True)))

    def subject_words(self, text: str) -> list[str]:
        """Folded tokens of ``text`` left after removing question phrases and words."""
        folded = f" {' '.join(tokens(text))} "
        for name in self.names:  # one token ("so_do") that no question phrase or word can match
            folded = folded.replace(f" {name} ", f" {name.replace(' ', '_')} ")
        for phrase in self.phrases:
            folded = folded.replace(f" {phrase} ", " ")
        return [part for w in folded.split() if w not in self.words for part in w.split("_")]

    def subject_text(self, text: str) -> str:
        """``text`` without its question words, diacritics kept: "làm giấy khai sinh cho con cần gì?" → "khai sinh".

        Search ranks better on the procedure words alone; "" when nothing is left.
        """
        words = text.split()
        folded = [" ".join(tokens(w)) for w in words]
        keep = [bool(f) and f not in self.words for f in folded]
        protected = [False] * len(words)
        for phrase, mark in [(n, True) for n in self.names] + [(p, False) for p in self.phrases]:
            parts = phrase.split()
            for i in range(len(words) - len(parts) + 1):
                if folded[i : i + len(parts)] == parts and not any(protected[i : i + len(parts)]):
                    keep[i : i + len(parts)] = [mark] * len(parts)
                    if mark:
                        protected[i : i + len(parts)] = [True] * len(parts)
        return " ".join(w for w, k in zip(words, keep) if k).strip(" ?!.,;:")

    def names_a_procedure(self, text: str, *, has_current: bool) -> bool:
        """True when the text probably names a procedure: ≥ 2 subject words, or ≥ 1 with no current procedure."""
        return len(self.subject_words(text)) >= (2 if has_current else 1)
