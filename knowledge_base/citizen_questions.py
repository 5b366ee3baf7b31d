"""Staff-readable files of how citizens ask for each procedure ("cách người dân hỏi"), indexed by search.

Each file under knowledge_base/data/citizen_questions/ is a YAML list:

    - code: "1.001193"
      name: Đăng ký khai sinh          # for readers only
      asks:
        - làm giấy khai sinh cho con mới đẻ
        - lam giay khai sinh cho be
        - how do I register my baby's birth

Check every file: `python -m knowledge_base.citizen_questions [FILES...]`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Iterable

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, RootModel

from knowledge_base.data_file import load_yaml, validate
from knowledge_base.text import clean

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "citizen_questions"
MAX_ASK_CHARS = 300
MAX_ASKS = 16


class CitizenQuestionsError(ValueError):
    """A citizen-questions file is malformed (message names the file and entry)."""


def _quoted_code(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("needs a quoted 'code' such as \"1.001193\"")
    return value


def _phrasings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(a, str) for a in value):
        raise ValueError("'asks' must be a non-empty list of texts")
    cleaned = [clean(a) for a in value]
    if any(not a or len(a) > MAX_ASK_CHARS for a in cleaned):
        raise ValueError(f"each ask needs 1–{MAX_ASK_CHARS} characters")
    unique = tuple(dict.fromkeys(cleaned))
    if len(unique) > MAX_ASKS:
        raise ValueError(f"at most {MAX_ASKS} asks per procedure")
    return unique


class CitizenQuestionsEntry(BaseModel):
    """One procedure in a citizen-questions file."""

    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, BeforeValidator(_quoted_code)]
    name: str = ""
    """For readers only."""
    asks: Annotated[tuple[str, ...], BeforeValidator(_phrasings)]
    """How citizens ask for it: cleaned, repeats dropped, 1–16 of 1–300 characters."""


CitizenQuestionsFile = RootModel[list[CitizenQuestionsEntry]]


def load_file(path: Path, known_codes: set[str] | None = None) -> dict[str, tuple[str, ...]]:
    """code -> the phrasings in one file, validated; CitizenQuestionsError names the file, entry and field."""
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise CitizenQuestionsError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, list):
        raise CitizenQuestionsError(f"{path}: expected a list of {{code, name, asks}} entries")
    entries = validate(data, CitizenQuestionsFile, source=str(path), error=CitizenQuestionsError).root
    asks_by_code: dict[str, tuple[str, ...]] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: entry {number} (code: {entry.code})"
        if known_codes is not None and entry.code not in known_codes:
            raise CitizenQuestionsError(f"{where}: {entry.code} is not in the catalogue")
        if entry.code in asks_by_code:
            raise CitizenQuestionsError(f"{where}: {entry.code} is listed twice in this file")
        asks_by_code[entry.code] = entry.asks
    return asks_by_code


def load_citizen_questions(
    paths: Iterable[Path] | None = None, known_codes: set[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """code -> phrasings from every file (the default folder when `paths` is None); a code in two files is an error."""
    files = sorted(DEFAULT_DIR.glob("*.yaml")) if paths is None else [Path(p) for p in paths]
    merged: dict[str, tuple[str, ...]] = {}
    seen_in: dict[str, Path] = {}
    for path in files:
        for code, asks in load_file(path, known_codes).items():
            if code in merged:
                raise CitizenQuestionsError(f"{path}: {code} is already listed in {seen_in[code]}")
            merged[code], seen_in[code] = asks, path
    return merged


def main(argv: list[str]) -> int:
    from knowledge_base.catalogue import load_catalogue

    known = set(load_catalogue())
    try:
        table = load_citizen_questions([Path(a) for a in argv] or None, known)
    except CitizenQuestionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {len(table)} procedures, {sum(len(v) for v in table.values())} phrasings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
