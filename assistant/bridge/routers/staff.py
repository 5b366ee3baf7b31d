"""Staff API: edit procedures, aliases and the desk map (audited, live), audit log, reports, import."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, File, Query, UploadFile
from fastapi.responses import JSONResponse

from assistant.bridge import audit
from assistant.bridge.complaints import complaint_summary
from assistant.bridge.deps import AdminDep, EditorDep, ServicesDep, ViewerDep
from assistant.bridge.desks import WardConfigError, validate_ward_config
from assistant.bridge.errors import ApiError
from assistant.bridge.importer import ImportFileError, import_procedures
from assistant.bridge.knowledge import KnowledgeError, NotFound
from assistant.bridge.questions import build_report

router = APIRouter(prefix="/api/staff", tags=["staff"])


def _invalid(exc: Exception) -> ApiError:
    return ApiError(422, "invalid_record", f"Dữ liệu không hợp lệ / invalid data: {exc}")


@router.get("/me")
def me(staff: ViewerDep) -> dict:
    return {"name": staff.name, "role": staff.role}


@router.post("/procedures")
def upsert_procedure(services: ServicesDep, staff: EditorDep, record: dict[str, Any] = Body(...)) -> JSONResponse:
    """Create or replace a whole procedure by code (201 created / 200 replaced); searchable on return."""
    try:
        procedure, created = services.knowledge.upsert_procedure(record, actor=staff.actor)
    except KnowledgeError as exc:
        raise _invalid(exc) from None
    return JSONResponse(procedure.to_dict(), status_code=201 if created else 200)


@router.delete("/procedures/{code}")
def delete_procedure(code: str, services: ServicesDep, staff: EditorDep) -> dict:
    try:
        services.knowledge.delete_procedure(code, actor=staff.actor)
    except NotFound:
        raise ApiError(404, "unknown_procedure", "Không có thủ tục với mã này. / No procedure has this code.") from None
    return {"deleted": code}


@router.get("/aliases")
def list_aliases(services: ServicesDep, _staff: ViewerDep) -> dict:
    return {"aliases": [entry.to_dict() for entry in services.knowledge.aliases()]}


@router.post("/aliases")
def upsert_alias(services: ServicesDep, staff: EditorDep, entry: dict[str, Any] = Body(...)) -> JSONResponse:
    """Create or replace the alias entry with this `canonical` phrase; effective for search on return."""
    try:
        saved, created = services.knowledge.upsert_alias(entry, actor=staff.actor)
    except KnowledgeError as exc:
        raise _invalid(exc) from None
    return JSONResponse(saved.to_dict(), status_code=201 if created else 200)


@router.delete("/aliases")
def delete_alias(services: ServicesDep, staff: EditorDep, canonical: str = Query(max_length=300)) -> dict:
    try:
        services.knowledge.delete_alias(canonical, actor=staff.actor)
    except NotFound:
        raise ApiError(404, "unknown_alias", "Không có mục từ đồng nghĩa này. / No such alias entry.") from None
    return {"deleted": canonical}


@router.get("/desks")
def get_desk_config(services: ServicesDep, _staff: ViewerDep) -> dict:
    """The whole ward config document as staff edit it (including prefixes and the general desk)."""
    return {"source": services.desks.source, "config": services.desks().config.model_dump()}


@router.post("/desks")
def replace_desk_config(services: ServicesDep, staff: EditorDep, document: dict[str, Any] = Body(...)) -> dict:
    """Replace the ward config as a whole document (validated); used at once by routing and tickets."""
    try:
        config = validate_ward_config(document, source="ward config")
    except WardConfigError as exc:
        raise ApiError(422, "invalid_ward_config", str(exc)) from None
    services.desks.replace(services.db, config, actor=staff.actor)
    return services.desks().to_json()


@router.delete("/desks")
def reset_desk_config(services: ServicesDep, staff: EditorDep) -> dict:
    """Drop the staff-saved desk map and go back to the ward config file."""
    try:
        services.desks.reset_to_file(services.db, services.settings.ward_config_path, actor=staff.actor)
    except WardConfigError as exc:
        raise ApiError(409, "invalid_ward_config", str(exc)) from None
    return services.desks().to_json()


@router.get("/audit")
def audit_log(services: ServicesDep, _staff: ViewerDep, limit: int = Query(100, ge=1, le=1000),
              target: str | None = Query(None, max_length=200), before_id: int | None = Query(None, ge=1, le=2**31 - 1)) -> dict:
    """Who changed what and when, with before/after records; newest first."""
    with services.db.read() as session:
        return {"entries": audit.list_changes(session, limit=limit, target=target, before_id=before_id)}


@router.get("/reports")
def reports(services: ServicesDep, _staff: ViewerDep, limit: int = Query(20, ge=1, le=200)) -> dict:
    """Most-asked procedures, unanswered (no_match) questions, feedback ratings and complaints by category."""
    services.questions.flush()
    report = build_report(services.db, name_of=lambda code: getattr(services.knowledge.get(code), "name", ""), limit=limit)
    report["complaints"] = complaint_summary(services.db)
    return report


@router.post("/import")
def import_file(services: ServicesDep, staff: AdminDep, file: UploadFile = File(...)) -> dict:
    """Re-import procedures from national/normalised JSONL, CSV or Excel (.xlsx); changed ones are audited.

    The upload is spooled to a temporary file while it streams in (only an admin token may send more than the
    general body limit) and read row by row from there."""
    try:
        result = import_procedures(services.knowledge, file.filename or "", file.file, actor=staff.actor)
    except ImportFileError as exc:
        raise ApiError(422, "invalid_import_file", str(exc)) from None
    return result.to_json()
