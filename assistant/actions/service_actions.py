"""Actions for the desk: queue ticket, handoff to a human officer, opening hours, declining an offer."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.base import ServiceAction, send, turn_language


class _TicketAction(ServiceAction):
    handoff = False

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        priority = self.services.priority_groups.find(
            tracker.latest_message.get("text"),
            next(tracker.get_latest_entity_values("priority_group"), None) or tracker.get_slot("priority_group"),
        )
        reply = await self.services.desks.ticket(
            procedure_code=tracker.get_slot("procedure_code"),
            priority=priority,
            language=turn_language(tracker),
            handoff=self.handoff,
        )
        return send(dispatcher, reply)


class ActionIssueTicket(_TicketAction):
    """A queue ticket for the current procedure's desk (general desk otherwise), with priority if any."""

    def name(self) -> str:
        return "action_issue_ticket"


class ActionHandoffHuman(_TicketAction):
    """Hand over to a ward officer: a ticket for the right desk and a clear note that a person will help."""

    handoff = True

    def name(self) -> str:
        return "action_handoff_human"


class ActionOpeningHours(ServiceAction):
    def name(self) -> str:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        return send(dispatcher, await self.services.desks.opening_hours(turn_language(tracker)))


class ActionDeclineOffer(ServiceAction):
    """The citizen said no: drop any pending offer (ticket, human) and ask if there is anything else."""

    def name(self) -> str:
        return "action_decline_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=self.services.replies.say("decline", turn_language(tracker)))
        return [SlotSet("pending_offer", None), SlotSet("pending_options", None)]
