"""GET /api/desks and /api/desks/route: the ward's desks and which desk handles a procedure."""

from __future__ import annotations

from fastapi import APIRouter, Query

from assistant.bridge.deps import ServicesDep, WardDep
from assistant.bridge.errors import ApiError

router = APIRouter(prefix="/api/desks", tags=["desks"])


def unknown_procedure() -> ApiError:
    return ApiError(404, "unknown_procedure", "Không có thủ tục với mã này. / No procedure has this code.")


@router.get("")
def list_desks(services: ServicesDep, ward: WardDep) -> dict:
    """The ward's facts and desks (`?ward=` code; the default ward when absent)."""
    return {**services.wards.directory(ward.id).to_json(), "ward_code": ward.code}


@router.get("/route")
def route(
    services: ServicesDep, ward: WardDep, code: str = Query(max_length=40, description="Procedure code, e.g. 1.001193")
) -> dict:
    """The ward's desk for a procedure's field; the general desk when no desk serves that field."""
    procedure = services.knowledge.get(code)
    if procedure is None:
        raise unknown_procedure()
    directory = services.wards.directory(ward.id)
    desk = directory.for_field(procedure.field) if procedure.ward_level else directory.general_desk
    return {"procedure_code": procedure.code, "field": procedure.field, "desk": desk.to_json()}
