"""Desk officers' queue API (/api/desk/*): a token of role "desk" scoped to one desk calls that desk's tickets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from assistant.bridge.auth import StaffIdentity
from assistant.bridge.deps import ServicesDep, require_role
from assistant.bridge.queue_desk import DeskCounter, desk_label

router = APIRouter(prefix="/api/desk", tags=["desk"])

DeskOfficerDep = Annotated[StaffIdentity, Depends(require_role("desk"))]


def counter(officer: DeskOfficerDep, services: ServicesDep) -> DeskCounter:
    """The officer's ward's desk operations (a desk token always names its ward)."""
    return services.counter(officer.ward_id if officer.ward_id is not None else services.wards.default.id)


CounterDep = Annotated[DeskCounter, Depends(counter)]


@router.get("/me")
def me(officer: DeskOfficerDep, desks: CounterDep, services: ServicesDep) -> dict:
    """Who is logged in and at which desk of which ward."""
    desk = services.wards.directory(desks.ward_id).get(officer.desk_id or "")
    return {
        "name": officer.name,
        "desk_id": officer.desk_id,
        "desk_label": desk_label(desk) if desk else officer.desk_id,
        "desk_name": desk.name if desk else None,
        "ward": services.wards.by_id(desks.ward_id).to_json(),
    }


@router.get("/queue")
def queue(officer: DeskOfficerDep, desks: CounterDep) -> dict:
    """The ticket being served, the waiting tickets in calling order (priority marked) and the rule used."""
    return desks.desk_view(officer.desk_id or "")


@router.post("/call-next")
def call_next(officer: DeskOfficerDep, desks: CounterDep):
    """Finish the current ticket (served) and call the next one; 204 when nobody waits."""
    ticket = desks.call_next(officer.desk_id or "")
    return ticket if ticket is not None else Response(status_code=204)


@router.post("/recall")
def recall(officer: DeskOfficerDep, desks: CounterDep) -> dict:
    """Announce the current ticket again."""
    return desks.recall(officer.desk_id or "")


@router.post("/skip")
def skip(officer: DeskOfficerDep, desks: CounterDep) -> dict:
    """The citizen did not come: mark the current ticket skipped."""
    return desks.finish(officer.desk_id or "", "skipped")


@router.post("/served")
def served(officer: DeskOfficerDep, desks: CounterDep) -> dict:
    """Mark the current ticket served."""
    return desks.finish(officer.desk_id or "", "served")
