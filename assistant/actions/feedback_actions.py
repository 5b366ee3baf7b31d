"""Actions for feedback: a rating (tapped or spoken), a comment, a complaint recorded for staff reports."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.base import ServiceAction, send, turn_language
from assistant.actions.reply import Reply


async def _as_procedure_question(action: ServiceAction, tracker: Tracker) -> Reply:
    """A message the classifier took for feedback but that carries no feedback words is a procedure question
    (long, rambling questions can look like complaints to an n-gram classifier)."""
    return await action.services.guide.answer(
        text=tracker.latest_message.get("text") or "",
        intent="ask_procedure",
        topic="overview",
        current_code=tracker.get_slot("procedure_code"),
        language=turn_language(tracker),
    )


class ActionRecordRating(ServiceAction):
    """Records a 1–5 rating ("5 sao", "năm sao", "rất hài lòng", a star button); asks again when none is said."""

    def name(self) -> str:
        return "action_record_rating"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = await self.services.feedback.rate(
            text=tracker.latest_message.get("text"),
            entity=next(tracker.get_latest_entity_values("rating"), None),
            language=turn_language(tracker),
            conversation_id=tracker.sender_id,
        )
        return send(dispatcher, reply)


class ActionGiveFeedback(ServiceAction):
    """Praise or a suggestion: thanks, records a rating said with it or asks for one."""

    def name(self) -> str:
        return "action_give_feedback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text")
        if not self.services.feedback.words.sounds_like_feedback(text):
            return send(dispatcher, await _as_procedure_question(self, tracker))
        reply = await self.services.feedback.comment(
            text=text, language=turn_language(tracker), conversation_id=tracker.sender_id
        )
        return send(dispatcher, reply)


class ActionRecordComplaint(ServiceAction):
    """A complaint (an officer's attitude, the wait, an overdue result...) recorded by category for staff reports,
    with an officer offered."""

    def name(self) -> str:
        return "action_record_complaint"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text")
        if not self.services.feedback.words.sounds_like_complaint(text):
            return send(dispatcher, await _as_procedure_question(self, tracker))
        reply = await self.services.feedback.complain(
            text=text, language=turn_language(tracker), conversation_id=tracker.sender_id
        )
        return send(dispatcher, reply)
