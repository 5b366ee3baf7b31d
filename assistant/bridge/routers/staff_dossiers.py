"""Staff API for dossiers: record one or update its status (audited, digits hashed); lift a code's lookup lock."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from assistant.bridge import audit
from assistant.bridge.db import utcnow
from assistant.bridge.deps import EditorDep, ServicesDep, scoped_ward
from assistant.bridge.desks import WARD_CODE
from assistant.bridge.dossiers.codes import (
    EXAMPLE_CODE,
    digits_match,
    hash_last4,
    new_salt,
    normalise_code,
    valid_last4,
)
from assistant.bridge.errors import ApiError
from assistant.bridge.models import Dossier

router = APIRouter(prefix="/api/staff/dossiers", tags=["staff"])


class DossierIn(BaseModel):
    code: str = Field(max_length=64)
    id_last4: str | None = Field(
        default=None, max_length=8, description="Required for a new dossier; stored only as a salted hash."
    )
    procedure_code: str = Field(max_length=32)
    status_code: int = Field(ge=1, le=10)
    received_at: date | None = None
    due_at: date | None = None
    pickup_desk_id: str | None = Field(default=None, max_length=16)
    ward: str | None = Field(
        default=None, max_length=40, pattern=WARD_CODE, description="The pickup desk's ward (a ward token: its own)."
    )


def _public(row: Dossier) -> dict:
    """What may appear in responses and the audit log: no digits, no hash, no applicant."""
    return {
        "code": row.code,
        "procedure_code": row.procedure_code,
        "status_code": row.status_code,
        "received_at": row.received_at.isoformat() if row.received_at else None,
        "due_at": row.due_at.isoformat() if row.due_at else None,
        "pickup_desk_id": row.pickup_desk_id,
        "ward_id": row.ward_id,
    }


DIGITS_KEY = "verification_digits"
DIGITS_SET, DIGITS_KEPT, DIGITS_CHANGED = "đã đặt / set", "không đổi / unchanged", "đã thay đổi / changed"


def _with_digit_change(before: dict | None, after: dict, *, changed: bool) -> tuple[dict | None, dict]:
    """The audit pair with a marker saying whether the verification digits were set or replaced by other
    digits: never the digits or their hash, yet a change of digits alone shows as a change."""
    if before is None:
        return None, {**after, DIGITS_KEY: DIGITS_SET}
    return {**before, DIGITS_KEY: DIGITS_SET}, {**after, DIGITS_KEY: DIGITS_CHANGED if changed else DIGITS_KEPT}


@router.post("")
def upsert_dossier(body: DossierIn, services: ServicesDep, staff: EditorDep) -> JSONResponse:
    """Create a dossier (needs id_last4) or update one by code (id_last4 optional: replaces the digits when given)."""
    code = normalise_code(body.code)
    if code is None:
        raise ApiError(
            422,
            "invalid_code",
            f"Mã hồ sơ không đúng dạng, ví dụ: {EXAMPLE_CODE}. / Malformed code, e.g. {EXAMPLE_CODE}.",
            example=EXAMPLE_CODE,
        )
    if body.id_last4 is not None and not valid_last4(body.id_last4):
        raise ApiError(422, "invalid_id_last4", "Cần đúng 4 chữ số. / Exactly 4 digits are needed.")
    procedure = services.knowledge.get(body.procedure_code)
    if procedure is None:
        raise ApiError(422, "unknown_procedure", "Không có thủ tục với mã này. / No procedure has this code.")
    ward = scoped_ward(services, staff, body.ward) or services.wards.default
    if body.pickup_desk_id and services.wards.directory(ward.id).get(body.pickup_desk_id) is None:
        raise ApiError(422, "unknown_desk", "Không có quầy này. / No such desk.")
    with services.db.write() as session:
        row = session.execute(select(Dossier).where(Dossier.code == code)).scalar_one_or_none()
        before = _public(row) if row is not None else None
        if row is None:
            if body.id_last4 is None:
                raise ApiError(
                    422, "invalid_id_last4", "Hồ sơ mới cần 4 số cuối CCCD. / A new dossier needs the last 4 ID digits."
                )
            row = Dossier(code=code, applicant_label="")
            session.add(row)
        digits_changed = body.id_last4 is not None and (
            before is None
            or not digits_match(
                body.id_last4.strip(),
                salt=row.id_last4_salt,
                stored_hash=row.id_last4_hash,
                pepper=services.settings.dossier_pepper,
            )
        )
        if body.id_last4 is not None:
            row.id_last4_salt = new_salt()
            row.id_last4_hash = hash_last4(
                body.id_last4.strip(), salt=row.id_last4_salt, pepper=services.settings.dossier_pepper
            )
        row.procedure_code, row.procedure_name, row.status_code = procedure.code, procedure.name, body.status_code
        row.received_at, row.due_at, row.pickup_desk_id, row.updated_at, row.ward_id = (
            body.received_at,
            body.due_at,
            body.pickup_desk_id,
            utcnow(),
            ward.id,
        )
        session.flush()
        after = _public(row)
        audit_before, audit_after = _with_digit_change(before, after, changed=digits_changed)
        audit.record_change(
            session,
            actor=staff.actor,
            action="dossier.create" if before is None else "dossier.update",
            target=code,
            before=audit_before,
            after=audit_after,
            ward_id=ward.id,
        )
    return JSONResponse(after, status_code=201 if before is None else 200)


@router.delete("/{code}/lockout")
def lift_lockout(code: str, services: ServicesDep, staff: EditorDep) -> dict:
    """A desk officer lifts a code's lookup lock (every client's failures on it), e.g. for a citizen at the desk."""
    normalised = normalise_code(code)
    if normalised is None:
        raise ApiError(
            422,
            "invalid_code",
            f"Mã hồ sơ không đúng dạng, ví dụ: {EXAMPLE_CODE}. / Malformed code, e.g. {EXAMPLE_CODE}.",
            example=EXAMPLE_CODE,
        )
    cleared = services.dossiers.lockout.lift(normalised)
    with services.db.write() as session:
        audit.record_change(
            session,
            actor=staff.actor,
            action="dossier.lockout_lift",
            target=normalised,
            before={"failures": cleared},
            after={"failures": 0},
        )
    return {"code": normalised, "cleared_failures": cleared}
