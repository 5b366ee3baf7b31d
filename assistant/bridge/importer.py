"""Re-import procedures from the national JSONL, the normalised JSONL, CSV or Excel into the staff overlay.

CSV / Excel: a header row with record keys (`code` required). For a code already known, only the
non-empty cells replace the current values; a new code needs at least `name` and `field`. List cells
(levels, applicants, related_procedures, steps) hold one item per line (or items separated by " | ");
channels, documents and legal_basis cells hold JSON.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from assistant.bridge.knowledge import KnowledgeError, KnowledgeService

LIST_KEYS = ("levels", "applicants", "related_procedures", "steps")
JSON_KEYS = ("channels", "documents", "legal_basis")
EMPTY_RECORD: dict[str, Any] = {
    "name": "",
    "field": "",
    "levels": ["Cấp xã"],
    "decision": "",
    "procedure_type": "",
    "ministry": "",
    "applicants": [],
    "competent_body": "",
    "performing_body": "",
    "delegated_body": "",
    "coordinating_body": "",
    "submission_address": "",
    "related_procedures": [],
    "steps": [],
    "channels": [],
    "documents": [],
    "legal_basis": [],
    "conditions": "",
    "result": "",
    "source_url": "",
}


class ImportFileError(ValueError):
    pass


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors[:100],
            "error_count": len(self.errors),
        }


def _split_list(cell: str) -> list[str]:
    parts = cell.splitlines() if "\n" in cell else cell.split(" | ")
    return [p.strip() for p in parts if p.strip()]


def _text(stream: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def rows_from_jsonl(stream: BinaryIO) -> Iterator[tuple[int, Any]]:
    """One row per non-empty line, read as the file streams in (a 42 MB catalogue is never held whole)."""
    for number, line in enumerate(_text(stream), start=1):
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, ImportFileError(f"JSON lỗi / malformed JSON: {exc.msg}")


def rows_from_csv(stream: BinaryIO) -> Iterator[tuple[int, Any]]:
    reader = csv.DictReader(_text(stream))
    for number, row in enumerate(reader, start=2):
        yield number, dict(row)


def rows_from_excel(stream: BinaryIO) -> Iterator[tuple[int, Any]]:
    from openpyxl import load_workbook

    sheet = load_workbook(stream, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        return
    header = [str(h).strip() if h is not None else "" for h in first]
    for number, values in enumerate(rows, start=2):
        if any(v not in (None, "") for v in values):
            yield number, {h: ("" if v is None else str(v)) for h, v in zip(header, values) if h}


def read_rows(filename: str, source: bytes | BinaryIO) -> Iterator[tuple[int, Any]]:
    """Rows of an upload (bytes, or a binary file such as the spooled upload) as they are read."""
    suffix = Path(filename).suffix.lower()
    readers = {".jsonl": rows_from_jsonl, ".json": rows_from_jsonl, ".csv": rows_from_csv, ".xlsx": rows_from_excel}
    if suffix not in readers:
        raise ImportFileError("Chỉ nhận tệp .jsonl, .csv hoặc .xlsx. / Only .jsonl, .csv or .xlsx files are accepted.")
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        yield from readers[suffix](stream)
    except UnicodeDecodeError:
        raise ImportFileError("Tệp phải mã hóa UTF-8. / The file must be UTF-8 encoded.") from None
    except (ValueError, KeyError, OSError, csv.Error) as exc:  # openpyxl raises these for non-Excel content
        raise ImportFileError(f"Không đọc được tệp / cannot read the file: {exc}") from None


def _record_from_table_row(row: dict, knowledge: KnowledgeService) -> dict:
    cells = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    code = cells.get("code", "")
    if not code:
        raise KnowledgeError("thiếu cột 'code' / missing 'code'")
    current = knowledge.get(code)
    record = current.to_dict() if current is not None else {"code": code, **json.loads(json.dumps(EMPTY_RECORD))}
    for key, cell in cells.items():
        if key in ("code", "ward_level") or cell == "":
            continue
        if key not in record:
            raise KnowledgeError(f"cột không biết / unknown column {key!r}")
        if key in LIST_KEYS:
            record[key] = _split_list(cell)
        elif key in JSON_KEYS:
            try:
                record[key] = json.loads(cell)
            except json.JSONDecodeError:
                raise KnowledgeError(f"cột {key!r} phải là JSON / column {key!r} must hold JSON") from None
        else:
            record[key] = cell
    record["ward_level"] = "Cấp xã" in record["levels"]
    return record


def _to_record(row: Any, knowledge: KnowledgeService, tabular: bool) -> dict:
    if isinstance(row, Exception):
        raise KnowledgeError(str(row))
    if tabular:
        return _record_from_table_row(row, knowledge)
    if isinstance(row, dict) and "ma_thu_tuc" in row:  # a raw line of the national catalogue
        from knowledge_base.catalogue import normalise

        try:
            return normalise(row)[0].to_dict()
        except ValueError as exc:
            raise KnowledgeError(str(exc)) from None
    return row


def import_procedures(knowledge: KnowledgeService, filename: str, raw: bytes | BinaryIO, *, actor: str) -> ImportResult:
    """Apply every changed procedure of the file in one transaction (each change audited); bad rows are reported.
    `raw` is the file's bytes or a binary file object, read row by row."""
    tabular = Path(filename).suffix.lower() in (".csv", ".xlsx")
    result = ImportResult()
    changed: dict[str, Any] = {}
    for number, row in read_rows(filename, raw):
        try:
            procedure = knowledge.parse_procedure(_to_record(row, knowledge, tabular))
        except KnowledgeError as exc:
            result.errors.append({"line": number, "message": str(exc)[:500]})
            continue
        current = knowledge.get(procedure.code)
        if current is not None and current.to_dict() == procedure.to_dict():
            result.unchanged += 1
        else:
            changed[procedure.code] = procedure  # a code repeated in the file: the last row wins
    if changed:
        result.created = knowledge.upsert_procedures(list(changed.values()), actor=actor)
        result.updated = len(changed) - result.created
    return result
