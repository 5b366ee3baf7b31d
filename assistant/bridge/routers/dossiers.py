"""POST /api/dossiers/lookup: dossier status by code + last 4 ID digits."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.bridge.deps import ClientDep, ServicesDep

router = APIRouter(prefix="/api/dossiers", tags=["dossiers"])


class LookupRequest(BaseModel):
    code: str = Field(max_length=200, description="Mã hồ sơ, e.g. 000.00.20.H26-250801-0001")
    id_last4: str = Field(max_length=50, description="4 số cuối số định danh cá nhân (CCCD) của người nộp")


@router.post("/lookup")
def lookup(body: LookupRequest, services: ServicesDep, client: ClientDep) -> dict:
    """Status, procedure, dates and pickup desk.

    404 for an unknown code and for wrong digits alike; 429 after repeated failures."""
    return services.dossiers.lookup(body.code, body.id_last4, client=client)
