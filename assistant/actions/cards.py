"""The structured side of procedure replies (assistant.payload): card, suggestions and spoken form."""

from __future__ import annotations

import re
from typing import Any

from assistant.actions.answers import _document_names, _main_channel, format_vnd, shorten
from assistant.actions.card_view import card_of
from assistant.actions.language import in_language
from assistant.actions.names import short_name
from assistant.payload import Choice, Desk, ProcedureCard, ReplyPayload

SPEECH_CHARS = 200
_SENTENCE = re.compile(r"(?<=[.!?])\s")
SUGGESTIONS = {
    "vi": [
        ("Lệ phí", "/ask_fee"),
        ("Thời gian", "/ask_processing_time"),
        ("Nộp ở đâu", "/ask_where"),
        ("Lấy số", "/ask_queue_ticket"),
    ],
    "en": [
        ("Fee", "/ask_fee"),
        ("Processing time", "/ask_processing_time"),
        ("Where to submit", "/ask_where"),
        ("Take a number", "/ask_queue_ticket"),
    ],
}
TOPIC_NAMES = ("overview", "documents", "fee", "time", "where", "online", "steps", "legal")


def speech(text: str, limit: int = SPEECH_CHARS) -> str:
    """Up to two sentences of ``text`` within ``limit`` characters, cut at a sentence or word boundary, no "…"."""
    text = " ".join((text or "").replace("…", "").split())
    out = ""
    for sentence in _SENTENCE.split(text)[:2]:
        candidate = f"{out} {sentence}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    if not out:
        out = text[: limit + 1].rsplit(" ", 1)[0].rstrip(",;: ")
    return out


def suggestions(language: str) -> list[Choice]:
    return [Choice(title=title, payload=payload) for title, payload in SUGGESTIONS.get(language, SUGGESTIONS["vi"])]


def _fee_text(procedure: dict[str, Any], language: str) -> str | None:
    channel = _main_channel(procedure)
    if channel is None:
        return None
    amount = channel.get("fee_amount_vnd")
    if channel.get("fee_set_by_province"):
        return "Do HĐND tỉnh quy định" if language == "vi" else "Set by the province"
    if isinstance(amount, int) and amount >= 0:
        if amount == 0:
            return "Miễn phí" if language == "vi" else "Free"
        return f"{format_vnd(amount, language)} đồng" if language == "vi" else f"{format_vnd(amount, language)} VND"
    return shorten(channel.get("fee") or "", 120) or None


def desk_of(route: dict[str, Any] | None, language: str = "vi") -> Desk | None:
    """The desk of a desk route, named in the reply's language (English falls back to the Vietnamese name)."""
    desk = (route or {}).get("desk") or {}
    if not desk.get("id") or not desk.get("name"):
        return None
    name = (desk.get("name_en") if language == "en" else None) or desk["name"]
    return Desk(
        id=str(desk["id"]),
        name=name,
        floor=in_language(desk, "floor", language) or None,
        directions=in_language(desk, "directions", language) or None,
    )


def procedure_card(
    procedure: dict[str, Any],
    topic: str,
    language: str,
    *,
    route: dict[str, Any] | None = None,
    handled_by: str | None = None,
) -> ProcedureCard:
    """The card of one procedure record (ward level or not) as the reply's language can show it today."""
    channel = _main_channel(procedure) or {}
    kinds = {c.get("channel") for c in procedure.get("channels") or []}
    ward = procedure.get("ward_level") is not False
    card = card_of(procedure)
    if card:  # the citizen answer card in the reply's language
        return ProcedureCard(
            code=procedure["code"],
            name=short_name(procedure, language),
            official_name=procedure.get("name") or None,
            topic=topic if topic in TOPIC_NAMES else "overview",
            ward_level=ward,
            documents=[d for d in card.get("documents") or [] if d],
            fee=card.get("fee") or _fee_text(procedure, language),
            time=card.get("time") or None,
            online=card.get("online"),
            portal_url=card.get("portal_url") or procedure.get("source_url") or None,
            notes=[n for n in card.get("notes") or [] if n][:2],
            handled_by=handled_by or None,
            desk=desk_of(route, language) if ward else None,
        )
    return ProcedureCard(
        code=procedure["code"],
        name=short_name(procedure, language),
        official_name=procedure.get("name") or None,
        topic=topic if topic in TOPIC_NAMES else "overview",
        ward_level=ward,
        documents=_document_names(procedure),
        fee=_fee_text(procedure, language),
        time=shorten(channel.get("processing_time") or "", 160) or None,
        online=("online" in kinds) if procedure.get("channels") else None,
        portal_url=procedure.get("source_url") or None,
        handled_by=handled_by or None,
        desk=desk_of(route, language) if ward else None,
    )


def procedure_payload(
    procedure: dict[str, Any],
    topic: str,
    language: str,
    text: str,
    *,
    route: dict[str, Any] | None = None,
    handled_by: str | None = None,
) -> ReplyPayload:
    """kind procedure (or not_at_ward): the card, tappable follow-ups and a short spoken form."""
    ward = procedure.get("ward_level") is not False
    follow = suggestions(language) if ward else [c for c in suggestions(language) if c.payload != "/ask_queue_ticket"]
    return ReplyPayload(
        kind="procedure" if ward else "not_at_ward",
        language=language,
        speech=speech(text),
        procedure=procedure_card(procedure, topic, language, route=route, handled_by=handled_by),
        suggestions=follow,
        desk=desk_of(route, language) if ward else None,
    )
