"""Actions for procedure guidance: answer a procedure question, pick an offered option.

The ``language`` slot is set inside Rasa (assistant.components.language_policy), not by an action.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.base import ServiceAction, send, turn_language
from assistant.actions.guide_turn import guide_reply
from assistant.actions.service_actions import answers_ticket_question, ticket_reply


class ActionAnswerProcedure(ServiceAction):
    """Documents / fee / time / desk / online / steps / legal basis of the procedure the user means."""

    def name(self) -> str:
        return "action_answer_procedure"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        words = self.services.queue_words
        if words.asks_for_ticket(text) or answers_ticket_question(tracker):  # a ticket for that procedure's desk
            return send(dispatcher, await ticket_reply(self.services, tracker, handoff=False, names_procedure=True))
        if tracker.get_slot("ticket_id") and words.asks_about_waiting(text):  # "phải đợi bao lâu" with a ticket
            return send(
                dispatcher,
                await self.services.desks.queue_status(
                    ticket_id=tracker.get_slot("ticket_id"), language=turn_language(tracker)
                ),
            )
        return send(dispatcher, await guide_reply(self.services, tracker))


class ActionChooseOption(ServiceAction):
    """The citizen picked one of the procedures offered by a clarifying question."""

    def name(self) -> str:
        return "action_choose_option"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = await self.services.guide.choose(
            text=tracker.latest_message.get("text") or "",
            option_entity=next(tracker.get_latest_entity_values("option_number"), None),
            options=tracker.get_slot("pending_options"),
            topic=tracker.get_slot("last_topic"),
            language=turn_language(tracker),
            current_code=tracker.get_slot("procedure_code"),
            recent=tracker.get_slot("recent_procedures"),
        )
        return send(dispatcher, reply)
