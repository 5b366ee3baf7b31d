"""POST /api/feedback: a citizen's 1–5 rating of a conversation (comment redacted before storing)."""
from __future__ import annotations

import re

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from assistant.bridge.deps import ServicesDep
from assistant.bridge.guards import rate_limited
from assistant.bridge.questions import add_feedback

router = APIRouter(prefix="/api", tags=["feedback"])

_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


class FeedbackRequest(BaseModel):
    conversation_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)

    @field_validator("comment")
    @classmethod
    def no_html(cls, value: str) -> str:
        if _HTML_TAG.search(value):
            raise ValueError("Không nhận thẻ HTML trong góp ý. / HTML tags are not accepted in comments.")
        return value


@router.post("/feedback", status_code=201, dependencies=[rate_limited("feedback")])
def feedback(body: FeedbackRequest, services: ServicesDep) -> dict:
    feedback_id = add_feedback(services.db, conversation_id=body.conversation_id, rating=body.rating, comment=body.comment)
    return {"id": feedback_id, "message": "Cảm ơn ông/bà đã góp ý! / Thank you for your feedback!"}
