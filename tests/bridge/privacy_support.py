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

    A name: the whole name and every pair of adjacent words (a single-word name: the word), accent-folded, so
    "Ngô Thị" left behind or "ngo thi lan" in a keyword form both count. A number: its digits, which
    `leaked` finds in any separator style.
    """
    if "@" in token:
        return [token.lower()]
    if _is_number(token):
        return [re.sub(r"\D", "", token)]
    words = fold(token).split()
    return sorted({" ".join(words)} | {f"{a} {b}" for a, b in zip(words, words[1:])})


def leaked(token: str, haystack: str) -> list[str]:
    """The probes of `token` found in `haystack`: names accent-folded and word-bounded; numbers as the whole digit
    sequence with any separators (spaces, dots, dashes, slashes, plus signs, letters of a code) between digits."""
    return leaks_in(haystack, [token])[token]


def leaks_in(haystack: str, tokens: list[str]) -> dict[str, list[str]]:
    """`leaked` for many tokens over one (large) haystack, folded once.

    Numbers are looked up in a copy where every separator between two digits is gone: "0912 345 678",
    "0912.345.678" and "09-12-34-56-78" all read 0912345678 there.
    """
    folded = fold(haystack)
    joined = re.sub(r"(?<=\d)[\s.\-/+a-z]{1,3}(?=\d)", "", folded)
    found: dict[str, list[str]] = {}
    for token in tokens:
        found[token] = []
        for probe in probes(token):
            if _is_number(token):
                hit = probe in joined if len(probe) >= 7 else re.search(rf"(?<!\d){probe}(?!\d)", joined)
            else:
                hit = re.search(rf"(?<![\w]){re.escape(probe)}(?![\w])", folded)
            if hit:
                found[token].append(probe)
    return found
