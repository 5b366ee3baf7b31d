"""The record of the second reading: which cards a reader who did not write them has checked against the record.

``REVIEWED.yaml`` sits beside the card files (the card loader skips it). Each entry names a card ``code``, the
``result`` of the reading (``ok``: the card was right; ``fixed``: the reader corrected it) and, for ``fixed``, a
one-line ``what`` in English. ``knowledge_base.cards.check`` reports how many cards have had a second reading and
fails on an entry whose code has no card.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge_base.cards.model import CardError
from knowledge_base.data_file import load_yaml

REVIEWED_FILE = "REVIEWED.yaml"


class ReviewEntry(BaseModel):
    """One card read by a second reader."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    code: str = Field(min_length=1)
    result: Literal["ok", "fixed"]
    what: str | None = Field(default=None, min_length=1, max_length=300)

    @model_validator(mode="after")
    def _fixed_says_what(self) -> ReviewEntry:
        if self.result == "fixed" and not self.what:
            raise ValueError("a fixed card needs 'what' (one line: what was changed)")
        return self


class ReviewFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reviewed: list[ReviewEntry] = Field(default_factory=list)


def load_reviewed(path: Path) -> dict[str, ReviewEntry]:
    """code -> entry from a REVIEWED.yaml (empty when the file is absent); CardError on a bad file or a repeat."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        entries = ReviewFile.model_validate(data).reviewed
    except yaml.YAMLError as exc:
        raise CardError(f"{path.name}: lỗi cú pháp YAML / YAML syntax error: {exc}") from None
    except ValidationError as exc:
        problems = [f"{path.name}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise CardError("\n".join(problems)) from None
    out: dict[str, ReviewEntry] = {}
    repeats = []
    for entry in entries:
        if entry.code in out:
            repeats.append(entry.code)
        out[entry.code] = entry
    if repeats:
        raise CardError(f"{path.name}: mã lặp lại / code listed twice: {', '.join(sorted(set(repeats)))}")
    return out
