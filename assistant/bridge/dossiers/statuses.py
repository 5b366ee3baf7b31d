"""National dossier status codes 1–10 with a label, explanation and next step in Vietnamese and, optionally, English
(from a data file staff can edit, validated by the pydantic model `StatusFile`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictInt, StringConstraints, model_validator

from knowledge_base.data_file import read_model

CODES = list(range(1, 11))
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class StatusFileError(ValueError):
    pass


class StatusEntry(BaseModel):
    """One status as staff write it in dossier_statuses.yaml."""

    model_config = ConfigDict(extra="forbid")
    code: StrictInt = Field(ge=1, le=10)
    label: Text
    explanation: Text
    next_step: Text
    label_en: Text | None = None
    explanation_en: Text | None = None
    next_step_en: Text | None = None

    @model_validator(mode="after")
    def _english_all_or_none(self) -> StatusEntry:
        given = [self.label_en, self.explanation_en, self.next_step_en]
        if any(given) and not all(given):
            raise ValueError(
                "label_en, explanation_en và next_step_en đi cùng nhau / give all three English keys or none"
            )
        return self


class StatusFile(RootModel[list[StatusEntry]]):
    """The whole file: each of the codes 1–10 exactly once."""

    @model_validator(mode="after")
    def _codes_one_to_ten(self) -> StatusFile:
        codes = [entry.code for entry in self.root]
        if sorted(codes) != CODES:
            raise ValueError(f"cần đủ mã 1–10, mỗi mã một lần / codes 1–10 required, each once; found {sorted(codes)}")
        return self


@dataclass(frozen=True)
class DossierStatus:
    code: int
    label: str
    explanation: str
    next_step: str
    english: tuple[str, str, str] | None = None
    """(label, explanation, next step) in English, when the file gives them."""

    def to_json(self) -> dict:
        body = {"code": self.code, "label": self.label, "explanation": self.explanation, "next_step": self.next_step}
        if self.english:
            body["en"] = dict(zip(("label", "explanation", "next_step"), self.english))
        return body


def load_statuses(path: Path) -> dict[int, DossierStatus]:
    """The statuses by code; StatusFileError naming the file, the entry and the field when the file is wrong."""
    entries = read_model(path, StatusFile, StatusFileError).root
    return {
        e.code: DossierStatus(
            e.code,
            e.label,
            e.explanation,
            e.next_step,
            (e.label_en, e.explanation_en, e.next_step_en) if e.label_en else None,
        )
        for e in entries
    }
