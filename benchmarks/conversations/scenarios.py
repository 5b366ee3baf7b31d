"""Conversation scenarios (benchmarks/conversations/README.md): pydantic models, a loader that names file:line
on any error, and a validator that checks every code against the catalogue and every desk against the ward map.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from assistant.payload import Kind, Topic

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SPLITS = ("dev", "test")
Category = Literal[
    "guide_followup",
    "clarification",
    "not_at_ward",
    "dossier_status",
    "ticket",
    "handoff",
    "out_of_scope",
    "topic_switch",
    "english",
    "no_diacritics",
    "elderly_speech",
    "feedback",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
Language = Literal["vi", "en"]
CODE_PATTERN = r"^\d\.\d{6}$"
MIN_TURNS, MAX_TURNS = 2, 6
"""What the issue asks of a scenario; outside this range the validator warns (it is not a load error)."""


class ScenarioError(ValueError):
    """A scenario file cannot be read; the message starts with file:line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Expect(_Strict):
    """What must hold of the assistant's reply to one turn; every key is optional."""

    kind: tuple[Kind, ...] | None = None
    """Acceptable kinds of answer (assistant.payload.Kind)."""
    code: tuple[str, ...] | None = None
    """The procedure the answer is about: any of these national codes."""
    choices_include: tuple[str, ...] | None = None
    """For clarify: at least one of these codes is among the offered choices."""
    topic: Topic | None = None
    words_any: tuple[str, ...] | None = None
    words_none: tuple[str, ...] | None = None
    language: Language | None = None
    """Overrides the scenario's language for this turn."""
    priority: bool | None = None
    desk: str | None = None

    @field_validator("kind", "code", "choices_include", "words_any", "words_none", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        """A single value or a list, kept as a tuple (``"kind": "procedure"`` or ``["clarify", "no_match"]``)."""
        if value is None or isinstance(value, (list, tuple)):
            return value
        return (value,)

    @field_validator("code", "choices_include")
    @classmethod
    def _codes(cls, value):
        for code in value or ():
            if not re.match(CODE_PATTERN, code):
                raise ValueError(f"{code!r} is not a national procedure code like 1.001193")
        if value is not None and not value:
            raise ValueError("must name at least one code")
        return value

    @field_validator("kind", "words_any", "words_none")
    @classmethod
    def _not_empty(cls, value):
        if value is not None and (not value or any(isinstance(v, str) and not v.strip() for v in value)):
            raise ValueError("must hold at least one non-empty value")
        return value


class Turn(_Strict):
    """One citizen message and what its reply must show."""

    user: str = Field(min_length=1, max_length=2000)
    expect: Expect = Expect()


class Scenario(_Strict):
    """One conversation: a fresh sender plays its turns in order."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    category: Category
    language: Language
    note: str = ""
    turns: tuple[Turn, ...] = Field(min_length=1, max_length=20)
    _source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """file:line the scenario was read from ('' when built in code)."""
        return self._source


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()))
        parts.append(f"{where or 'scenario'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts)


def parse_line(line: str, source: str) -> Scenario:
    """One JSON line → Scenario; ScenarioError prefixed with ``source`` (file:line) otherwise."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{source}: not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: expected one JSON object per line")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        label = f" ({data['id']})" if isinstance(data.get("id"), str) else ""
        raise ScenarioError(f"{source}{label}: {_describe(error)}") from None
    scenario._source = source
    return scenario


def load_file(path: Path | str) -> list[Scenario]:
    """All scenarios of one .jsonl file (blank lines and lines starting with # are skipped)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}: cannot read ({error})") from None
    return [
        parse_line(line, f"{path}:{number}")
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def load_folder(folder: Path | str) -> list[Scenario]:
    """All scenarios of the *.jsonl files in a folder (sorted by file name); ids must be unique."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(f"{folder}: no such folder")
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for scenario in load_file(path):
            if scenario.id in seen:
                raise ScenarioError(f"{scenario.source}: duplicate id {scenario.id} (first at {seen[scenario.id]})")
            seen[scenario.id] = scenario.source
            scenarios.append(scenario)
    if not scenarios:
        raise ScenarioError(f"{folder}: no scenarios (*.jsonl)")
    return scenarios


def load_split(split: str, base: Path | str = HERE) -> list[Scenario]:
    """The scenarios of ``base/<split>/`` (split: dev or test)."""
    if split not in SPLITS:
        raise ScenarioError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    return load_folder(Path(base) / split)


def check_scenarios(
    scenarios: list[Scenario], ward_level: Mapping[str, bool], desk_ids: set[str] | frozenset[str]
) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the scenarios' content, each starting with file:line (id) turn N.

    ``ward_level`` maps every catalogue code to whether the ward handles it. Errors: a code not in the catalogue;
    a turn expecting only ``procedure`` (or a topic without a kind) whose code is not ward-level, or only
    ``not_at_ward`` whose code is;
    a desk not in the ward map. Warnings: a turn count outside 2–6, ``priority``/``desk`` on a turn that cannot
    be a ticket or a ``where`` answer.
    """
    errors: list[str] = []
    warnings: list[str] = []
    for scenario in scenarios:
        label = f"{scenario.source or '?'} ({scenario.id})"
        if not MIN_TURNS <= len(scenario.turns) <= MAX_TURNS:
            warnings.append(f"{label}: {len(scenario.turns)} turns (scenarios have {MIN_TURNS}–{MAX_TURNS})")
        for number, turn in enumerate(scenario.turns, start=1):
            where = f"{label} turn {number}"
            expect = turn.expect
            for code in (expect.code or ()) + (expect.choices_include or ()):
                if code not in ward_level:
                    errors.append(f"{where}: code {code} is not in the catalogue")
            # A topic is only answered about a ward-level procedure, so a turn with a topic and no kind is one too.
            kinds = set(expect.kind or ()) or ({"procedure"} if expect.topic else set())
            for code in expect.code or ():
                if code not in ward_level:
                    continue
                if kinds == {"procedure"} and not ward_level[code]:
                    errors.append(f"{where}: expects a ward-level answer but {code} is not a ward-level procedure")
                if kinds == {"not_at_ward"} and ward_level[code]:
                    errors.append(f"{where}: expects not_at_ward but {code} is a ward-level procedure")
            if expect.desk is not None and expect.desk not in desk_ids:
                errors.append(f"{where}: desk {expect.desk} is not in the ward map ({', '.join(sorted(desk_ids))})")
            if expect.priority is not None and kinds and "ticket" not in kinds:
                warnings.append(f"{where}: priority is only graded on a ticket")
    return errors, warnings


@lru_cache(maxsize=4)
def catalogue_levels(path: Path | str | None = None) -> dict[str, bool]:
    """Code → ward_level for every procedure of the catalogue (default: the committed procedures.jsonl); read once
    per path (treat the mapping as read-only)."""
    from knowledge_base.catalogue.store import load_catalogue

    return {code: procedure.ward_level for code, procedure in load_catalogue(path).items()}


@lru_cache(maxsize=4)
def ward_desk_ids(path: Path | str | None = None) -> frozenset[str]:
    """The desk ids of the ward map (default: the committed assistant/bridge/data/ward.yaml)."""
    from assistant.bridge.desks import load_ward_config

    path = Path(path) if path is not None else ROOT / "assistant" / "bridge" / "data" / "ward.yaml"
    return frozenset(desk.id for desk in load_ward_config(path).desks)
