"""Compose short, speakable answers (≤ 3 sentences) about one procedure record, citing its code."""

from __future__ import annotations

import re
from typing import Any

from assistant.actions.card_view import card_of
from assistant.actions.language import in_language
from assistant.actions.names import clean_cut
from assistant.actions.replies import Replies
from knowledge_base.text import fold

TOPIC_BY_INTENT = {
    "ask_procedure": "overview",
    "nlu_fallback": "overview",
    "ask_documents": "documents",
    "ask_fee": "fee",
    "ask_processing_time": "time",
    "ask_where": "where",
    "ask_online": "online",
    "ask_steps": "steps",
    "ask_legal_basis": "legal",
    "ask_details": "details",
}
TOPICS = ("overview", "documents", "fee", "time", "where", "online", "steps", "legal")
SPOKEN_ITEMS = 3
NAME_CHARS = 70
_SENTENCE_END = re.compile(r"[.;:!?]\s|\n")
_STEP_HEADING = re.compile(r"^\W*bước\s*\d+\s*[:.\-–]?\s*", re.IGNORECASE)


def display_name(name: str) -> str:
    """Catalogue names often start with "Thủ tục"; the reply templates already say it, so drop it once.
    Long names are cut at a phrase boundary, never mid-phrase with "…" (assistant.actions.names)."""
    name = clean_cut(shorten(name or "", 400), NAME_CHARS)
    if fold(name[:7]) == "thu tuc" and name[7:8] == " ":
        name = name[8:].lstrip()
        if len(name) > 1 and name[1].islower():
            name = name[0].lower() + name[1:]
    return name


def _base(procedure: dict[str, Any]) -> dict[str, str]:
    name = display_name(procedure.get("short_name") or procedure.get("name", ""))
    card = card_of(procedure)
    if ((card and card.get("language") == "en") or procedure.get("name_en")) and procedure.get("name"):
        # The official Vietnamese name once, so the citizen can show it at the desk.
        name = f"{name} (“{display_name(procedure['name'])}”)"
    return {"name": name, "code": procedure["code"]}


def shorten(text: str, limit: int = 90) -> str:
    """First clause of ``text`` (no inner full stops, so the reply stays few sentences), at most ``limit`` chars."""
    text = re.sub(r"^[\s\-–•*+]+", "", text or "").strip()
    match = _SENTENCE_END.search(text)
    if match:
        text = text[: match.start()]
    bracket = text.find(" (")
    if bracket >= 15:  # "Tờ khai … theo mẫu (nếu người có yêu cầu …)" → the part before the bracket
        text = text[:bracket]
    text = text.strip().rstrip(".;:, ")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;: ") + "…"
    return text


def _join(items: list[str], replies: Replies, language: str, *, full: bool) -> str:
    shown = items if full else items[:SPOKEN_ITEMS]
    text = "; ".join(shown)
    if len(items) > len(shown):
        text += " " + replies.say("more_items", language, count=len(items) - len(shown))
    return text


def _document_rank(document: dict[str, Any]) -> int:
    """Forms first, then documents always needed, then conditional ones ("Trường hợp …"), then 0-copy items."""
    name = fold(shorten(document.get("name", "")))
    copies = re.match(r"\s*(\d+)", document.get("copies") or "")
    needed = copies is None or int(copies.group(1)) > 0
    if needed and (document.get("form") or name.startswith(("to khai", "mau "))):
        return 0
    if needed and "truong hop" not in name and not name.startswith(("neu ", "doi voi")):
        return 1
    return 2 if needed else 3


def _document_names(procedure: dict[str, Any]) -> list[str]:
    """Document names in the order worth saying: the answer card's common case when the view carries one, else
    the catalogue's (notes "Lưu ý" are not documents)."""
    card = card_of(procedure)
    if card and card.get("documents"):
        return [d for d in card["documents"] if d]
    documents = [d for d in procedure.get("documents") or [] if fold(d.get("group", "")) != "luu y"]
    ranked = sorted(documents, key=_document_rank)  # stable: catalogue order within a rank
    names = [shorten(d.get("name", "")) for d in ranked]
    return list(dict.fromkeys(n for n in names if n))


def _main_channel(procedure: dict[str, Any]) -> dict[str, Any] | None:
    channels = procedure.get("channels") or []
    for channel in channels:
        if channel.get("channel") == "in_person":
            return channel
    return channels[0] if channels else None


def format_vnd(amount: int, language: str) -> str:
    """8000 → "8.000" in Vietnamese, "8,000" in English."""
    text = f"{amount:,}"
    return text.replace(",", ".") if language == "vi" else text


