"""Non-ward procedures citizens ask about (knowledge_base/data/non_ward_procedures.yaml), for honest referrals.

Ward-level procedures have citizen answer cards (English names) and citizen phrasings; the procedures the ward
does not handle have only their catalogue record. This staff-readable file gives the ones citizens actually ask
about a short English name (English referrals say it with the official Vietnamese name once in brackets), how
citizens ask for them (indexed by search like the ward phrasings, so "đổi bằng lái" or "gia hạn visa" leads to
the record) and, optionally, the handling body in everyday words.

Check the file: `python -m knowledge_base.non_ward [FILE]`.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel

from knowledge_base.data_file import read_model
from knowledge_base.text import clean

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "non_ward_procedures.yaml"
log = logging.getLogger(__name__)
MAX_ASKS = 16
MAX_ASK_CHARS = 200


class NonWardError(ValueError):
    """The non-ward procedures file is malformed, or names a code that is unknown or handled at the ward."""


def _quoted_code(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("needs a quoted 'code' such as \"1.001456\"")
    return value


def _asks(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValueError("'asks' must be a list of texts")
    cleaned = tuple(dict.fromkeys(clean(a) for a in value))
    if any(not a or len(a) > MAX_ASK_CHARS for a in cleaned):
        raise ValueError(f"each ask needs 1–{MAX_ASK_CHARS} characters")
    if len(cleaned) > MAX_ASKS:
        raise ValueError(f"at most {MAX_ASKS} asks per procedure")
    return cleaned


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vi: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, BeforeValidator(_quoted_code)] = Field(pattern=r"^\d\.\d{6}$")
    name: str = ""
    """For readers of the file only."""
    en: str = Field(min_length=1, max_length=80)
    asks: Annotated[tuple[str, ...], BeforeValidator(_asks)] = ()
    body: _Texts | None = None


class _File(RootModel[list[_Entry]]):
    pass


@dataclass(frozen=True)
class NonWardProcedure:
    """What the file says of one non-ward procedure."""

    code: str
    en: str
    """Short English name ("Ordinary passport, issued in Vietnam")."""
    asks: tuple[str, ...]
    """How citizens ask for it (Vietnamese, unaccented or English)."""
    body: dict[str, str] | None
    """The handling body in everyday words, {"vi", "en"}, or None (the catalogue's body is said)."""

    def to_json(self) -> dict:
        return {"name_en": self.en, "body": self.body}


@dataclass(frozen=True)
class NonWardProcedures:
    """code → NonWardProcedure."""

    entries: dict[str, NonWardProcedure]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH, *, ward_level: dict[str, bool] | None = None) -> "NonWardProcedures":
        """The validated file; with ``ward_level`` (code → handled at the ward) every code must be a known
        non-ward one. NonWardError names the file and the entry otherwise."""
        data = read_model(path, _File, NonWardError).root
        entries: dict[str, NonWardProcedure] = {}
        for number, entry in enumerate(data, start=1):
            where = f"{path}: entry {number} (code: {entry.code})"
            if entry.code in entries:
                raise NonWardError(f"{where}: the code is listed twice")
            if ward_level is not None and entry.code not in ward_level:
                raise NonWardError(f"{where}: no procedure with this code in the catalogue")
            if ward_level is not None and ward_level[entry.code]:
                raise NonWardError(
                    f"{where}: this procedure is handled at the ward; its English name and "
                    "phrasings belong in the answer cards and citizen questions"
                )
            entries[entry.code] = NonWardProcedure(
                code=entry.code,
                en=clean(entry.en),
                asks=entry.asks,
                body=entry.body.model_dump() if entry.body else None,
            )
        return cls(entries)

    def get(self, code: str | None) -> NonWardProcedure | None:
        return self.entries.get(code or "")

    def asks(self) -> dict[str, tuple[str, ...]]:
        return {code: e.asks for code, e in self.entries.items() if e.asks}

    def english_names(self) -> dict[str, str]:
        return {code: e.en for code, e in self.entries.items()}


def load_if_usable(path: Path | str) -> NonWardProcedures | None:
    """The file at ``path`` (``KB_NON_WARD_PATH``), or None when it is absent or broken (logged): referrals are
    then found from the catalogue names and aliases only, and said with the Vietnamese names."""
    if not Path(path).is_file():
        return None
    try:
        return NonWardProcedures.load(path)
    except NonWardError as exc:
        log.warning("non-ward procedures file not used: %s", str(exc).splitlines()[0])
        return None


def main(argv: list[str] | None = None) -> int:
    """Check the file against the catalogue; prints the number of entries or the first problem."""
    from knowledge_base.catalogue import load_catalogue
    from knowledge_base.settings import SearchSettings

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    catalogue = load_catalogue(SearchSettings().catalogue_path)
    try:
        table = NonWardProcedures.load(path, ward_level={c: bool(p.ward_level) for c, p in catalogue.items()})
    except NonWardError as exc:
        print(exc, file=sys.stderr)
        return 1
    asks = sum(len(e.asks) for e in table.entries.values())
    print(
        f"{path}: {len(table.entries)} non-ward procedures, {asks} citizen phrasings, "
        f"{sum(1 for e in table.entries.values() if e.body)} everyday body names"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
