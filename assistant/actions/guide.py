"""Procedure guidance: find the procedure a question is about, then answer the asked topic about it."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from knowledge_base.text import clean

from assistant.actions.answers import TOPICS, describe, shorten
from assistant.actions.bridge_client import BridgeClient, BridgeUnavailable
from assistant.actions.followup import QuestionWords
from assistant.actions.not_at_ward import is_ward_level, not_at_ward_reply
from assistant.actions.options import parse_option_number
from assistant.actions.replies import Replies
from assistant.actions.reply import Reply

logger = logging.getLogger(__name__)
MAX_CHOICES = 3
SEARCH_INTENTS = ("ask_procedure", "nlu_fallback")
_RANK = {"no_match": 0, "ambiguous": 1, "confident": 2}


@dataclass
class Guide:
    """Answers procedure questions through the bridge; one per action server, shared by the actions."""

    bridge: BridgeClient
    replies: Replies
    question_words: QuestionWords
    search_k: int = MAX_CHOICES
    max_query_chars: int = 300

    async def answer(
        self, *, text: str, intent: str, topic: str, current_code: str | None, language: str, full: bool = False
    ) -> Reply:
        """Reply to a procedure question. ``topic`` is one of answers.TOPICS (details already resolved)."""
        query = clean(text or "", max_chars=self.max_query_chars)
        if not query:
            return Reply(self.replies.say("empty_message", language))
        if full and current_code:  # "details" always means the procedure being discussed
            return await self.answer_code(current_code, topic, language, full=True)
        words = len(self.question_words.subject_words(query))
        outcome = None
        if current_code and words == 1:
            # One word left beside a current procedure: "how do I get a passport", "còn kết hôn?". Switch only
            # when the search is sure it names another procedure; otherwise it is a follow-up about this one.
            try:
                outcome = await self._search(query)
            except BridgeUnavailable:
                return self._bridge_down(language)
            top = (outcome.get("results") or [{}])[0].get("code")
            if not outcome.get("elsewhere") and (outcome.get("confidence") != "confident" or top == current_code):
                outcome = None
        if outcome is None and not self.question_words.names_a_procedure(query, has_current=bool(current_code)):
            if current_code and intent != "nlu_fallback":
                return await self.answer_code(current_code, topic, language, full=full)
            key = "ask_which_procedure" if intent != "nlu_fallback" else "empty_message"
            return Reply(self.replies.say(key, language), slots={"last_topic": topic, "pending_offer": None})
        try:
            outcome = outcome or await self._search(query)
        except BridgeUnavailable:
            return self._bridge_down(language)
        confidence = outcome.get("confidence")
        hits = [h for h in outcome.get("results") or [] if isinstance(h, dict) and h.get("code")]
        logger.info("procedure search: intent=%s topic=%s confidence=%s hits=%d", intent, topic, confidence, len(hits))
        codes = [h["code"] for h in hits]
        follow_up = intent not in SEARCH_INTENTS
        if confidence == "ambiguous" and hits and current_code in codes[:MAX_CHOICES] and follow_up:
            return await self.answer_code(current_code, topic, language, full=full)
        elsewhere = outcome.get("elsewhere") if isinstance(outcome.get("elsewhere"), dict) else None
        if elsewhere and elsewhere.get("code"):
            # A procedure the ward does not handle outranks every ward one (a passport, a criminal record).
            if confidence == "confident" and hits:  # a ward procedure fits too: let the citizen pick
                return self._clarify([elsewhere, hits[0]], topic, language)
            return await self.answer_code(elsewhere["code"], topic, language)
        if confidence == "confident" and hits:
            return await self.answer_code(hits[0]["code"], topic, language, full=full)
        if confidence == "ambiguous" and hits:
            return self._clarify(hits[:MAX_CHOICES], topic, language)
        if current_code and follow_up:
            return await self.answer_code(current_code, topic, language, full=full)
        return Reply(
            self.replies.say("no_match", language),
            slots={"pending_offer": "human", "pending_options": None, "last_topic": topic},
        )

    async def _search(self, query: str) -> dict[str, Any]:
        """Search the procedure words first ("khai sinh"); if that is not confident, also the whole text.

        Each ward-level outcome may carry ``elsewhere``: a procedure not handled at the ward that outranks every
        ward hit (knowledge_base.search.outcome.SearchOutcome), found in the same search at no extra cost.
        """
        subject = self.question_words.subject_text(query)
        outcome = await self.bridge.search(subject or query, k=self.search_k)
        if outcome.get("confidence") != "confident" and not outcome.get("elsewhere") and subject and subject != query:
            whole = await self.bridge.search(query, k=self.search_k)
            if _RANK.get(whole.get("confidence"), 0) > _RANK.get(outcome.get("confidence"), 0) or whole.get("elsewhere"):
                return whole
        return outcome

    async def choose(self, *, text: str, option_entity: Any, options: list[str] | None, topic: str | None,
                     language: str) -> Reply:
        """The citizen picked one of the offered procedures ("số 2", a button, "the second one")."""
        if not options:
            return Reply(self.replies.say("ask_which_procedure", language))
        number = parse_option_number(text, option_entity)
        if number is None or not 1 <= number <= len(options):
            return Reply(self.replies.say("option_invalid", language))
        return await self.answer_code(options[number - 1], topic if topic in TOPICS else "overview", language)

    async def answer_code(self, code: str, topic: str, language: str, *, full: bool = False) -> Reply:
        """Answer ``topic`` about the procedure ``code`` and remember it as the current procedure.

        A procedure the ward does not handle gets the "handled by …" reply instead, and the current-procedure
        slot is cleared rather than set to it: otherwise "lệ phí bao nhiêu" or "nộp ở quầy nào" would be answered
        as if the ward handled it (a ward desk, a queue ticket), and keeping an earlier ward procedure would answer
        about the wrong one. With the slot empty a follow-up gets "which procedure?", and the offer of an officer
        stands ("có" → the general desk).
        """
        try:
            procedure = await self.bridge.get_procedure(code)
            if procedure is None:
                return Reply(
                    self.replies.say("no_match", language),
                    slots={"procedure_code": None, "procedure_name": None, "pending_offer": "human"},
                )
            if not is_ward_level(procedure):
                logger.info("procedure %s is not handled at the ward", procedure.get("code"))
                return Reply(
                    not_at_ward_reply(procedure, self.replies, language),
                    slots={"procedure_code": None, "procedure_name": None, "last_topic": topic,
                           "pending_options": None, "pending_offer": "human"},
                )
            route = await self.bridge.route_desk(code) if topic == "where" else None
        except BridgeUnavailable:
            return self._bridge_down(language)
        text = describe(topic, procedure, self.replies, language, route=route, full=full)
        offer = "ticket" if topic == "where" and route else None
        return Reply(
            text,
            slots={
                "procedure_code": procedure["code"],
                "procedure_name": procedure["name"],
                "last_topic": topic,
                "pending_options": None,
                "pending_offer": offer,
            },
        )

    def _clarify(self, hits: list[dict[str, Any]], topic: str, language: str) -> Reply:
        # Titles are plain names (the kiosk numbers and speaks them itself); the code is added only when
        # two offered procedures share a name.
        names = [shorten(hit.get("name") or hit["code"], 80) for hit in hits]
        buttons = [
            {
                "title": name if names.count(name) == 1 else f"{name} ({hit['code']})",
                "payload": "/choose_option" + json.dumps({"option_number": str(i)}),
            }
            for i, (name, hit) in enumerate(zip(names, hits), start=1)
        ]
        return Reply(
            self.replies.say("clarify", language),
            buttons=buttons,
            slots={"pending_options": [h["code"] for h in hits], "last_topic": topic, "pending_offer": None},
        )

    def _bridge_down(self, language: str) -> Reply:
        return Reply(self.replies.say("bridge_down", language), slots={"pending_offer": None})
