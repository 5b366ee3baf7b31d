"""Read and write the committed catalogue file (knowledge_base/data/procedures.jsonl)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from knowledge_base.catalogue.record import CatalogueError, Procedure

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "procedures.jsonl"


def load_catalogue(path: Path | str | None = None) -> dict[str, Procedure]:
    """All procedures by code from a procedures.jsonl file (default: the committed one).

    Raises CatalogueError naming the file and line number for a broken line, an invalid record or a
    duplicate code; blank lines are ignored. The result is a new dict each call; the records are frozen, so
    they are read once per version of the file (its inode, size and modification time) and shared.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is None or not path.is_file():
        raise CatalogueError(f"{path}: catalogue file not found")
    return dict(_read(path.resolve(), stat.st_ino, stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=4)
def _read(path: Path, inode: int, size: int, mtime_ns: int) -> tuple[tuple[str, Procedure], ...]:
    """The file's records in order; the version fields are only the cache key."""
    procedures: dict[str, Procedure] = {}
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise CatalogueError(f"{path}:{line_number}: not valid JSON ({error.msg})") from None
            try:
                procedure = Procedure.from_dict(data)
            except CatalogueError as error:
                raise CatalogueError(f"{path}:{line_number}: {error}") from None
            if procedure.code in procedures:
                raise CatalogueError(f"{path}:{line_number}: duplicate procedure code {procedure.code}")
            procedures[procedure.code] = procedure
    return tuple(procedures.items())


def dump_line(procedure: Procedure) -> str:
    """One JSONL line (UTF-8 text, no ASCII escaping, keys in contract order)."""
    return json.dumps(procedure.to_dict(), ensure_ascii=False, separators=(",", ":"))


def write_catalogue(procedures: Iterable[Procedure], path: Path | str) -> int:
    """Write procedures sorted by code, one per line, deterministically; returns the number written.

    Writes to a temporary file first and renames, so readers never see a half-written catalogue.
    """
    path = Path(path)
    ordered = sorted(procedures, key=lambda procedure: procedure.code)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8", newline="\n") as handle:
        for procedure in ordered:
            handle.write(dump_line(procedure) + "\n")
    temporary.replace(path)
    return len(ordered)