def fee_reply(procedure: dict[str, Any], replies: Replies, language: str) -> str:
    """Free / an exact amount / set by the province. Never a number the catalogue does not give."""
    base = _base(procedure)
    channel = _main_channel(procedure)
    amount = channel.get("fee_amount_vnd") if channel else None
    if channel is None or channel.get("fee_set_by_province") or not isinstance(amount, int) or amount < 0:
        return replies.say("fee_province", language, **base)
    if amount == 0:
        return replies.say("fee_free", language, **base)
    return replies.say("fee_amount", language, amount=format_vnd(amount, language), **base)


def time_reply(procedure: dict[str, Any], replies: Replies, language: str) -> str:
    base = _base(procedure)
    card = card_of(procedure)
    if card and card.get("time"):
        return replies.say("time", language, time=card["time"].rstrip(". "), **base)
    channel = _main_channel(procedure) or {}
    text = shorten(channel.get("processing_time") or "", 120)
    days = channel.get("processing_days")
    counted = isinstance(days, (int, float)) and days > 0
    if language != "vi" and counted:  # the catalogue's wording is Vietnamese ("5 Ngày làm việc"): count in English
        working = "làm việc" in text.lower()
        return replies.say("time", language, time=f"{days:g} {'working day(s)' if working else 'day(s)'}", **base)
    if not re.search(r"[^\W\d_]", text):  # a bare number is not a readable answer
        if counted:
            text = f"{days:g} ngày" if language == "vi" else f"{days:g} day(s)"
        else:
            return replies.say("time_unknown", language, **base)
    return replies.say("time", language, time=text, **base)


def where_reply(procedure: dict[str, Any], route: dict[str, Any] | None, replies: Replies, language: str) -> str:
    base = _base(procedure)
    desk = (route or {}).get("desk") or {}
    if not desk.get("name"):
        return replies.say("where_unknown", language, **base)
    directions = shorten(in_language(desk, "directions", language), 140)
    name = (desk.get("name_en") if language == "en" else None) or desk["name"]
    return replies.say(
        "where",
        language,
        desk=name,
        floor=in_language(desk, "floor", language),
        directions=f"{directions}. " if directions else "",
        **base,
    )


def channels_reply(procedure: dict[str, Any], replies: Replies, language: str) -> str:
    base = _base(procedure)
    kinds = [c.get("channel") for c in procedure.get("channels") or []]
    labels = [replies.say(f"channel_{k}", language) for k in ("in_person", "online", "post") if k in kinds]
    listed = ", ".join(labels) or replies.say("channel_in_person", language)
    return replies.say("online_yes" if "online" in kinds else "online_no", language, channels=listed, **base)


def describe(
    topic: str,
    procedure: dict[str, Any],
    replies: Replies,
    language: str,
    *,
    route: dict[str, Any] | None = None,
    full: bool = False,
) -> str:
    """The reply for ``topic`` (one of TOPICS) about ``procedure``; ``full`` lists everything (details on request)."""
    text = _describe(topic, procedure, replies, language, route=route, full=full)
    return text.replace("….", "…").replace("…,", "…")


def _describe(
    topic: str,
    procedure: dict[str, Any],
    replies: Replies,
    language: str,
    *,
    route: dict[str, Any] | None = None,
    full: bool = False,
) -> str:
    base = _base(procedure)
    if topic in ("overview", "documents"):
        names = _document_names(procedure)
        if not names:
            return replies.say("documents_none", language, **base)
        return replies.say(topic, language, documents=_join(names, replies, language, full=full), **base)
    if topic == "fee":
        return fee_reply(procedure, replies, language)
    if topic == "time":
        return time_reply(procedure, replies, language)
    if topic == "where":
        return where_reply(procedure, route, replies, language)
    if topic == "online":
        return channels_reply(procedure, replies, language)
    if topic == "steps":
        steps = [shorten(_STEP_HEADING.sub("", s), 120) for s in procedure.get("steps") or []]
        steps = [s for s in steps if s]
        if not steps:
            return replies.say("steps_none", language, **base)
        if full:
            return replies.say("steps_full", language, steps="; ".join(steps), **base)
        return replies.say("steps", language, count=len(steps), first=steps[0], **base)
    if topic == "legal":
        laws = [
            (law.get("number") or shorten(law.get("name", ""), 60)).strip()
            for law in procedure.get("legal_basis") or []
        ]
        laws = [law for law in laws if law]
        if not laws:
            return replies.say("legal_none", language, **base)
        return replies.say("legal", language, laws=_join(laws, replies, language, full=full), **base)
    raise ValueError(f"unknown topic {topic!r}")
