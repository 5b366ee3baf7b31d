"""Staff API: edit procedures, aliases and the desk map (audited, live), audit log, reports, import."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, File, Path, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import WithJsonSchema

from assistant.bridge import audit
from assistant.bridge.cards import CardRejected
from assistant.bridge.complaints import complaint_summary
from assistant.bridge.deps import (
    EditorDep,
    ProvinceAdminDep,
    ProvinceEditorDep,
    ServicesDep,
    StaffWardDep,
    StaffWardOrAllDep,
    ViewerDep,
)
from assistant.bridge.desks import WardConfigError, validate_ward_config
from assistant.bridge.errors import ApiError
from assistant.bridge.importer import ImportFileError, import_procedures
from assistant.bridge.knowledge import AliasConflict, AliasExists, KnowledgeError, NotFound
from assistant.bridge.reports import build_report, report_csv
from knowledge_base.catalogue import Procedure

router = APIRouter(prefix="/api/staff", tags=["staff"])
CardCode = Annotated[str, Path(pattern=r"^\d\.\d{6}$")]


def _invalid(exc: Exception) -> ApiError:
    return ApiError(422, "invalid_record", f"Dữ liệu không hợp lệ / invalid data: {exc}")


@router.get("/me")
def me(staff: ViewerDep, services: ServicesDep) -> dict:
    """Who holds this token: name, role and ward (None: province-wide)."""
    ward = services.wards.by_id(staff.ward_id).to_json() if staff.ward_id is not None else None
    return {"name": staff.name, "role": staff.role, "ward": ward}


ProcedureBody = Annotated[dict[str, Any], WithJsonSchema({"$ref": "#/components/schemas/Procedure"}), Body()]
"""A procedure record, documented in OpenAPI by the Procedure schema. The handler validates it (Procedure.from_dict)
so a wrong record gets the 422 `invalid_record` naming the code and field; `response_model=Procedure` puts the
schema into the document's components."""


@router.post("/procedures", response_model=Procedure, responses={201: {"description": "Created", "model": Procedure}})
def upsert_procedure(services: ServicesDep, staff: ProvinceEditorDep, record: ProcedureBody) -> JSONResponse:
    """Create or replace a whole procedure by code (201 created / 200 replaced); searchable on return."""
    try:
        procedure, created = services.knowledge.upsert_procedure(record, actor=staff.actor)
    except KnowledgeError as exc:
        raise _invalid(exc) from None
    return JSONResponse(procedure.to_dict(), status_code=201 if created else 200)


@router.delete("/procedures/{code}")
def delete_procedure(code: str, services: ServicesDep, staff: ProvinceEditorDep) -> dict:
    try:
        services.knowledge.delete_procedure(code, actor=staff.actor)
    except NotFound:
        raise ApiError(404, "unknown_procedure", "Không có thủ tục với mã này. / No procedure has this code.") from None
    return {"deleted": code}


@router.get("/aliases")
def list_aliases(services: ServicesDep, _staff: ViewerDep) -> dict:
    return {"aliases": [entry.to_dict() for entry in services.knowledge.aliases()]}


@router.post("/aliases")
def upsert_alias(
    services: ServicesDep,
    staff: ProvinceEditorDep,
    entry: dict[str, Any] = Body(...),
    mode: Literal["merge", "create", "replace"] = Query("merge"),
) -> JSONResponse:
    """Save an alias entry; effective for search on return (on every other bridge within a second). 201 created,
    200 merged/replaced.

    An existing canonical is never silently replaced: `merge` (default) adds the new words to it and keeps
    all it had; `create` answers 409 naming the existing entry; `replace` is an explicit edit of that entry.
    One phrase, one meaning, province-wide: a phrase that already means something else (saved on any bridge,
    even at the same moment) answers 409 `alias_conflict` naming the phrase and the entry holding it.
    """
    try:
        saved, created = services.knowledge.upsert_alias(entry, actor=staff.actor, mode=mode)
    except AliasExists as exc:
        raise ApiError(409, "alias_exists", str(exc), existing=exc.existing.to_dict()) from None
    except AliasConflict as exc:
        raise ApiError(
            409,
            "alias_conflict",
            f"Từ này đã mang nghĩa khác / this phrase already means something else: {exc}",
            phrase=exc.phrase,
            held_by=exc.other,
        ) from None
    except KnowledgeError as exc:
        raise _invalid(exc) from None
    return JSONResponse(saved.to_dict(), status_code=201 if created else 200)


@router.delete("/aliases")
def delete_alias(services: ServicesDep, staff: ProvinceEditorDep, canonical: str = Query(max_length=300)) -> dict:
    try:
        services.knowledge.delete_alias(canonical, actor=staff.actor)
    except NotFound:
        raise ApiError(404, "unknown_alias", "Không có mục từ đồng nghĩa này. / No such alias entry.") from None
    return {"deleted": canonical}


def _cards(services) -> Any:
    if services.cards is None:
        raise ApiError(
            503, "cards_unavailable", "Thẻ trả lời chưa tải được (xem nhật ký máy chủ). / Answer cards are not loaded."
        )
    return services.cards


