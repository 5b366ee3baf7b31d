"""Desk services for the dialogue: queue tickets (with priority), handoff to a human, opening hours."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.text import tokens

from assistant.actions.bridge_client import BridgeClient, BridgeUnavailable
from assistant.actions.replies import Replies
from assistant.actions.reply import Reply

logger = logging.getLogger(__name__)
PRIORITY_PATH = Path(__file__).parent / "data" / "priority_groups.yaml"
NO_PRIORITY = "none"


@dataclass(frozen=True)
class PriorityGroups:
    """Priority group key → folded phrases that mean it (data/priority_groups.yaml)."""

    phrases: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path | str = PRIORITY_PATH) -> "PriorityGroups":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        allowed = {"elderly", "disabled", "pregnant", "small_child"}
        if not isinstance(data, dict) or not set(data) <= allowed:
            raise ValueError(f"{path}: keys must be among {sorted(allowed)}")
        phrases = {}
        for key, values in data.items():
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise ValueError(f"{path}: '{key}' must be a list of phrases")
            phrases[key] = tuple(" ".join(tokens(v)) for v in values)
        return cls(phrases=phrases)

    def find(self, text: str | None, entity: Any = None) -> str:
        """The group named by the NLU entity or the text, else "none"."""
        if isinstance(entity, str) and entity in self.phrases:
            return entity
        for candidate in (entity, text):
            if not isinstance(candidate, str):
                continue
            padded = f" {' '.join(tokens(candidate))} "
            for key, phrases in self.phrases.items():
                if any(f" {p} " in padded for p in phrases):
                    return key
        return NO_PRIORITY


@dataclass
class DeskService:
    """Tickets and desk facts through the bridge."""

    bridge: BridgeClient
    replies: Replies
    handoff_desk: str | None = None

    async def _fallback_desk(self) -> str | None:
        if self.handoff_desk:
            return self.handoff_desk
        desks = [d for d in (await self.bridge.list_desks()).get("desks") or [] if isinstance(d, dict) and d.get("id")]
        general = [d for d in desks if not d.get("fields")]  # a desk serving no particular field = reception
        chosen = (general or desks or [{}])[0]
        return chosen.get("id")

    async def ticket(self, *, procedure_code: str | None, priority: str, language: str, handoff: bool = False) -> Reply:
        """Issue a ticket for the procedure's desk (or the general desk) and say where to wait."""
        try:
            if procedure_code:
                ticket = await self.bridge.issue_ticket(procedure_code=procedure_code, priority=priority)
            else:
                ticket = await self.bridge.issue_ticket(desk=await self._fallback_desk(), priority=priority)
        except BridgeUnavailable:
            return Reply(self.replies.say("bridge_down", language), slots={"pending_offer": None})
        logger.info("ticket issued: handoff=%s priority=%s", handoff, priority)
        desk = ticket.get("desk") or {}
        position = ticket.get("position")
        fields = {
            "number": ticket.get("number", "?"),
            "desk": desk.get("name") or desk.get("id") or "",
            "floor": desk.get("floor") or "",
            "ahead": max(int(position) - 1, 0) if isinstance(position, (int, float)) else 0,
            "wait": ticket.get("estimated_wait_minutes", "?"),
        }
        key = "handoff" if handoff else ("ticket_next" if fields["ahead"] == 0 else "ticket")
        text = self.replies.say(key, language, **fields)
        if priority != NO_PRIORITY:
            group = self.replies.say(f"priority_{priority}", language)
            text = f"{text} {self.replies.say('ticket_priority', language, group=group)}"
        return Reply(text, slots={"pending_offer": None})

    async def opening_hours(self, language: str) -> Reply:
        try:
            ward = (await self.bridge.list_desks()).get("ward") or {}
        except BridgeUnavailable:
            return Reply(self.replies.say("bridge_down", language))
        address = ward.get("address") or ""  # an unknown address is left out, never shown as a placeholder
        key = "hours" if address else "hours_no_address"
        return Reply(self.replies.say(key, language, ward=ward.get("name") or "", hours=ward.get("hours") or "",
                                      address=address))
