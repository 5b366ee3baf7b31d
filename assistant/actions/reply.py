"""What a dialogue service returns to a thin action: text, buttons, the structured payload and slot updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.payload import ReplyPayload


@dataclass
class Reply:
    """One bot message plus the slot changes the action should emit."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    """At most 3 {"title", "payload"} choices (clarifying questions)."""
    slots: dict[str, Any] = field(default_factory=dict)
    """Slot name → new value (None clears it)."""
    payload: ReplyPayload | None = None
    """The structured reply screens render (assistant.payload); sent as Rasa's custom payload."""
