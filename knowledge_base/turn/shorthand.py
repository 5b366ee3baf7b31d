"""Chat shorthand read as the procedure words it stands for ("dki ket hon" → "dang ky ket hon", "gks" → "giay
khai sinh") before a turn is searched. The table is ``knowledge_base/data/shorthand.yaml`` (staff-readable)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, RootModel, field_validator

from knowledge_base.data_file import read_model
from knowledge_base.text import fold, tokens

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "shorthand.yaml"
_WORD = re.compile(r"[^\W_]+")


class ShorthandError(ValueError):
    """The shorthand file is malformed."""


class _Table(RootModel[dict[str, str]]):
    @field_validator("root")
    @classmethod
    def _one_word_to_words(cls, table: dict[str, str]) -> dict[str, str]:
        for short, words in table.items():
            if len(tokens(str(short))) != 1:
                raise ValueError(f"'{short}': the shorthand must be one word")
            if not tokens(words):
                raise ValueError(f"'{short}': the words it stands for are empty")
        return table


class Shorthand(BaseModel):
    """Folded shorthand word → the words it stands for."""

    words: dict[str, str]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "Shorthand":
        table = read_model(path, _Table, ShorthandError).root
        return cls(words={fold(str(short)).lower(): words for short, words in table.items()})

    def expand(self, text: str) -> str:
        """``text`` with every whole shorthand word replaced by what it stands for; other words as typed."""
        if not self.words:
            return text
        return _WORD.sub(lambda m: self.words.get(fold(m.group(0)).lower(), m.group(0)), text)


@lru_cache(maxsize=1)
def default_shorthand() -> Shorthand:
    return Shorthand.load()
