"""Import the national catalogue JSONL (raw portal fields) into normalised Procedure records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from knowledge_base.catalogue.channels import empty_if_no_info, parse_channels
from knowledge_base.catalogue.documents import HEADER as DOCUMENTS_HEADER
from knowledge_base.catalogue.documents import parse_documents
from knowledge_base.catalogue.legal import parse_legal_basis
from knowledge_base.catalogue.record import CatalogueError, Channel, Document, LegalBasis, Procedure
from knowledge_base.catalogue.report import ImportReport
from knowledge_base.catalogue.sections import (
    clean_lines,
    documents_source,
    parse_applicants,
    parse_conditions,
    parse_related,
    parse_result,
    parse_steps,
    split_top_level_commas,
    steps_source,
)
from knowledge_base.catalogue.store import write_catalogue
from knowledge_base.text import clean

WARD_LEVEL = "Cấp xã"
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise CatalogueError(f"procedure {raw.get('ma_thu_tuc', '?')}: source field {key!r} is not a string")
    return clean(empty_if_no_info(value))


def normalise(raw: Mapping[str, Any]) -> tuple[Procedure, list[str]]:
    """One raw catalogue row → (Procedure, warnings). Raises CatalogueError when the code or name is missing."""
    # Zero-width/direction marks sit inside words ("đăng k\u200eý"); text.clean would turn them into spaces.
    raw = {key: _INVISIBLE.sub("", value) if isinstance(value, str) else value for key, value in raw.items()}
    code = _text(raw, "ma_thu_tuc")
    warnings: list[str] = []
    channels, channel_warnings = parse_channels(raw.get("cach_thuc_thuc_hien", ""))
    documents_text, documents_from_raw = documents_source(
        raw.get("thanh_phan_ho_so", ""), raw.get("raw_text", "") or "", DOCUMENTS_HEADER
    )
    documents, document_warnings = parse_documents(documents_text)
    if documents_from_raw:
        warnings.append("documents: field lost its table or was cut short; taken from raw_text")
    legal, legal_warnings = parse_legal_basis(raw.get("can_cu_phap_ly", ""))
    warnings += channel_warnings + document_warnings + legal_warnings
    levels = split_top_level_commas(raw.get("cap_thuc_hien", ""))
    steps_text, from_raw = steps_source(raw.get("trinh_tu_thuc_hien", ""), raw.get("raw_text", "") or "")
    if from_raw:
        warnings.append("steps: field was cut short; taken from raw_text")
    record: dict[str, Any] = {
        "code": code,
        "name": _text(raw, "ten_thu_tuc"),
        "field": _text(raw, "linh_vuc"),
        "levels": levels,
        "ward_level": WARD_LEVEL in levels,
        "decision": _text(raw, "so_quyet_dinh"),
        "procedure_type": _text(raw, "loai_thu_tuc"),
        "ministry": _text(raw, "ministry_folder"),
        "applicants": parse_applicants(raw.get("doi_tuong_thuc_hien", "")),
        "competent_body": _text(raw, "co_quan_co_tham_quyen"),
        "performing_body": _text(raw, "co_quan_thuc_hien"),
        "delegated_body": _text(raw, "co_quan_duoc_uy_quyen"),
        "coordinating_body": _text(raw, "co_quan_phoi_hop"),
        "submission_address": _text(raw, "dia_chi_tiep_nhan"),
        "related_procedures": parse_related(raw.get("thu_tuc_lien_quan", "")),
        "steps": parse_steps(steps_text),
        "channels": [Channel(**vars(item)).to_dict() for item in channels],
        "documents": [Document(**vars(item)).to_dict() for item in documents],
        "legal_basis": [LegalBasis(**vars(item)).to_dict() for item in legal],
        "conditions": parse_conditions(raw.get("yeu_cau_dieu_kien", "")),
        "result": parse_result(raw.get("ket_qua_xu_ly", "")),
        "source_url": _text(raw, "detail_url"),
    }
    for item in record["channels"]:
        item["description"] = "\n".join(clean_lines(item["description"]))
        item["fee"] = clean(item["fee"])
        item["processing_time"] = clean(item["processing_time"])
    for item in record["documents"] + record["legal_basis"]:
        for key, value in item.items():
            item[key] = clean(value)
    return Procedure.from_dict(record), warnings


def import_catalogue(source_jsonl: Path | str, dest: Path | str) -> ImportReport:
    """Normalise every row of the national catalogue JSONL and write procedures.jsonl to `dest`.

    Every procedure is kept; parse problems become warnings in the report. A broken source line or a
    repeated code raises CatalogueError naming the file and line.
    """
    source_jsonl = Path(source_jsonl)
    report = ImportReport(dest=str(dest))
    procedures: dict[str, Procedure] = {}
    with source_jsonl.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                procedure, warnings = normalise(raw)
            except json.JSONDecodeError as error:
                raise CatalogueError(f"{source_jsonl}:{line_number}: not valid JSON ({error.msg})") from None
            except CatalogueError as error:
                raise CatalogueError(f"{source_jsonl}:{line_number}: {error}") from None
            if procedure.code in procedures:
                raise CatalogueError(f"{source_jsonl}:{line_number}: duplicate procedure code {procedure.code}")
            procedures[procedure.code] = procedure
            report.add(procedure, warnings)
    write_catalogue(procedures.values(), dest)
    return report
