"""Actions for the desk: queue ticket, where the ticket stands, handoff to a human officer, opening hours,
declining an offer or dropping what was being done."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.base import ServiceAction, send, turn_language
from assistant.actions.guide_turn import guide_reply
from assistant.actions.priority import NO_PRIORITY
from assistant.actions.reply import Reply
from assistant.actions.runtime import Services
from assistant.payload import ReplyPayload

TICKET_ACTION = "action_issue_ticket"
EARLIER_TURNS = 8
"""How many of the citizen's earlier messages a ticket request may look back at for a stated priority group."""


def earlier_user_texts(tracker: Tracker) -> list[str]:
    """The citizen's messages before the latest one, most recent first (at most ``EARLIER_TURNS``)."""
    texts = [e.get("text") for e in tracker.events or [] if e.get("event") == "user"][:-1]
    return [t for t in reversed(texts) if isinstance(t, str)][:EARLIER_TURNS]


def previous_bot_action(tracker: Tracker) -> str | None:
    """The last action the assistant ran before the citizen's latest message (``action_listen`` excluded)."""
    seen_user = False
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return str(event.get("name"))
    return None


def answers_ticket_question(tracker: Tracker) -> bool:
    """The latest message answers "which procedure is the number for?" (asked by the ticket action just before)."""
    return bool(tracker.get_slot("ticket_asked")) and previous_bot_action(tracker) == TICKET_ACTION


async def ticket_reply(services: Services, tracker: Tracker, *, handoff: bool, names_procedure: bool) -> Reply:
    """A ticket (or a handoff ticket) for this turn; ``names_procedure`` when the message asked for the number
    itself and may name its procedure ("cho tôi số làm khai sinh"); "có" to an offer names nothing.

    A plain request ("lấy số") with no procedure named now or earlier and no priority stated is answered with
    "which procedure is it for?" (the desk depends on it) and a general-desk button; the next message is read as the
    answer (``answers_ticket_question``) and gets the number, for the general desk when it names nothing."""
    text = tracker.latest_message.get("text")
    language = turn_language(tracker)
    if not handoff and services.desks.ticket_words.holds_own_number(text):
        return await services.desks.queue_status(ticket_id=tracker.get_slot("ticket_id"), language=language)
    priority = services.priority_groups.find_in_conversation(
        text,
        next(tracker.get_latest_entity_values("priority_group"), None) or tracker.get_slot("priority_group"),
        earlier_user_texts(tracker),
    )
    answering = answers_ticket_question(tracker)
    named = None
    if not handoff and (names_procedure or answering):
        named = await services.desks.procedure_in(text, language)
    # a clarifying question still open: its choices are close siblings, served at one desk
    current = tracker.get_slot("procedure_code") or next(iter(tracker.get_slot("pending_options") or []), None)
    if (
        not handoff
        and not answering
        and named is None
        and not current
        and priority == NO_PRIORITY
        and not services.queue_words.wants_general_desk(text)
    ):
        return services.desks.ask_ticket_procedure(language)
    return await services.desks.ticket(
        procedure_code=named or current, named=named, priority=priority, language=language, handoff=handoff
    )


class _TicketAction(ServiceAction):
    handoff = False

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return send(
            dispatcher,
            await ticket_reply(
                self.services, tracker, handoff=self.handoff, names_procedure=intent == "ask_queue_ticket"
            ),
        )


class ActionIssueTicket(_TicketAction):
    """A queue ticket for the desk of the procedure named now or earlier (general desk otherwise); the priority
    desk only when the citizen states a priority group or an age of 60+."""

    def name(self) -> str:
        return "action_issue_ticket"


class ActionHandoffHuman(_TicketAction):
    """Hand over to a ward officer: a ticket for the right desk and a clear note that a person will help."""

    handoff = True

    def name(self) -> str:
        return "action_handoff_human"


class ActionQueueStatus(ServiceAction):
    """How many people are ahead of this conversation's ticket and about how long to wait. A question about how many
    days the procedure takes (which rules send here right after a ticket), or "how long" about the procedure being
    discussed before any ticket, goes to the guide."""

    def name(self) -> str:
        return "action_queue_status"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text")
        words = self.services.queue_words
        no_ticket_yet = not tracker.get_slot("ticket_id") and tracker.get_slot("procedure_code")
        if not words.asks_about_waiting(text) and (words.asks_procedure_time(text) or no_ticket_yet):
            # "rút một lần thì mấy ngày có tiền" right after a ticket: nobody queues for days; and "how long does it
            # take" with no ticket taken asks about the procedure being discussed: the procedure's time
            return send(dispatcher, await guide_reply(self.services, tracker))
        reply = await self.services.desks.queue_status(
            ticket_id=tracker.get_slot("ticket_id"), language=turn_language(tracker)
        )
        return send(dispatcher, reply)


class ActionOpeningHours(ServiceAction):
    def name(self) -> str:
        return "action_opening_hours"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        return send(dispatcher, await self.services.desks.opening_hours(turn_language(tracker)))


class ActionDeclineOffer(ServiceAction):
    """The citizen said no or "never mind": drop any pending offer or choice and ask if there is anything else."""

    def name(self) -> str:
        return "action_decline_offer"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        language = turn_language(tracker)
        dispatcher.utter_message(
            text=self.services.replies.say("decline", language),
            json_message=ReplyPayload(kind="cancelled", language=language).to_custom(),
        )
        return [SlotSet("pending_offer", None), SlotSet("pending_options", None)]
