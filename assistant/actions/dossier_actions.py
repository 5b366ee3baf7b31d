"""Dossier status form: validate the code and the 4 digits (one re-ask with an example), then look it up; the
questions right after a dossier answer are answered about that dossier."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.base import ServiceAction, send, turn_language
from assistant.actions.dossier import (
    MAX_FORM_RETRIES,
    client_key,
    find_dossier_code,
    find_id_last4,
    id_last4_beside_code,
    mentions_dossier_code,
)
from assistant.actions.procedure_actions import ActionAnswerProcedure
from assistant.actions.runtime import ServiceProvider, Services, services_of
from assistant.actions.service_actions import previous_bot_action
from assistant.payload import ReplyPayload


class ValidateDossierForm(FormValidationAction):
    """Reads the dossier code / digits out of free text (lower-case agency parts, spaces, digits said as words); a
    wrong answer re-asks only that slot, so a right code is kept after wrong digits; the second wrong answer in a
    row ends the form."""

    def __init__(self, services: Services | ServiceProvider | None = None) -> None:
        self._services = services

    def name(self) -> str:
        return "validate_dossier_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
        if (tracker.get_slot("form_retries") or 0) >= MAX_FORM_RETRIES:
            return []  # requested_slot becomes None → the form ends → action_dossier_status explains
        return domain_slots

    # Extraction runs on every turn of the form, activation included: a code written in lower case (which the NLU
    # entity pattern misses) or a code given together with the digits fills both slots from one message.
    async def extract_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if tracker.get_slot("dossier_code"):
            return {}
        code = find_dossier_code(tracker.latest_message.get("text"))
        return {"dossier_code": code} if code else {}

    async def extract_id_last4(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if tracker.get_slot("id_last4"):
            return {}
        digits = id_last4_beside_code(tracker.latest_message.get("text"))
        return {"id_last4": digits} if digits else {}

    def _retry(self, slot: str, reply_key: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        retries = (tracker.get_slot("form_retries") or 0) + 1
        if retries < MAX_FORM_RETRIES:
            replies = services_of(self._services, self.name()).replies
            language = turn_language(tracker)
            dispatcher.utter_message(
                text=replies.say(reply_key, language),
                json_message=ReplyPayload(kind="dossier_prompt", language=language).to_custom(),
            )
        return {slot: None, "form_retries": retries}

    async def validate_dossier_code(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        # the whole message first: a code typed with spaces ("… - 250808 - 0006") reaches the slot in pieces
        code = find_dossier_code(tracker.latest_message.get("text")) or find_dossier_code(
            slot_value if isinstance(slot_value, str) else None
        )
        if code:
            return {"dossier_code": code, "form_retries": 0}
        return self._retry("dossier_code", "dossier_bad_code", dispatcher, tracker)

    async def validate_id_last4(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        digits = find_id_last4(slot_value if isinstance(slot_value, str) else None)
        if digits:
            return {"id_last4": digits, "form_retries": 0}
        return self._retry("id_last4", "dossier_bad_digits", dispatcher, tracker)


class ActionDossierStatus(ServiceAction):
    """Runs after the form: looks the dossier up and clears the code and digits from the conversation."""

    def name(self) -> str:
        return "action_dossier_status"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        reply = await self.services.dossiers.status(
            code=tracker.get_slot("dossier_code"),
            id_last4=tracker.get_slot("id_last4"),
            language=turn_language(tracker),
            client=client_key((tracker.latest_message or {}).get("metadata")),
        )
        return send(dispatcher, reply)


class ActionDossierHelp(ServiceAction):
    """Where the dossier code is printed (receipt, appointment slip) and that the desk can look it up. A message
    that mentions no code, receipt or slip is a procedure question after all ("tôi quên tên giấy đó rồi")."""

    def name(self) -> str:
        return "action_dossier_help"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        language = turn_language(tracker)
        if not mentions_dossier_code(text):
            return send(
                dispatcher,
                await self.services.guide.answer(
                    text=text,
                    intent="ask_procedure",
                    topic="overview",
                    current_code=tracker.get_slot("procedure_code"),
                    language=language,
                ),
            )
        dispatcher.utter_message(response="utter_dossier_help")
        return []


def last_dossier_status(tracker: Tracker) -> dict[str, Any] | None:
    """The dossier part of the assistant's last message when it was a dossier status (no code or digits in it)."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "bot":
            reply = ((event.get("data") or {}).get("custom") or {}).get("reply") or {}
            return reply.get("dossier") if reply.get("kind") == "dossier_status" else None
    return None


class ActionDossierFollowup(ActionAnswerProcedure):
    """A question right after a dossier answer (assistant.components.pending_choice_policy.DossierFollowupPolicy):
    "mang gì đi lấy", "nộp tiền ở đâu", "lên lấy được chưa" repeat what the status asks the citizen to do and where;
    "mã đấy ghi ở đâu" after the code help repeats the help; a turn that names a procedure is a procedure question."""

    def name(self) -> str:
        return "action_dossier_followup"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        previous = previous_bot_action(tracker)
        if previous == "action_dossier_help" and mentions_dossier_code(text):
            dispatcher.utter_message(response="utter_dossier_help")
            return []
        dossier = last_dossier_status(tracker) if previous == "action_dossier_status" else None
        if dossier and not self.services.desks.turn_words.names_a_procedure(text):
            reply = self.services.dossiers.followup(dossier, turn_language(tracker))
            if reply is not None:
                return send(dispatcher, reply)
        return await super().act(dispatcher, tracker, domain)
