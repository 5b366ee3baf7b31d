"""GET /api/wards: the province's wards, for pickers (staff page, kiosk set-up, a portal listing its wards' chats)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.bridge.deps import ServicesDep

router = APIRouter(prefix="/api/wards", tags=["wards"])


class WardOut(BaseModel):
    id: int
    code: str = Field(description="The ward's code: `?ward=`, the widget's `data-ward`, the kiosk's KIOSK_WARD.")
    name: str
    name_en: str | None = None
    default: bool = Field(description="The ward a request that names none is about.")


class WardList(BaseModel):
    wards: list[WardOut]


@router.get("", response_model=WardList)
def list_wards(services: ServicesDep) -> WardList:
    """Every ward of this deployment (public: names and codes only), the default ward first."""
    default = services.wards.default
    return WardList(
        wards=[
            WardOut(id=w.id, code=w.code, name=w.name, name_en=w.name_en, default=w.id == default.id)
            for w in services.wards.wards
        ]
    )
