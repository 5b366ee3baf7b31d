"""Reply templates (assistant/actions/data/replies.yaml): loaded once, validated, filled per language."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, RootModel, model_validator

from knowledge_base.data_file import read_model

DEFAULT_PATH = Path(__file__).parent / "data" / "replies.yaml"
LANGUAGES = ("vi", "en")


class RepliesError(ValueError):
    """The replies file is malformed; the message names the entry at fault."""


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("empty text")
    return text


class ReplyEntry(BaseModel):
    """One reply: the same sentence in Vietnamese and English, with the same {placeholders}."""

    model_config = ConfigDict(extra="forbid")
    vi: Annotated[str, AfterValidator(_not_blank)]
    en: Annotated[str, AfterValidator(_not_blank)]

    @model_validator(mode="after")
    def _same_placeholders(self) -> ReplyEntry:
        try:
            vi, en = _placeholders(self.vi), _placeholders(self.en)
        except ValueError as exc:
            raise ValueError(f"broken placeholder: {exc}") from None
        if vi != en:
            raise ValueError(f"placeholders differ: vi {sorted(vi)} en {sorted(en)}")
        return self


class RepliesFile(RootModel[dict[str, ReplyEntry]]):
    """replies.yaml: reply key -> its two texts; at least one entry."""

    @model_validator(mode="after")
    def _not_empty(self) -> RepliesFile:
        if not self.root:
            raise ValueError("expected a mapping of reply keys")
        return self


@dataclass(frozen=True)
class Replies:
    """Keyed reply templates with a Vietnamese and an English text each."""

    templates: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "Replies":
        """Read and validate the file: every entry has vi and en texts with the same placeholders."""
        entries = read_model(path, RepliesFile, RepliesError).root
        return cls(templates={key: entry.model_dump() for key, entry in entries.items()})

    def say(self, key: str, language: str, **fields: object) -> str:
        """The reply ``key`` in ``language`` (Vietnamese when unknown), placeholders filled from ``fields``."""
        entry = self.templates[key]
        return entry.get(language, entry["vi"]).format(**fields)
