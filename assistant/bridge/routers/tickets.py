"""Queue tickets: POST /api/tickets (citizens), GET /api/tickets/{id}, staff calls."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from assistant.bridge.deps import ServicesDep, ViewerDep, scoped_ward
from assistant.bridge.desks import WARD_CODE
from assistant.bridge.errors import ApiError
from assistant.bridge.guards import rate_limited, refuse_public_priority
from assistant.bridge.routers.desks import unknown_procedure

router = APIRouter(prefix="/api/tickets", tags=["tickets"])


TicketId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class TicketRequest(BaseModel):
    ward: str | None = Field(default=None, max_length=40, pattern=WARD_CODE, description="Ward code; default ward")
    procedure_code: str | None = Field(default=None, max_length=40)
    desk: str | None = Field(default=None, max_length=16)
    priority: Literal["none", "elderly", "disabled", "pregnant", "small_child"] = "none"


class CallNextRequest(BaseModel):
    desk: str = Field(max_length=16)
    ward: str | None = Field(default=None, max_length=40, pattern=WARD_CODE, description="Ward code; default ward")


@router.post("", status_code=201, dependencies=[rate_limited("tickets")])
def issue(body: TicketRequest, services: ServicesDep, request: Request) -> dict:
    """A ticket for the ward's desk of a procedure (or a named desk), with position and estimated wait; `ward` is
    the ward's code (the default ward when absent).

    Priority may be declared only in a kiosk/chat conversation (through the action server) or by a desk
    officer's token: a public call asking for it gets 403 `priority_needs_session`. 429 past the per-client limit.
    """
    refuse_public_priority(request, body.priority)
    ward = services.wards.get(body.ward)
    directory = services.wards.directory(ward.id)
    if body.desk:
        desk = directory.get(body.desk)
        if desk is None:
            raise ApiError(404, "unknown_desk", "Không có quầy này. / No such desk.")
    elif body.procedure_code:
        procedure = services.knowledge.get(body.procedure_code)
        if procedure is None:
            raise unknown_procedure()
        # beyond the ward: the general desk, where an officer explains where to go (never a field desk)
        desk = directory.for_field(procedure.field) if procedure.ward_level else directory.general_desk
    else:
        raise ApiError(422, "missing_target", "Cần 'procedure_code' hoặc 'desk'. / Give 'procedure_code' or 'desk'.")
    return services.tickets.issue(
        ward_id=ward.id,
        desk=desk,
        priority=body.priority,
        procedure_code=body.procedure_code if not body.desk else None,
    )


@router.get("/{ticket_id}")
def get_ticket(ticket_id: TicketId, services: ServicesDep) -> dict:
    return services.tickets.get(ticket_id)


@router.post("/{ticket_id}/call")
def call(ticket_id: TicketId, services: ServicesDep, staff: ViewerDep) -> dict:
    """Staff: call this ticket to its desk (a ward's token: tickets of its ward only, others are 404)."""
    return services.tickets.call(ticket_id, ward_id=staff.ward_id)


@router.post("/call-next")
def call_next(body: CallNextRequest, services: ServicesDep, staff: ViewerDep):
    """Staff: call the next ticket of a desk by the priority interleaving rule; 204 when nobody waits. The same
    call as the desk page's (assistant.bridge.queue_desk): the ticket being served counts as served, and the
    hall board shows and speaks the call. `ward`: the desk's ward (default ward); a ward's token calls only its own
    ward's desks (naming another ward: 403 `other_ward`)."""
    ward = scoped_ward(services, staff, body.ward) or services.wards.default
    ticket = services.counter(ward.id).call_next(body.desk)
    return ticket if ticket is not None else Response(status_code=204)
