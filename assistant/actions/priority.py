"""Who is served with priority: read only from what the citizen states (a group phrase, an age of 60 or more),
never assumed. Phrases live in data/priority_groups.yaml (accent-folded, staff-editable)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.actions.spoken_numbers import number_before
from knowledge_base.data_file import read_model
from knowledge_base.text import tokens

PRIORITY_PATH = Path(__file__).parent / "data" / "priority_groups.yaml"
NO_PRIORITY = "none"
GROUPS = ("elderly", "disabled", "pregnant", "small_child")
_AGE_UNITS = {"tuoi", "years", "year", "yrs"}
_EN_AGE = re.compile(r"\b(?:i am|i'm|im|aged|age)\s+(\d{2,3})\b")


class _PriorityFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    elderly: list[str] = Field(min_length=1)
    disabled: list[str] = Field(min_length=1)
    pregnant: list[str] = Field(min_length=1)
    small_child: list[str] = Field(min_length=1)
    not_priority: list[str] = Field(default_factory=list)
    asks_priority: list[str] = Field(default_factory=list)
    elderly_age: int = Field(default=60, ge=40, le=100)

    @field_validator("elderly", "disabled", "pregnant", "small_child", "not_priority", "asks_priority")
    @classmethod
    def _phrases(cls, values: list[str]) -> list[str]:
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise ValueError("every phrase must be a non-empty text")
        return values


@dataclass(frozen=True)
class PriorityGroups:
    """Priority group key → folded phrases that mean it, plus the phrases that refuse priority."""

    phrases: dict[str, tuple[str, ...]]
    not_priority: tuple[str, ...] = ()
    asks_priority: tuple[str, ...] = ()
    elderly_age: int = 60

    @classmethod
    def load(cls, path: Path | str = PRIORITY_PATH) -> "PriorityGroups":
        data = read_model(path, _PriorityFile)
        fold = lambda values: tuple(" ".join(tokens(v)) for v in values)  # noqa: E731
        return cls(
            phrases={g: fold(getattr(data, g)) for g in GROUPS},
            not_priority=fold(data.not_priority),
            asks_priority=fold(data.asks_priority),
            elderly_age=data.elderly_age,
        )

    def stated_age(self, text: str) -> int | None:
        """An age the text states ("75 tuổi", "tám mươi hai tuổi", "I'm 70"), else None."""
        words = tokens(text)
        for index, word in enumerate(words):
            if word in _AGE_UNITS:
                age = number_before(words, index)
                if age is not None and 0 < age < 130:
                    return age
        match = _EN_AGE.search(text.lower())
        return int(match.group(1)) if match else None

    def find(self, text: str | None, entity: Any = None) -> str:
        """The group the citizen states in ``text`` (or the NLU entity), else "none".

        An explicit "no priority" wins; then a group phrase; then an age of ``elderly_age`` or more. The entity
        alone counts only when the text does not refuse priority.
        """
        padded = f" {' '.join(tokens(text))} " if isinstance(text, str) else "  "
        if any(f" {p} " in padded for p in self.not_priority):
            return NO_PRIORITY
        if isinstance(entity, str) and entity in self.phrases:
            return entity
        for candidate in (padded, f" {' '.join(tokens(entity))} " if isinstance(entity, str) else None):
            if candidate is None:
                continue
            for key, phrases in self.phrases.items():
                if any(f" {p} " in candidate for p in phrases):
                    return key
        age = self.stated_age(text) if isinstance(text, str) else None
        if age is not None and age >= self.elderly_age:
            return "elderly"
        return NO_PRIORITY

    def find_in_conversation(self, text: str | None, entity: Any = None, earlier: Sequence[str] = ()) -> str:
        """Like ``find``; and when the turn asks for a priority number without saying why ("cho tôi số ưu tiên"),
        the group the citizen stated earlier in the conversation (``earlier``: their messages, most recent first),
        as an officer remembers "tôi bảy mươi chín tuổi" said a minute before."""
        group = self.find(text, entity)
        if group != NO_PRIORITY or not isinstance(text, str):
            return group
        padded = f" {' '.join(tokens(text))} "
        if any(f" {p} " in padded for p in self.not_priority) or not any(
            f" {p} " in padded for p in self.asks_priority
        ):
            return NO_PRIORITY
        for said in earlier:
            if (group := self.find(said)) != NO_PRIORITY:
                return group
        return NO_PRIORITY
