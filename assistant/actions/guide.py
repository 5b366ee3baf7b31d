"""Procedure guidance: ask the bridge what the turn is about (knowledge_base.turn via GET /api/turn), then answer.

The decision — follow-up or topic switch, siblings → a clarifying question, not at the ward → a referral — is
made in one place, ``knowledge_base.turn.search_turn``; this module only turns it into a reply and its payload.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from assistant.actions.answers import TOPICS, describe
from assistant.actions.bridge_client import BridgeClient, BridgeUnavailable
from assistant.actions.card_view import in_language
from assistant.actions.cards import procedure_payload, speech
from assistant.actions.names import short_name
from assistant.actions.not_at_ward import is_ward_level, not_at_ward_answer, responsible_body
from assistant.actions.options import parse_option_number
from assistant.actions.replies import Replies
from assistant.actions.reply import Reply
from assistant.payload import Choice, ReplyPayload
from knowledge_base.text import clean
from knowledge_base.turn.topics import default_topic_words
from knowledge_base.turn.words import default_turn_words

logger = logging.getLogger(__name__)
MAX_CHOICES = 3


EARLIER_KEPT = 4
"""How many procedures discussed before the current one a conversation remembers (for "quay lại …" turns)."""


def remember_earlier(reply: Reply, previous: str | None, earlier: list[str] | None) -> Reply:
    """When the reply moves to another procedure (or to none: a matter outside the catalogue), the one left becomes
    the most recent earlier procedure."""
    if "procedure_code" not in reply.slots or reply.slots["procedure_code"] == previous:
        return reply
    new = reply.slots["procedure_code"]
    codes = [previous, *(earlier or [])] if previous else list(earlier or [])
    reply.slots["recent_procedures"] = [c for c in dict.fromkeys(codes) if c and c != new][:EARLIER_KEPT]
    return reply


@dataclass
class Guide:
    """Answers procedure questions through the bridge; one per action server, shared by the actions."""

    bridge: BridgeClient
    replies: Replies
    max_query_chars: int = 300

    async def answer(
        self,
        *,
        text: str,
        intent: str,
        topic: str,
        current_code: str | None,
        language: str,
        full: bool = False,
        options: list[str] | None = None,
        recent: list[str] | None = None,
        matter: str | None = None,
        last_topic: str | None = None,
    ) -> Reply:
        """Reply to a procedure question. ``topic`` is one of answers.TOPICS (details already resolved);
        ``options`` are the codes of a clarifying question still pending; ``recent`` the procedures discussed
        before the current one (slot ``recent_procedures``, most recent first), kept up to date in the reply;
        ``matter`` the matter outside the catalogue last referred (slot ``outside_matter``); ``last_topic`` what
        the previous answer was about (slot ``last_topic``)."""
        reply = await self._answer(
            text=text,
            intent=intent,
            topic=topic,
            current_code=current_code,
            language=language,
            full=full,
            options=options,
            recent=recent,
            matter=matter,
            last_topic=last_topic,
        )
        return remember_earlier(reply, current_code, recent)

    async def _answer(
        self,
        *,
        text: str,
        intent: str,
        topic: str,
        current_code: str | None,
        language: str,
        full: bool,
        options: list[str] | None,
        recent: list[str] | None,
        matter: str | None = None,
        last_topic: str | None = None,
    ) -> Reply:
        query = clean(text or "", max_chars=self.max_query_chars)
        if not query:
            return self._say("empty_message", "ask_procedure", language)
        if full and current_code:  # "details" always means the procedure being discussed
            said = default_topic_words().topic(query)
            if said in TOPICS and said != "overview":  # "hết bn tiền" asks the fee, whatever the classifier says
                return await self.answer_code(current_code, said, language)
            return await self.answer_code(current_code, topic, language, full=True)
        try:
            turn = await self.bridge.turn(
                query,
                current=current_code,
                options=list(options or []),
                recent=list(recent or []),
                language=language,
                **({"matter": matter} if matter and not current_code else {}),
            )
        except BridgeUnavailable:
            return self._bridge_down(language)
        kind = turn.get("kind")
        if turn.get("topic") in TOPICS:  # the question words are surer of WHAT is asked than the intent classifier
            topic = turn["topic"]
        elif _same_question_of_another(topic, last_topic, current_code, turn, query):
            topic = last_topic  # "cần giấy tờ gì" … "thế còn nhận con nuôi thì sao": the papers for that one
        logger.info("turn: intent=%s topic=%s kind=%s reason=%s", intent, topic, kind, turn.get("reason"))
        if kind == "out_of_scope" and isinstance(turn.get("matter"), dict):
            return self._everyday(turn["matter"], language)
        if kind == "not_at_ward" and isinstance(turn.get("matter"), dict):
            return self._outside(turn["matter"], language, topic if turn.get("follow_up") else None)
        if kind in ("procedure", "not_at_ward") and turn.get("code"):
            return await self.answer_code(turn["code"], topic, language, full=full)
        if kind == "clarify" and turn.get("choices"):
            return self._clarify(turn["choices"][:MAX_CHOICES], topic, language)
        if kind == "ask_procedure":
            key = "empty_message" if intent == "nlu_fallback" else "ask_which_procedure"
            reply = self._say(key, "ask_procedure", language)
            reply.slots.update({"last_topic": topic, "pending_offer": None})
            return reply
        reply = self._say("no_match", "no_match", language)
        reply.slots.update({"pending_offer": "human", "pending_options": None, "last_topic": topic})
        return reply

    async def choose(
        self,
        *,
        text: str,
        option_entity: Any,
        options: list[str] | None,
        topic: str | None,
        language: str,
        current_code: str | None = None,
        recent: list[str] | None = None,
    ) -> Reply:
        """The citizen picked one of the offered procedures ("số 2", a button, "the second one")."""
        return remember_earlier(
            await self._choose(text=text, option_entity=option_entity, options=options, topic=topic, language=language),
            current_code,
            recent,
        )

    async def _choose(
        self, *, text: str, option_entity: Any, options: list[str] | None, topic: str | None, language: str
    ) -> Reply:
        if not options:
            return self._say("ask_which_procedure", "ask_procedure", language)
        number = parse_option_number(text, option_entity)
        if number is None or not 1 <= number <= len(options):
            return self._say("option_invalid", "clarify", language)
        return await self.answer_code(options[number - 1], topic if topic in TOPICS else "overview", language)

    async def answer_code(self, code: str, topic: str, language: str, *, full: bool = False) -> Reply:
        """Answer ``topic`` about the procedure ``code`` and remember it as the current procedure.

        A procedure the ward does not handle stays the current procedure too, so "lệ phí bao nhiêu" or "mất bao
        lâu" after a referral are answered about it — from the catalogue, framed as handled by its body
        (not_at_ward.not_at_ward_answer). It is never routed to a ward field desk: "where" repeats the referral,
        no ticket is offered, and the bridge sends a ticket for it to the general desk (an officer's guidance).
        """
        try:
            procedure = await self.bridge.get_procedure(code)
            if procedure is not None:
                procedure = in_language(procedure, language)
            if procedure is None:
                reply = self._say("no_match", "no_match", language)
                reply.slots.update({"procedure_code": None, "procedure_name": None, "pending_offer": "human"})
                return reply
            if not is_ward_level(procedure):
                logger.info("procedure is not handled at the ward (topic %s)", topic)
                text = not_at_ward_answer(procedure, topic, self.replies, language, full=full)
                payload = procedure_payload(
                    procedure, topic, language, text, handled_by=responsible_body(procedure, language)
                )
                return Reply(text, payload=payload, slots=self._current(procedure, topic, offer="human"))
            route = await self.bridge.route_desk(code) if topic == "where" else None
        except BridgeUnavailable:
            return self._bridge_down(language)
        text = describe(topic, procedure, self.replies, language, route=route, full=full)
        offer = "ticket" if topic == "where" and route else None
        payload = procedure_payload(procedure, topic, language, text, route=route)
        return Reply(text, payload=payload, slots=self._current(procedure, topic, offer=offer))

    @staticmethod
    def _current(procedure: dict[str, Any], topic: str, *, offer: str | None) -> dict[str, Any]:
        return {
            "procedure_code": procedure["code"],
            "procedure_name": procedure.get("name"),
            "last_topic": topic,
            "pending_options": None,
            "pending_offer": offer,
            "outside_matter": None,
        }

    def _clarify(self, choices: list[dict[str, Any]], topic: str, language: str) -> Reply:
        # Titles are short names (the kiosk numbers and speaks them itself); the code is added only when two
        # offered procedures share a name.
        names = [short_name(choice, language) for choice in choices]
        buttons = [
            {
                "title": name if names.count(name) == 1 else f"{name} ({choice['code']})",
                "payload": "/choose_option" + json.dumps({"option_number": str(i)}),
            }
            for i, (name, choice) in enumerate(zip(names, choices), start=1)
        ]
        text = self.replies.say("clarify", language)
        payload = ReplyPayload(
            kind="clarify",
            language=language,
            speech=speech(text),
            choices=[Choice(title=b["title"], payload=b["payload"], code=c["code"]) for b, c in zip(buttons, choices)],
        )
        return Reply(
            text,
            buttons=buttons,
            payload=payload,
            slots={"pending_options": [c["code"] for c in choices], "last_topic": topic, "pending_offer": None},
        )

    def _outside(self, matter: dict[str, Any], language: str, follow_up_topic: str | None = None) -> Reply:
        """A matter outside the catalogue (divorce → the court): who handles it, and an officer offered. It becomes
        the current matter (slot ``outside_matter``; no procedure is current): a follow-up about it
        (``follow_up_topic``) gets what the matter's data says of that topic, else its "the court decides" line,
        with where to go."""

        def said(field: str, texts: dict | None = None) -> str:
            texts = texts if texts is not None else (matter.get(field) or {})
            return str(texts.get(language) or texts.get("vi") or "")

        name = said("name")
        answer = said("", (matter.get("answers") or {}).get(follow_up_topic or "") or {}) or said("follow_up")
        if follow_up_topic and follow_up_topic != "where" and answer:
            text = self.replies.say("outside_matter_follow_up", language, answer=answer, body=said("handled_by"))
        else:
            text = self.replies.say(
                "outside_matter",
                language,
                name=name[:1].upper() + name[1:] if language == "en" else name,
                body=said("handled_by"),
                note=said("note"),
            )
        text = text.strip()
        logger.info("matter outside the catalogue: %s (follow-up topic %s)", matter.get("id"), follow_up_topic)
        return Reply(
            text,
            payload=ReplyPayload(kind="not_at_ward", language=language, speech=speech(text)),
            slots={
                "pending_offer": "human",
                "pending_options": None,
                "procedure_code": None,
                "procedure_name": None,
                "outside_matter": matter.get("id"),
            },
        )

    def _everyday(self, matter: dict[str, Any], language: str) -> Reply:
        """An everyday matter that is no procedure (a bank loan, the water bill): said honestly, with who to ask.
        The procedure being discussed, if any, stays current; a pending choice is dropped."""
        texts = {field: matter.get(field) or {} for field in ("name", "handled_by")}
        name, body = (str(t.get(language) or t.get("vi") or "") for t in texts.values())
        text = self.replies.say("everyday_matter", language, name=name[:1].upper() + name[1:], body=body)
        logger.info("everyday matter out of scope: %s", matter.get("id"))
        return Reply(
            text,
            payload=ReplyPayload(kind="out_of_scope", language=language, speech=speech(text)),
            slots={"pending_offer": None, "pending_options": None},
        )

    def _say(self, key: str, kind: str, language: str) -> Reply:
        text = self.replies.say(key, language)
        return Reply(text, payload=ReplyPayload(kind=kind, language=language, speech=speech(text)))

    def _bridge_down(self, language: str) -> Reply:
        reply = self._say("bridge_down", "error", language)
        reply.slots["pending_offer"] = None
        return reply


def _same_question_of_another(
    topic: str, last_topic: str | None, current_code: str | None, turn: dict[str, Any], query: str
) -> bool:
    """The turn asks nothing of its own ("overview") but opens with a switch phrase ("thế còn …", "what about …")
    to another procedure: it asks the previous question (fee, papers …) again, of that procedure."""
    return (
        topic == "overview"
        and last_topic in TOPICS
        and last_topic != "overview"
        and current_code is not None
        and turn.get("kind") == "procedure"
        and turn.get("code") not in (None, current_code)
        and default_turn_words().turns_to_another(query)
    )
