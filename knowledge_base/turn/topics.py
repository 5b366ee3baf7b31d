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

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "topic_words.yaml"
TOPICS = ("fee", "time", "where", "documents", "online", "steps", "legal")


class TopicWordsError(ValueError):
    """The topic-words file is malformed."""


@dataclass(frozen=True)
class TopicWords:
    """Accent-folded cue phrases per topic; ``order`` is the precedence when a turn says several topics."""

    cues: tuple[tuple[str, str], ...]
    """(folded phrase, topic), longest phrase first."""
    order: tuple[str, ...]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "TopicWords":
        data = read_yaml(path, TopicWordsError)
        if not isinstance(data, dict) or not data:
            raise TopicWordsError(f"{path}: expected a mapping of topic → list of phrases")
        unknown = set(data) - set(TOPICS)
        if unknown:
            raise TopicWordsError(f"{path}: unknown topic(s) {sorted(unknown)}; expected {', '.join(TOPICS)}")
        cues: dict[str, str] = {}
        for topic, phrases in data.items():
            if not isinstance(phrases, list) or any(not isinstance(p, str) or not tokens(p) for p in phrases):
                raise TopicWordsError(f"{path}: '{topic}' must be a list of non-empty phrases")
            for phrase in phrases:
                key = " ".join(tokens(phrase))
                if cues.setdefault(key, topic) != topic:
                    raise TopicWordsError(f"{path}: '{phrase}' is listed under both {cues[key]} and {topic}")
        ordered = sorted(cues.items(), key=lambda kv: len(kv[0].split()), reverse=True)
        return cls(cues=tuple(ordered), order=tuple(data))

    def topics(self, text: str, names: tuple[str, ...] = ()) -> list[str]:
        """Every topic whose cue ``text`` says, in file order. ``names`` are folded procedure-name phrases whose
        words are not question words ("trợ giúp pháp lý" does not ask the legal basis)."""
        folded = f" {' '.join(tokens(text))} "
        for name in names:
            folded = folded.replace(f" {name} ", " | ")
        found: set[str] = set()
        for phrase, topic in self.cues:
            if f" {phrase} " in folded:
                found.add(topic)
                folded = folded.replace(f" {phrase} ", " | ")
        return [t for t in self.order if t in found]

    def topic(self, text: str, names: tuple[str, ...] = ()) -> str | None:
        """The topic ``text`` asks about, or None when its words say none."""
        found = self.topics(text, names)
        return found[0] if found else None


@lru_cache(maxsize=1)
def default_topic_words() -> TopicWords:
    return TopicWords.load()
