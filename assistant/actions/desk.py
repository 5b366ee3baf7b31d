"""Desk services for the dialogue: queue tickets (to the procedure's desk, priority only when stated), where a
ticket stands in the queue, handoff to a human, opening hours."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import RootModel, StringConstraints

from assistant.actions.bridge_client import BridgeClient, BridgeUnavailable
from assistant.actions.language import in_language
from assistant.actions.priority import NO_PRIORITY, PriorityGroups  # noqa: F401  (re-exported)
from assistant.actions.replies import Replies
from assistant.actions.reply import Reply
from assistant.payload import Choice, Desk, QueueStatus, ReplyPayload, Ticket
from knowledge_base.data_file import read_model
from knowledge_base.text import tokens
from knowledge_base.turn.words import TurnWords

logger = logging.getLogger(__name__)
TICKET_WORDS_PATH = Path(__file__).parent / "data" / "ticket_words.yaml"
MIN_PROCEDURE_WORDS = 2
"""A ticket request names a procedure only if this many words are left once the ticket words are removed."""
GENERAL_TICKET_PAYLOAD = "/ask_queue_ticket"
"""The general-desk button of "which procedure is the number for?": a ticket request answering the question."""


_PhraseList = RootModel[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]]]


@dataclass(frozen=True)
class TicketWords:
    """Folded phrases that only ask for a queue number (data/ticket_words.yaml), longest first."""

    phrases: tuple[str, ...]

    @classmethod
    def load(cls, path: Path | str = TICKET_WORDS_PATH) -> "TicketWords":
        data = read_model(path, _PhraseList).root
        return cls(tuple(sorted((" ".join(tokens(p)) for p in data), key=len, reverse=True)))

    def holds_own_number(self, text: str | None) -> bool:
        """The message quotes a ticket number the citizen already has ("số của tôi là A015, bao giờ tới") and asks
        for no new number: it is a question about that ticket's place in the queue."""
        if not text or not _TICKET_NUMBER.search(text):
            return False
        folded = " ".join(tokens(text))
        return self.strip(text) == folded

    def strip(self, text: str, also: tuple[str, ...] = ()) -> str:
        """The folded text without ticket phrases (and ``also``, e.g. priority phrases)."""
        padded = f" {' '.join(tokens(text))} "
        for phrase in self.phrases + tuple(sorted(also, key=len, reverse=True)):
            padded = padded.replace(f" {phrase} ", " ")
        return " ".join(padded.split())


_TICKET_NUMBER = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]\s?[0-9]{3}(?![0-9])")
"""A queue number as printed on a ticket and shown on the board ("A015", "B 003")."""


def _desk(raw: dict[str, Any] | None, language: str = "vi") -> Desk | None:
    """The desk for screens, named in the reply's language (English falls back to the Vietnamese name)."""
    if not isinstance(raw, dict) or not raw.get("id"):
        return None
    name = (raw.get("name_en") if language == "en" else None) or raw.get("name") or raw["id"]
    return Desk(
        id=str(raw["id"]),
        name=str(name),
        floor=in_language(raw, "floor", language) or None,
        directions=in_language(raw, "directions", language) or None,
    )