@router.get("/cards/{code}")
def get_card(code: CardCode, services: ServicesDep, _staff: ViewerDep) -> dict:
    """A procedure's answer card (vi and en) as written, its file, the record's hash and the validator's findings."""
    if services.knowledge.get(code) is None:
        raise ApiError(404, "unknown_procedure", "Không có thủ tục với mã này. / No procedure has this code.")
    return _cards(services).describe(code)


@router.put("/cards/{code}")
def save_card(
    code: CardCode, services: ServicesDep, staff: ProvinceEditorDep, card: dict[str, Any] = Body(...)
) -> JSONResponse:
    """Validate (model + record check), write to the card file atomically, audit; live for answers on return."""
    if services.knowledge.get(code) is None:
        raise ApiError(404, "unknown_procedure", "Không có thủ tục với mã này. / No procedure has this code.")
    try:
        saved, created = _cards(services).save(code, card, actor=staff.actor)
    except CardRejected as exc:
        raise ApiError(
            422,
            "invalid_card",
            "Thẻ chưa hợp lệ / the card is not valid: " + "; ".join(exc.problems),
            problems=exc.problems,
        ) from None
    return JSONResponse(saved, status_code=201 if created else 200)


@router.get("/desks")
def get_desk_config(services: ServicesDep, _staff: ViewerDep, ward: StaffWardDep) -> dict:
    """The whole ward config document as staff edit it (including prefixes and the general desk)."""
    holder = services.wards.desks(ward.id)
    return {"source": holder.source, "ward_code": ward.code, "config": holder().config.model_dump()}


@router.post("/desks")
def replace_desk_config(
    services: ServicesDep, staff: EditorDep, ward: StaffWardDep, document: dict[str, Any] = Body(...)
) -> dict:
    """Replace the ward config as a whole document (validated); used at once by routing and tickets."""
    try:
        config = validate_ward_config(document, source="ward config")
    except WardConfigError as exc:
        raise ApiError(422, "invalid_ward_config", str(exc)) from None
    holder = services.wards.desks(ward.id)
    holder.replace(services.db, config, actor=staff.actor)
    return holder().to_json()


@router.delete("/desks")
def reset_desk_config(services: ServicesDep, staff: EditorDep, ward: StaffWardDep) -> dict:
    """Drop the staff-saved desk map and go back to the ward's config file."""
    holder = services.wards.desks(ward.id)
    try:
        holder.reset_to_file(services.db, actor=staff.actor)
    except WardConfigError as exc:
        raise ApiError(409, "invalid_ward_config", str(exc)) from None
    return holder().to_json()


@router.get("/audit")
def audit_log(
    services: ServicesDep,
    _staff: ViewerDep,
    ward: StaffWardOrAllDep,
    limit: int = Query(100, ge=1, le=1000),
    target: str | None = Query(None, max_length=200),
    before_id: int | None = Query(None, ge=1, le=2**31 - 1),
) -> dict:
    """Who changed what and when, with before/after records; newest first. `?ward=`: that ward's entries only."""
    ward_id = ward.id if ward else None
    with services.db.read() as session:
        return {
            "entries": audit.list_changes(session, limit=limit, target=target, before_id=before_id, ward_id=ward_id)
        }


def _report(services, limit: int, since: date | None, until: date | None, ward_id: int | None) -> dict:
    if since and until and since > until:
        raise ApiError(422, "invalid_period", "Ngày bắt đầu sau ngày kết thúc. / 'since' is after 'until'.")
    services.questions.flush()
    return build_report(
        services.db,
        name_of=lambda code: getattr(services.knowledge.get(code), "name", ""),
        limit=limit,
        since=since,
        until=until,
        tz=ZoneInfo(services.settings.timezone),
        ward_id=ward_id,
    )


@router.get("/reports")
def reports(
    services: ServicesDep,
    _staff: ViewerDep,
    ward: StaffWardOrAllDep,
    limit: int = Query(20, ge=1, le=200),
    since: date | None = Query(None),
    until: date | None = Query(None),
) -> dict:
    """Most-asked procedures, unanswered (no_match) questions without junk, feedback, complaints by category;
    whole days since..until (complaints: all time). `?ward=`: that ward's only (else every ward)."""
    ward_id = ward.id if ward else None
    report = _report(services, limit, since, until, ward_id)
    report["complaints"] = complaint_summary(services.db, ward_id=ward_id)
    return report


@router.get("/reports.csv")
def reports_csv(
    services: ServicesDep,
    _staff: ViewerDep,
    ward: StaffWardOrAllDep,
    limit: int = Query(200, ge=1, le=1000),
    since: date | None = Query(None),
    until: date | None = Query(None),
) -> Response:
    """The most-asked and unanswered tables as CSV (opens in Excel); `?ward=` as for the report."""
    report = _report(services, limit, since, until, ward.id if ward else None)
    name = f"bao-cao_{since or 'dau'}_{until or 'nay'}.csv"
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/import")
def import_file(services: ServicesDep, staff: ProvinceAdminDep, file: UploadFile = File(...)) -> dict:
    """Re-import procedures from national/normalised JSONL, CSV or Excel (.xlsx); changed ones are audited.

    The upload is spooled to a temporary file while it streams in (only an admin token may send more than the
    general body limit) and read row by row from there."""
    try:
        result = import_procedures(services.knowledge, file.filename or "", file.file, actor=staff.actor)
    except ImportFileError as exc:
        raise ApiError(422, "invalid_import_file", str(exc)) from None
    return result.to_json()
