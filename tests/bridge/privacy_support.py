"""The privacy corpus and how a personal token is searched for in logs, database dumps and reports."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base.text import fold

CORPUS_PATH = Path(__file__).parent / "data" / "privacy_corpus.yaml"


@dataclass(frozen=True)
class CorpusMessage:
    message: str
    personal: tuple[str, ...]


def load_corpus(path: Path = CORPUS_PATH) -> list[CorpusMessage]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    corpus = [CorpusMessage(item["message"], tuple(item["personal"])) for item in items]
    for item in corpus:
        missing = [token for token in item.personal if token not in item.message]
        assert not missing, f"corpus: {missing} not in {item.message!r}"
    return corpus


def _is_number(token: str) -> bool:
    return sum(ch.isdigit() for ch in token) >= 3


def probes(token: str) -> list[str]:
    """Folded strings whose presence (word-bounded) means `token` leaked.

    A number: as typed, without separators, and its last 6 digits. A name: the whole name and every pair of
    adjacent words (a single-word name: the word), accent-folded, so "Ngô Thị" left behind or "ngo thi lan" in a
    keyword form both count.
    """
    if "@" in token:
        return [token.lower()]
    if _is_number(token):
        digits = re.sub(r"\D", "", token)
        return sorted({fold(token), digits, digits[-6:]} - {""})
    words = fold(token).split()
    return sorted({" ".join(words)} | {f"{a} {b}" for a, b in zip(words, words[1:])})


def leaked(token: str, haystack: str) -> list[str]:
    """The probes of `token` found in `haystack` (compared accent-folded; digits also with separators removed)."""
    folded = fold(haystack)
    digits_only = re.sub(r"(?<=\d)[\s.\-/]+(?=\d)", "", folded)
    found = []
    for probe in probes(token):
        if _is_number(token) and probe.isdigit():
            if re.search(rf"(?<!\d){probe}(?!\d)", digits_only) or (len(probe) == 6 and probe in digits_only):
                found.append(probe)
        elif re.search(rf"(?<![\w]){re.escape(probe)}(?![\w])", folded):
            found.append(probe)
    return found