@dataclass
class DeskService:
    """Tickets and desk facts through the bridge."""

    bridge: BridgeClient
    replies: Replies
    handoff_desk: str | None = None
    ticket_words: TicketWords = field(default_factory=TicketWords.load)
    priority_groups: PriorityGroups = field(default_factory=PriorityGroups.load)
    turn_words: TurnWords = field(default_factory=TurnWords.load)
    """Question words and fillers: a ticket request whose other words are only these ("give me a number for
    this", "cho tôi lấy số luôn nhé") names no procedure, so the current one (or the general desk) is used."""

    async def _desk_list(self) -> list[dict[str, Any]]:
        return [d for d in (await self.bridge.list_desks()).get("desks") or [] if isinstance(d, dict) and d.get("id")]

    async def _general_desk(self) -> str | None:
        """The ward's general desk: ``general`` in the ward config, else a desk with no field and no priority."""
        if self.handoff_desk:
            return self.handoff_desk
        desks = await self._desk_list()
        general = [d for d in desks if d.get("general")] or [
            d for d in desks if not d.get("fields") and not d.get("priority")
        ]
        return (general or desks or [{}])[0].get("id")

    async def _priority_desk(self) -> str | None:
        return next((d["id"] for d in await self._desk_list() if d.get("priority")), None)

    async def procedure_in(self, text: str | None, language: str = "vi") -> str | None:
        """The ward procedure a ticket request names ("lấy số làm giấy khai sinh"), else None. The rest of the request
        is read by the same turn decision as a question (``/api/turn``): question words, fillers and everyday words
        ("tôi chỉ hỏi chung thôi") name nothing; close siblings share a desk, so the first choice of a clarifying
        question is good enough; a procedure the ward does not handle has no desk here."""
        if not text:
            return None
        also = tuple(p for phrases in self.priority_groups.phrases.values() for p in phrases)
        rest = self.ticket_words.strip(text, also + self.priority_groups.not_priority)
        if len(rest.split()) < MIN_PROCEDURE_WORDS or not self.turn_words.names_a_procedure(rest):
            return None
        outcome = await self.bridge.turn(rest, language=language)
        if outcome.get("kind") == "procedure" and outcome.get("code"):
            return str(outcome["code"])
        if outcome.get("kind") == "clarify":
            ward = [c for c in outcome.get("choices") or [] if c.get("ward_level", True) and c.get("code")]
            return str(ward[0]["code"]) if ward else None
        return None

    def ask_ticket_procedure(self, language: str) -> Reply:
        """Asks which procedure the number is for, with a button for the general desk; the next message answers."""
        text = self.replies.say("ticket_which_procedure", language)
        button = {"title": self.replies.say("ticket_general_button", language), "payload": GENERAL_TICKET_PAYLOAD}
        payload = ReplyPayload(
            kind="ask_procedure", language=language, choices=[Choice(title=button["title"], payload=button["payload"])]
        )
        return Reply(text, buttons=[button], payload=payload, slots={"ticket_asked": True, "pending_offer": None})

    async def ticket(
        self,
        *,
        procedure_code: str | None,
        priority: str,
        language: str,
        handoff: bool = False,
        named: str | None = None,
    ) -> Reply:
        """Issue a ticket and say where to wait: a stated priority goes to the priority desk (when the ward has
        one), else the desk of ``procedure_code`` (``named`` when the message itself named it), else the general
        desk."""
        try:
            code = procedure_code
            desk = await self._priority_desk() if priority != NO_PRIORITY else None
            if desk:
                ticket = await self.bridge.issue_ticket(desk=desk, priority=priority)
            elif code:
                ticket = await self.bridge.issue_ticket(procedure_code=code, priority=priority)
            else:
                ticket = await self.bridge.issue_ticket(desk=await self._general_desk(), priority=priority)
        except BridgeUnavailable:
            return Reply(
                self.replies.say("bridge_down", language),
                slots={"pending_offer": None},
                payload=ReplyPayload(kind="error", language=language),
            )
        logger.info("ticket issued: handoff=%s priority=%s named=%s", handoff, priority, named is not None)
        desk_raw = ticket.get("desk") or {}
        position = ticket.get("position")
        ahead = max(int(position) - 1, 0) if isinstance(position, (int, float)) else 0
        wait = ticket.get("estimated_wait_minutes")
        desk = _desk(desk_raw, language)
        fields = {
            "number": ticket.get("number", "?"),
            "desk": desk.name if desk else "",
            "floor": in_language(desk_raw, "floor", language),
            "ahead": ahead,
            "wait": wait if wait is not None else "?",
        }
        key = "handoff" if handoff else ("ticket_next" if ahead == 0 else "ticket")
        text_out = self.replies.say(key, language, **fields)
        if priority != NO_PRIORITY:
            group = self.replies.say(f"priority_{priority}", language)
            text_out = f"{text_out} {self.replies.say('ticket_priority', language, group=group)}"
        payload = ReplyPayload(
            kind="handoff" if handoff else "ticket",
            language=language,
            desk=desk,
            ticket=Ticket(
                number=str(fields["number"]),
                desk=desk,
                priority=priority != NO_PRIORITY,
                ahead=ahead,
                wait_minutes=int(wait) if isinstance(wait, (int, float)) else None,
                public_id=ticket.get("public_id") or None,
            )
            if desk
            else None,
        )
        slots: dict[str, Any] = {
            "pending_offer": None,
            "ticket_id": str(ticket.get("id") or "") or None,
            "ticket_number": str(fields["number"]),
            "ticket_asked": None,
        }
        if named:
            slots["procedure_code"] = named
        return Reply(text_out, slots=slots, payload=payload)

    async def queue_status(self, *, ticket_id: str | None, language: str) -> Reply:
        """Where this conversation's ticket stands now; with no ticket yet, offer one."""
        if not ticket_id or not str(ticket_id).isdigit():
            return Reply(
                self.replies.say("queue_no_ticket", language),
                slots={"pending_offer": "ticket"},
                payload=ReplyPayload(kind="queue_status", language=language),
            )
        try:
            ticket = await self.bridge.get_ticket(int(ticket_id))
        except BridgeUnavailable:
            return Reply(
                self.replies.say("bridge_down", language), payload=ReplyPayload(kind="error", language=language)
            )
        if ticket is None:  # a new day or a reset queue: the old number is gone
            return Reply(
                self.replies.say("queue_no_ticket", language),
                slots={"pending_offer": "ticket", "ticket_id": None},
                payload=ReplyPayload(kind="queue_status", language=language),
            )
        desk_raw = ticket.get("desk") or {}
        status = str(ticket.get("status") or "waiting")
        position = ticket.get("position")
        ahead = max(int(position) - 1, 0) if isinstance(position, (int, float)) and status == "waiting" else 0
        wait = ticket.get("estimated_wait_minutes") if status == "waiting" else 0
        desk = _desk(desk_raw, language)
        fields = {
            "number": ticket.get("number", "?"),
            "desk": desk.name if desk else "",
            "ahead": ahead,
            "wait": wait if wait is not None else "?",
        }
        if status == "waiting":
            key = "queue_next" if ahead == 0 else "queue_waiting"
        else:
            key = "queue_called" if status == "called" else "queue_done"
        logger.info("queue status asked: status=%s", status)
        queue = QueueStatus(
            number=str(fields["number"]),
            status=status,
            ahead=ahead,
            wait_minutes=int(wait) if isinstance(wait, (int, float)) else None,
            desk=_desk(desk_raw, language),
        )
        return Reply(
            self.replies.say(key, language, **fields),
            payload=ReplyPayload(kind="queue_status", language=language, queue=queue, desk=queue.desk),
        )

    async def opening_hours(self, language: str) -> Reply:
        try:
            ward = (await self.bridge.list_desks()).get("ward") or {}
        except BridgeUnavailable:
            return Reply(
                self.replies.say("bridge_down", language), payload=ReplyPayload(kind="error", language=language)
            )
        address = ward.get("address") or ""  # an unknown address is left out, never shown as a placeholder
        key = "hours" if address else "hours_no_address"
        return Reply(
            self.replies.say(
                key,
                language,
                ward=in_language(ward, "name", language),
                hours=in_language(ward, "hours", language),
                address=address,
            ),
            payload=ReplyPayload(kind="hours", language=language),
        )
