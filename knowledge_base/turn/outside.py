"""Matters outside the catalogue that citizens bring to the ward (divorce → the court): who handles them.

A matter of `kind: out_of_scope` is no administrative matter at all (a bank loan, the water bill, a child's
homework): the turn says so honestly, with who to ask, instead of offering the procedures whose names share a
word; it does not become the conversation's current matter.

The data is staff-readable (knowledge_base/data/outside_matters.yaml). A turn that says a matter's cue and none of
its `unless` phrases is referred there, before any search: no ward or catalogue record would be a right answer, and
the closest ones ("ghi chú ly hôn", a single-status certificate) would be a confident wrong one. A matter referred
becomes the conversation's current matter: its follow-ups ("thế mất bao lâu") are answered from its `answers`, else
its `follow_up` line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from knowledge_base.data_file import read_model
from knowledge_base.text import tokens

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "outside_matters.yaml"


class OutsideMattersError(ValueError):
    """The outside-matters file is malformed."""


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _Matter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z_]+$")
    kind: Literal["not_at_ward", "out_of_scope"] = "not_at_ward"
    name: _Texts
    handled_by: _Texts
    note: _Texts | None = None
    cues: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    answers: dict[Literal["documents", "fee", "time", "online", "steps", "legal"], _Texts] = Field(default_factory=dict)
    follow_up: _Texts | None = None


class _File(RootModel[list[_Matter]]):
    pass


def _folded(phrases: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(tokens(p)) for p in phrases if tokens(p))


@dataclass(frozen=True)
class OutsideMatter:
    id: str
    kind: str
    """not_at_ward: a body handles it (a referral); out_of_scope: not an administrative matter (``handled_by``
    says who to ask)."""
    name: dict[str, str]
    handled_by: dict[str, str]
    note: dict[str, str] | None
    cues: tuple[str, ...]
    unless: tuple[str, ...]
    answers: dict[str, dict[str, str]]
    """What the handler's own rules say about a follow-up topic (fee, time, documents, ...), in both languages."""
    follow_up: dict[str, str] | None
    """Said for a follow-up topic without an answer ("the court decides")."""

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "handled_by": self.handled_by,
            "note": self.note,
            "answers": self.answers,
            "follow_up": self.follow_up,
        }


@dataclass(frozen=True)
class OutsideMatters:
    matters: tuple[OutsideMatter, ...]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "OutsideMatters":
        data = read_model(path, _File, OutsideMattersError).root
        return cls(
            tuple(
                OutsideMatter(
                    id=m.id,
                    kind=m.kind,
                    name=m.name.model_dump(),
                    handled_by=m.handled_by.model_dump(),
                    note=m.note.model_dump() if m.note else None,
                    cues=_folded(m.cues),
                    unless=_folded(m.unless),
                    answers={t: a.model_dump() for t, a in m.answers.items()},
                    follow_up=m.follow_up.model_dump() if m.follow_up else None,
                )
                for m in data
            )
        )

    def get(self, matter_id: str | None) -> OutsideMatter | None:
        """The matter with this id (the conversation's current outside matter), or None."""
        return next((m for m in self.matters if m.id == matter_id), None)

    def find(self, text: str) -> OutsideMatter | None:
        """The matter whose cue the text says, unless it also says one of that matter's `unless` phrases."""
        padded = f" {' '.join(tokens(text or ''))} "
        for matter in self.matters:
            if any(f" {c} " in padded for c in matter.cues) and not any(f" {u} " in padded for u in matter.unless):
                return matter
        return None


@lru_cache(maxsize=1)
def default_outside_matters() -> OutsideMatters:
    return OutsideMatters.load()
