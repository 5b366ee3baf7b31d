"""What a turn is about (TurnOutcome): the one answer every caller (actions, bridge, evaluation) acts on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TurnKind = Literal["procedure", "clarify", "not_at_ward", "ask_procedure", "no_match", "out_of_scope"]


@dataclass(frozen=True)
class TurnChoice:
    """A procedure offered or meant: its code, catalogue name and whether the ward handles it."""

    code: str
    name: str
    ward_level: bool = True

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "ward_level": self.ward_level}


@dataclass(frozen=True)
class TurnOutcome:
    """The decision for one citizen turn."""

    kind: TurnKind
    """procedure: answer about ``code`` (ward level); not_at_ward: say who handles ``code``; clarify: ask which of
    ``choices``; ask_procedure: the turn names no procedure and none is current; no_match: nothing fits;
    out_of_scope: an everyday matter that is no administrative procedure (``matter`` says which, who to ask)."""
    code: str | None = None
    name: str | None = None
    choices: tuple[TurnChoice, ...] = ()
    elsewhere: TurnChoice | None = None
    """A procedure the ward does not handle that outranked every ward procedure for this turn."""
    follow_up: bool = False
    """True when the turn was read as a follow-up about the current procedure (kept, not searched for)."""
    reason: str = ""
    """Which rule decided (follow_up, named, sibling, option, referral, ...): for tests and logs, never shown."""
    topic: str | None = None
    """What the question words ask (fee, time, where, documents, online, steps, legal), None when they say none;
    callers use it when the intent classifier only says "a procedure question"."""
    matter: dict | None = None
    """For a not_at_ward or out_of_scope turn about a matter outside the catalogue (knowledge_base.turn.outside):
    its id, kind, name, handler and note in both languages; ``code`` is then None."""

    def to_json(self) -> dict:
        data: dict = {
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "choices": [c.to_json() for c in self.choices],
            "follow_up": self.follow_up,
            "reason": self.reason,
            "topic": self.topic,
        }
        data["elsewhere"] = self.elsewhere.to_json() if self.elsewhere else None
        data["matter"] = self.matter
        return data
