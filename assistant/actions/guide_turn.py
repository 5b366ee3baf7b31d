"""The guide's answer to a turn about a procedure: which topic the intent asks (documents, fee, time …, "tell me
more" repeats the last one in full), answered by the bridge's guide for the procedure the turn means. Shared by
the procedure action and by the queue action when a "how long" after a ticket is about the procedure."""

from __future__ import annotations

from rasa_sdk import Tracker

from assistant.actions.answers import TOPIC_BY_INTENT, TOPICS
from assistant.actions.base import turn_language
from assistant.actions.reply import Reply
from assistant.actions.runtime import Services


async def guide_reply(services: Services, tracker: Tracker) -> Reply:
    """The guide's reply to the latest message, with the conversation's procedure, pending choices and history."""
    intent = (tracker.latest_message.get("intent") or {}).get("name") or "nlu_fallback"
    topic = TOPIC_BY_INTENT.get(intent, "overview")
    full = topic == "details"
    if full:
        last = tracker.get_slot("last_topic")
        topic = last if last in TOPICS and last != "overview" else "documents"
    return await services.guide.answer(
        text=tracker.latest_message.get("text") or "",
        intent=intent,
        topic=topic,
        current_code=tracker.get_slot("procedure_code"),
        language=turn_language(tracker),
        full=full,
        options=tracker.get_slot("pending_options"),
        recent=tracker.get_slot("recent_procedures"),
        matter=tracker.get_slot("outside_matter"),
        last_topic=tracker.get_slot("last_topic"),
    )
