"""The structured reply that travels beside each assistant message, from the action to every screen.

Actions send it as Rasa's custom payload (``dispatcher.utter_message(text=..., json_message=payload.to_custom())``);
the bridge validates it with the same model and returns it as ``data`` on the message in ``POST /api/chat`` and
on the kiosk WebSocket; the web chat, the widget and the kiosk render from it and never parse the prose.
The text of the message stays the complete written answer; ``speech`` is the short form a kiosk says aloud.

Only pydantic is imported here, so the action server, the bridge and the kiosk can all share this one module.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Kind = Literal[
    "procedure",  # an answer about a ward-level procedure
    "clarify",  # 2-3 procedures to choose from
    "ask_procedure",  # "which procedure?" with no choices yet
    "not_at_ward",  # handled beyond the ward: who does it
    "no_match",  # nothing fits; an officer is offered
    "dossier_prompt",  # asks for the dossier code or the last 4 ID digits
    "dossier_status",  # the status of a verified dossier
    "dossier_refused",  # code/digits do not match (one answer for both) or too many tries
    "dossier_help",  # where to find the code; the form was left
    "ticket",  # a queue ticket was issued
    "queue_status",  # people ahead / estimated wait
    "handoff",  # sent to a human officer
    "hours",  # opening hours
    "greeting",
    "goodbye",
    "thanks",
    "bot_identity",
    "out_of_scope",
    "feedback",  # a rating or comment recorded, or a rating asked for
    "complaint",  # a complaint recorded for staff reports
    "cancelled",  # the citizen dropped what they were doing
    "error",  # a service is down; the text says so politely
    "message",  # anything else (fixed replies without a specific kind)
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
Topic = Literal["overview", "documents", "fee", "time", "where", "online", "steps", "legal"]
MAX_CHOICES = 3


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Choice(_Model):
    """One tappable option: a clarifying choice or a follow-up suggestion (the only button type)."""

    title: str = Field(max_length=200, description="What the citizen sees and what is shown as their message.")
    payload: str = Field(max_length=500, description="What is sent to the dialogue when tapped.")
    code: str | None = Field(default=None, description="The procedure code when the choice is a procedure.")


class Desk(_Model):
    """Where to go in the hall."""

    id: str
    name: str
    floor: str | None = None
    directions: str | None = None


class ProcedureCard(_Model):
    """What a citizen needs to act on one procedure, in the reply's language."""

    code: str = Field(description="National procedure code, e.g. 1.001193.")
    name: str = Field(description="Short name a citizen would say, in the reply language.")
    official_name: str | None = Field(default=None, description="Official Vietnamese name, to show at the desk.")
    topic: Topic = "overview"
    ward_level: bool = True
    documents: list[str] = Field(default_factory=list, description="What to bring in the common case.")
    fee: str | None = None
    time: str | None = None
    online: bool | None = None
    portal_url: str | None = Field(default=None, description="The procedure's page on the national portal.")
    notes: list[str] = Field(default_factory=list)
    handled_by: str | None = Field(default=None, description="For procedures beyond the ward: who handles them.")
    desk: Desk | None = None


class Ticket(_Model):
    """A queue ticket."""

    number: str = Field(description="Printed number, e.g. A031.")
    desk: Desk
    priority: bool = False
    ahead: int | None = Field(default=None, description="People waiting before this ticket.")
    wait_minutes: int | None = None
    public_id: str | None = Field(
        default=None,
        description="Unguessable id of the ticket's public page /t/{public_id} "
        "(follow the queue on a phone; the kiosk prints it as a QR code).",
    )


class QueueStatus(_Model):
    """Where a ticket stands now."""

    number: str
    status: str = Field(description="waiting, called, served, skipped")
    ahead: int | None = None
    wait_minutes: int | None = None
    desk: Desk | None = None


class DossierStatus(_Model):
    """The status of a verified dossier (never the applicant's details)."""

    status_code: int
    label: str
    explanation: str | None = None
    next_step: str | None = None
    procedure: str | None = Field(default=None, description="Short procedure name.")
    due: str | None = Field(default=None, description="Appointment date, ISO 8601.")
    pickup_desk: Desk | None = None


class ReplyPayload(_Model):
    """Everything a screen needs to render one assistant message; ``kind`` says what the message is."""

    kind: Kind
    language: Literal["vi", "en"] = "vi"
    speech: str | None = Field(default=None, description="Short spoken form (kiosk); the text is the full answer.")
    procedure: ProcedureCard | None = None
    choices: list[Choice] = Field(default_factory=list, max_length=MAX_CHOICES)
    suggestions: list[Choice] = Field(default_factory=list, description="Tappable follow-ups (fee, time, ...).")
    desk: Desk | None = None
    ticket: Ticket | None = None
    queue: QueueStatus | None = None
    dossier: DossierStatus | None = None

    def to_custom(self) -> dict[str, Any]:
        """The JSON sent as Rasa's custom payload (``json_message``)."""
        return {"reply": self.model_dump(mode="json", exclude_none=True, exclude_defaults=False)}

    @classmethod
    def from_custom(cls, custom: Any) -> ReplyPayload | None:
        """Read a Rasa custom payload; None when it holds no (valid) reply."""
        if not isinstance(custom, dict) or not isinstance(custom.get("reply"), dict):
            return None
        try:
            return cls.model_validate(custom["reply"])
        except ValidationError:
            return None
