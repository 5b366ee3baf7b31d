"""Which words of a turn say WHAT is asked, which are fillers, and which could name a procedure.

The lists live in ``knowledge_base/data/turn_words.yaml`` (staff-readable, validated on load).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from knowledge_base.data_file import read_yaml
from knowledge_base.text import fold, tokens

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "turn_words.yaml"
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=8)
def _split_phrases(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.split()) for p in phrases)


_CLAUSE = re.compile(r"[,.;!?]+|\s(?=(?:giờ|bây giờ|mà|nhưng|now|but|so)\s)", re.IGNORECASE)
"""Where a turn's clauses part: punctuation, or a word opening what comes next ("…rồi, giờ …", "… rồi mà …")."""
_NEAR = 4
"""Words either side of a name read by ``TurnWords.holds``."""

_LISTS = (
    "phrases",
    "words",
    "names",
    "fillers",
    "generic",
    "back",
    "switch",
    "on_papers",
    "certify",
    "bring",
    "held",
    "not_yet",
)


class TurnWordsError(ValueError):
    """The turn-words file is malformed."""


@dataclass(frozen=True)
class TurnWords:
    """Accent-folded phrases and single words that carry no procedure identity.

    ``names`` are folded phrases never taken apart, because accent folding makes one of their words look like a
    question word: "sổ đỏ" folds to "so do", and "do" (đó, English "do") is a question word.
    ``fillers`` are particles and small talk, ignored when deciding whether a turn names a procedure (they stay
    in the searched text: "mất" is a filler in "có mất tiền không" but matters in "báo mất hộ chiếu").
    ``generic`` words can be part of a name but never name a procedure alone ("đăng ký", "giấy", "cháu").
    ``back`` phrases say the turn goes back to something asked earlier ("quay lại", "lúc nãy", "back to").
    ``switch`` phrases, first in the turn after fillers, say it turns to another matter ("còn …", "what about …").
    ``on_papers`` phrases say the turn asks to certify, copy or translate a paper ("chứng thực bản sao hộ chiếu"):
    the paper it names is what is certified, not a procedure to be referred to.
    ``certify`` phrases ask the ward to certify papers ("chứng thực", "sao y", "certified copies"): whatever the papers
    are for ("… for my work permit"), the turn is about the certification, not a matter handled elsewhere.
    ``bring`` phrases ask whether to bring a paper ("có cần mang cccd không"): with a current procedure, the paper is
    one of its documents, not another procedure.
    ``held`` phrases, just before a procedure's name, say its paper is already held ("đã có giấy khai sinh");
    ``not_yet`` phrases say it is still to be done ("chưa làm giấy khai sinh"): see ``holds``.
    """

    phrases: tuple[str, ...]
    words: frozenset[str]
    names: tuple[str, ...] = ()
    fillers: frozenset[str] = frozenset()
    generic: frozenset[str] = frozenset()
    back: tuple[str, ...] = ()
    switch: tuple[str, ...] = ()
    on_papers: tuple[str, ...] = ()
    certify: tuple[str, ...] = ()
    bring: tuple[str, ...] = ()
    held: tuple[str, ...] = ()
    not_yet: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "TurnWords":
        data = read_yaml(path, TurnWordsError)
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("phrases"), list)
            or not isinstance(data.get("words"), list)
        ):
            raise TurnWordsError(f"{path}: expected lists 'phrases' and 'words'")
        for key in _LISTS:
            entries = data.get(key) or []
            if not isinstance(entries, list) or any(not isinstance(e, str) or not e.strip() for e in entries):
                raise TurnWordsError(f"{path}: '{key}' must be a list of non-empty strings")
        unknown = set(data) - set(_LISTS)
        if unknown:
            raise TurnWordsError(f"{path}: unknown section(s) {sorted(unknown)}; expected {', '.join(_LISTS)}")

        def phrase_set(key):
            return tuple(sorted({" ".join(tokens(p)) for p in data.get(key) or []}, key=len, reverse=True))

        def word_set(key):
            return frozenset(fold(w) for w in data.get(key) or [])

        return cls(
            phrases=phrase_set("phrases"),
            words=word_set("words"),
            names=phrase_set("names"),
            fillers=word_set("fillers"),
            generic=word_set("generic"),
            back=phrase_set("back"),
            switch=phrase_set("switch"),
            on_papers=phrase_set("on_papers"),
            certify=phrase_set("certify"),
            bring=phrase_set("bring"),
            held=phrase_set("held"),
            not_yet=phrase_set("not_yet"),
        )

    def acts_on_papers(self, text: str) -> bool:
        """The text (a turn or a procedure name) says certifying, copying or translating a paper."""
        padded = f" {' '.join(tokens(text))} "
        return any(f" {phrase} " in padded for phrase in self.on_papers)

    def asks_to_certify(self, text: str) -> bool:
        """The turn asks the ward to certify papers."""
        padded = f" {' '.join(tokens(text))} "
        return any(f" {phrase} " in padded for phrase in self.certify)

    def asks_to_bring(self, text: str) -> bool:
        """The turn asks whether to bring a paper along."""
        padded = f" {' '.join(tokens(text))} "
        return any(f" {phrase} " in padded for phrase in self.bring)

    def holds(self, text: str, name: str) -> bool | None:
        """Whether the turn says the paper of ``name`` (folded words, e.g. a procedure's stem "khai sinh") is already
        held: True for "cháu đã có giấy khai sinh rồi" or "họ cấp giấy khai sinh cho cháu rồi", False for "bé chưa
        làm giấy khai sinh", None when the turn does not name it or says neither."""
        words, wanted = tokens(text), name.split()
        found: bool | None = None
        for i in range(len(words) - len(wanted) + 1):
            if words[i : i + len(wanted)] != wanted:
                continue
            before = f" {' '.join(words[max(0, i - _NEAR) : i])} "
            after = words[i + len(wanted) : i + len(wanted) + _NEAR]
            if any(f" {phrase} " in before for phrase in self.not_yet):
                return False
            if any(f" {phrase} " in before for phrase in self.held) or "roi" in after:
                found = True
        return found

    def split_done(self, text: str) -> tuple[str, str]:
        """(``text`` without its clauses that tell a step already done, those clauses): "hợp đồng công chứng xong rồi",
        "tôi ly hôn bên Mỹ rồi", "we already got married in Korea". What a citizen has done is their story; what is
        left is what they ask. (``text``, "") when no clause, or every clause, tells a step done."""
        clauses = [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]
        kept = [c for c in clauses if not self._done(c)]
        if not kept or len(kept) == len(clauses):
            return text, ""
        return ", ".join(kept), ", ".join(c for c in clauses if c not in kept)

    def _done(self, clause: str) -> bool:
        words = [w for w in tokens(clause) if w not in self.fillers or w == "roi"]
        if not words or any(f" {p} " in f" {' '.join(words)} " for p in self.phrases):
            return False  # a question ("bao lâu thì xong rồi") is asked, not told
        return "xong" in words or words[-1] == "roi" or "already" in words

    def goes_back(self, text: str) -> bool:
        """The turn says it returns to something asked earlier in the conversation."""
        padded = f" {' '.join(tokens(text))} "
        return any(f" {phrase} " in padded for phrase in self.back)

    def turns_to_another(self, text: str) -> bool:
        """The turn opens, after fillers ("dạ", "à", "vậy"), with a switch phrase: "còn thẻ bảo hiểm y tế cho cháu
        thì sao", "thế còn đổi căn cước", "what about the marriage one"."""
        words = tokens(text)
        while words:
            opening = f"{' '.join(words[:4])} "
            if any(opening.startswith(f"{phrase} ") for phrase in self.switch):
                return True
            if words[0] not in self.fillers:  # "còn" is a filler too (folded, it is "con"): tried first
                return False
            words = words[1:]
        return False

    def without_phrases(self, text: str) -> str:
        """``text``'s words, accents kept, without the phrases that only say WHAT is asked: "làm mất bao lâu" (how
        long it takes) leaves nothing, so its "làm mất" is not heard as losing a paper. Accents are kept so that
        "rồi" is not heard as "rơi" (dropped)."""
        raw = _WORD.findall(text.lower())
        folded = [fold(w) for w in raw]
        keep = [True] * len(raw)
        for phrase in self._phrase_tokens:
            n = len(phrase)
            for start in range(len(raw) - n + 1):
                if tuple(folded[start : start + n]) == phrase:
                    keep[start : start + n] = [False] * n
        return " ".join(w for w, k in zip(raw, keep) if k)

    @property
    def _phrase_tokens(self) -> tuple[tuple[str, ...], ...]:
        return _split_phrases(self.phrases)

    def subject_words(self, text: str) -> list[str]:
        """Folded tokens of ``text`` left after removing question phrases and words."""
        return [part for w in self._subject_tokens(text) for part in w.split("_")]

    def _subject_tokens(self, text: str) -> list[str]:
        folded = f" {' '.join(tokens(text))} "
        for name in self.names:  # one token ("so_do") that no question phrase or word can match
            folded = folded.replace(f" {name} ", f" {name.replace(' ', '_')} ")
        for phrase in self.phrases:
            folded = folded.replace(f" {phrase} ", " ")
        return [w for w in folded.split() if w not in self.words]

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

    def content_words(self, text: str, known_pair: Callable[[str, str], int] = lambda a, b: 0) -> list[str]:
        """Words of ``text`` that could name a procedure: question phrases, question words and fillers dropped,
        except inside a pair ``known_pair`` accepts (two adjacent words found together in a procedure name or an
        alias: "hộ chiếu" stays although "chiều" is a filler, "sổ hồng" although "hông" means "không").
        ``known_pair`` returns 0 (unknown), 1 (pair of a procedure name) or 2 (pair of an alias); name pairs are
        returned joined with "_", alias pairs with "+"."""
        folded = f" {' '.join(tokens(text))} "
        for name in self.names:
            folded = folded.replace(f" {name} ", f" {name.replace(' ', '_')} ")
        for phrase in self.phrases:
            folded = folded.replace(f" {phrase} ", " | ")
        words = folded.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            kind = known_pair(word, words[i + 1]) if i + 1 < len(words) else 0
            later = known_pair(words[i + 1], words[i + 2]) if i + 2 < len(words) else 0
            if kind and not (later and kind < 2 and self.is_generic(f"{word}_{words[i + 1]}")):
                if kind >= 2:  # an alias citizens use for a procedure concept: never everyday words
                    out.append(f"{word}+{words[i + 1]}")
                elif self._dropped(word) + self._dropped(words[i + 1]) < 2:
                    out.append(f"{word}_{words[i + 1]}")
                i += 2
                continue
            if "_" in word or (word != "|" and not self._dropped(word)):
                out.append(word)
            i += 1
        return out

    def _dropped(self, word: str) -> int:
        return int(word in self.words or word in self.fillers)

    def is_generic(self, word: str) -> bool:
        """True for a content word made only of everyday words; a known pair ("xã hội", "sổ hồng") is generic
        only when both of its words are ("đăng ký")."""
        if "+" in word:
            return False
        parts = word.split("_")
        if len(parts) > 1:
            return all(part in self.generic or part.isdigit() for part in parts)
        return word in self.generic or word in self.fillers or word.isdigit()

    def names_a_procedure(self, text: str, known_pair: Callable[[str, str], int] = lambda a, b: 0) -> bool:
        """True when at least one content word is not an everyday word ("đăng ký", "cháu", "giờ" alone: False)."""
        return any(not self.is_generic(w) for w in self.content_words(text, known_pair))


@lru_cache(maxsize=1)
def default_turn_words() -> TurnWords:
    """The committed knowledge_base/data/turn_words.yaml, read once per process."""
    return TurnWords.load()
