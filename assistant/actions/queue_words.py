"""Messages about the queue that the intent classifier may read as procedure questions: a request for a number that
also names a procedure, "how long do I wait" once a ticket exists, and a number for the general desk on purpose.
Phrases live in data/queue_words.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.data_file import read_model
from knowledge_base.text import tokens

QUEUE_WORDS_PATH = Path(__file__).parent / "data" / "queue_words.yaml"


class _QueueWordsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_requests: list[str] = Field(min_length=1)
    after_request: list[str] = Field(min_length=1)
    waiting: list[str] = Field(min_length=1)
    general_desk: list[str] = Field(min_length=1)
    procedure_time: list[str] = Field(min_length=1)


def _folded(phrases: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(tokens(p)) for p in phrases if tokens(p)))


@dataclass(frozen=True)
class QueueWords:
    ticket_requests: tuple[str, ...]
    after_request: frozenset[str]
    waiting: tuple[str, ...]
    general_desk: tuple[str, ...] = ()
    procedure_time: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | str = QUEUE_WORDS_PATH) -> "QueueWords":
        data = read_model(path, _QueueWordsFile)
        return cls(
            ticket_requests=_folded(data.ticket_requests),
            after_request=frozenset(_folded(data.after_request)),
            waiting=_folded(data.waiting),
            general_desk=_folded(data.general_desk),
            procedure_time=_folded(data.procedure_time),
        )

    @staticmethod
    def _says(text: str | None, phrases: tuple[str, ...]) -> bool:
        padded = f" {' '.join(tokens(text or ''))} "
        return any(f" {p} " in padded for p in phrases)

    def asks_for_ticket(self, text: str | None) -> bool:
        """A ticket request phrase at the end of the message or followed by a word that does not make it part of a
        procedure's name."""
        words = tokens(text or "")
        for phrase in self.ticket_requests:
            size = len(phrase.split())
            for start in range(len(words) - size + 1):
                if " ".join(words[start : start + size]) == phrase:
                    following = words[start + size] if start + size < len(words) else None
                    if following is None or following in self.after_request:
                        return True
        return False

    def asks_about_waiting(self, text: str | None) -> bool:
        return self._says(text, self.waiting)

    def asks_procedure_time(self, text: str | None) -> bool:
        """The message asks how many days the procedure takes ("mấy ngày có kết quả"), not the wait in the hall."""
        return self._says(text, self.procedure_time)

    def wants_general_desk(self, text: str | None) -> bool:
        """The citizen does not name a procedure for the number on purpose ("tôi chỉ hỏi chung thôi")."""
        return self._says(text, self.general_desk)
