"""POST /api/feedback: a citizen's 1–5 rating of a conversation (comment redacted before storing);
POST /api/complaints: a complaint's category and desk for staff reports (no citizen words)."""

from __future__ import annotations

import re

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.bridge.complaints import Category, add_complaint
from assistant.bridge.deps import ServicesDep
from assistant.bridge.desks import WARD_CODE
from assistant.bridge.guards import rate_limited
from assistant.bridge.questions import add_feedback

router = APIRouter(prefix="/api", tags=["feedback"])

_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


class FeedbackRequest(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)
    ward: str | None = Field(default=None, max_length=40, pattern=WARD_CODE, description="Ward code; default ward")

    @field_validator("comment")
    @classmethod
    def no_html(cls, value: str) -> str:
        if _HTML_TAG.search(value):
            raise ValueError("Không nhận thẻ HTML trong góp ý. / HTML tags are not accepted in comments.")
        return value


@router.post("/feedback", status_code=201, dependencies=[rate_limited("feedback")])
def feedback(body: FeedbackRequest, services: ServicesDep) -> dict:
    ward = services.wards.get(body.ward)
    feedback_id = add_feedback(
        services.db, ward_id=ward.id, conversation_id=body.conversation_id, rating=body.rating, comment=body.comment
    )
    return {"id": feedback_id, "message": "Cảm ơn ông/bà đã góp ý! / Thank you for your feedback!"}


class ComplaintRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # no free text: a comment field is refused, not silently dropped
    conversation_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    category: Category
    desk: str | None = Field(default=None, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    ward: str | None = Field(default=None, max_length=40, pattern=WARD_CODE, description="Ward code; default ward")


@router.post("/complaints", status_code=201)
def complaint(body: ComplaintRequest, services: ServicesDep) -> dict:
    """A complaint's category (and the desk, if the citizen named one that exists) for staff reports."""
    ward = services.wards.get(body.ward)
    desk = body.desk if body.desk and services.wards.directory(ward.id).get(body.desk) is not None else None
    complaint_id = add_complaint(
        services.db, ward_id=ward.id, conversation_id=body.conversation_id, category=body.category, desk_id=desk
    )
    return {"id": complaint_id, "message": "Đã ghi nhận phản ánh. / Your complaint has been recorded."}
