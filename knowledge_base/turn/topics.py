"""Which topic (fee, time, where, documents, online, steps, legal) a turn's question words ask about.

The intent classifier names the topic of most questions; when it only says "a procedure question" (overview),
the question words decide: an elliptic follow-up ("lệ phí?", "fee?", "mấy hôm thì có giấy") asks that topic of
the current procedure. The cue lists live in ``knowledge_base/data/topic_words.yaml`` (staff-readable).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge_base.data_file import read_yaml
from knowledge_base.text import tokens
from knowledge_base.turn.siblings import words_of

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "topic_words.yaml"
TOPICS = ("fee", "time", "where", "documents", "online", "steps", "legal")


class TopicWordsError(ValueError):
    """The topic-words file is malformed."""


@dataclass(frozen=True)
class TopicWords:
    """Cue phrases per topic; ``order`` is the precedence when a turn says several topics. A turn typed with
    diacritics must agree with a cue's ("mặt tiền" of a house is not "mất tiền"); one typed without may be any."""

    cues: tuple[tuple[str, str], ...]
    """(folded phrase, topic), longest phrase first."""
    order: tuple[str, ...]
    spelled: tuple[tuple[str, ...], ...] = ()
    """Each cue's spellings in the file ("tốn nhiều", "tốn nhiêu"), in the order of ``cues``."""

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "TopicWords":
        data = read_yaml(path, TopicWordsError)
        if not isinstance(data, dict) or not data:
            raise TopicWordsError(f"{path}: expected a mapping of topic → list of phrases")
        unknown = set(data) - set(TOPICS)
        if unknown:
            raise TopicWordsError(f"{path}: unknown topic(s) {sorted(unknown)}; expected {', '.join(TOPICS)}")
        cues: dict[str, str] = {}
        written: dict[str, list[str]] = {}
        for topic, phrases in data.items():
            if not isinstance(phrases, list) or any(not isinstance(p, str) or not tokens(p) for p in phrases):
                raise TopicWordsError(f"{path}: '{topic}' must be a list of non-empty phrases")
            for phrase in phrases:
                key = " ".join(tokens(phrase))
                if cues.setdefault(key, topic) != topic:
                    raise TopicWordsError(f"{path}: '{phrase}' is listed under both {cues[key]} and {topic}")
                written.setdefault(key, []).append(phrase)
        ordered = sorted(cues.items(), key=lambda kv: len(kv[0].split()), reverse=True)
        return cls(cues=tuple(ordered), order=tuple(data), spelled=tuple(tuple(written[k]) for k, _ in ordered))

    def topics(self, text: str, names: tuple[str, ...] = ()) -> list[str]:
        """Every topic whose cue ``text`` says, in file order. ``names`` are folded procedure-name phrases whose
        words are not question words ("trợ giúp pháp lý" does not ask the legal basis)."""
        heard = words_of(text)
        used = [False] * len(heard)
        for name in names:
            _consume(heard, used, words_of(name))
        present = {w.folded for w in heard}
        found: set[str] = set()
        for (folded, topic), spellings in zip(self.cues, self._spelled_words):
            if not present.issuperset(folded.split()):
                continue
            if any([_consume(heard, used, phrase) for phrase in spellings]):
                found.add(topic)
        return [t for t in self.order if t in found]

    @property
    def _spelled_words(self) -> list:
        return _spelled(self.spelled or tuple((phrase,) for phrase, _ in self.cues))

    def topic(self, text: str, names: tuple[str, ...] = ()) -> str | None:
        """The topic ``text`` asks about, or None when its words say none."""
        found = self.topics(text, names)
        return found[0] if found else None


@lru_cache(maxsize=8)
def _spelled(cues: tuple[tuple[str, ...], ...]) -> list:
    return [[tuple(words_of(p)) for p in spellings] for spellings in cues]


def _consume(heard: list, used: list[bool], phrase) -> bool:
    """Marks every free span of ``heard`` that says ``phrase``; whether there was one."""
    n, hit = len(phrase), False
    for start in range(len(heard) - n + 1):
        span = range(start, start + n)
        if n and not any(used[i] for i in span) and all(heard[i].hears(w) for i, w in zip(span, phrase)):
            used[start : start + n] = [True] * n
            hit = True
    return hit


@lru_cache(maxsize=1)
def default_topic_words() -> TopicWords:
    return TopicWords.load()
