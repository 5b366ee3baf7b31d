"""Compose the honest "this is not done at the ward" reply from a non-ward procedure record.

Only what the catalogue gives is said: the performing (else competent) body, the level(s) and the
submission address each appear only when the record has them; nothing is guessed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from assistant.actions.answers import describe, display_name, shorten
from assistant.actions.body_names import BodyNames
from assistant.actions.replies import Replies
from knowledge_base.text import clean, fold

BODY_CHARS = 100
ADDRESS_CHARS = 120


def is_ward_level(procedure: dict[str, Any]) -> bool:
    """True when the record says the ward (Cấp xã) handles it; a record without the flag counts as ward."""
    flag = procedure.get("ward_level")
    return True if flag is None else bool(flag)


def _list_head(text: str, limit: int) -> str:
    """A body list cut at a comma so no body name is broken ("Cục A, Cục B, …")."""
    text = clean(text or "").strip().rstrip(".;, ")
    if len(text) <= limit:
        return shorten(text, limit)
    head = text[:limit]
    cut = head.rfind(", ")
    return shorten(head[:cut], limit) + "…" if cut > 0 else shorten(text, limit)


@lru_cache(maxsize=1)
def default_body_names() -> BodyNames:
    return BodyNames.load()


def responsible_body(procedure: dict[str, Any], language: str = "vi") -> str:
    """Who the citizen deals with: the body in everyday words when knowledge_base/data/non_ward_procedures.yaml
    gives it (sent by the bridge under ``non_ward``), else the performing body, else the competent body, else "".
    In English, the body's English name with the Vietnamese one in brackets when assistant/actions/data/
    body_names.yaml knows it."""
    everyday = ((procedure.get("non_ward") or {}).get("body") or {}).get(language)
    if everyday:
        return clean(everyday)
    for key in ("performing_body", "competent_body"):
        body = _list_head(procedure.get(key) or "", BODY_CHARS)
        if body:
            return default_body_names().say(body, language)
    return ""


def level_text(procedure: dict[str, Any], replies: Replies, language: str) -> str:
    """Catalogue levels said in ``language`` ("cấp tỉnh" / "province level"); unknown labels are kept as given."""
    names = []
    for level in procedure.get("levels") or []:
        label = clean(level or "").strip()
        if not label or fold(label) == "cap xa":
            continue
        key = "level_" + fold(label).replace(" ", "_")
        names.append(replies.say(key, language) if key in replies.templates else label[0].lower() + label[1:])
    return ", ".join(dict.fromkeys(names))


def not_at_ward_reply(procedure: dict[str, Any], replies: Replies, language: str) -> str:
    """≤ 3 short sentences: not at this ward + who/level, where to submit (if known), offer of an officer."""
    base = {"name": display_name(procedure.get("name", "")), "code": procedure["code"]}
    if procedure.get("name_en"):  # English: the short English name, the official Vietnamese one once in brackets
        base["name"] = f"{procedure['name_en']} (“{base['name']}”)"
    body, level = responsible_body(procedure, language), level_text(procedure, replies, language)
    if body and level:
        first = replies.say("not_ward_body_level", language, body=body, level=level, **base)
    elif body:
        first = replies.say("not_ward_body", language, body=body, **base)
    elif level:
        first = replies.say("not_ward_level", language, level=level, **base)
    else:
        first = replies.say("not_ward_plain", language, **base)
    parts = [first]
    address = shorten(clean(procedure.get("submission_address") or ""), ADDRESS_CHARS)
    if address:
        parts.append(replies.say("not_ward_address", language, address=address))
    parts.append(replies.say("not_ward_offer", language))
    return " ".join(parts).replace("….", "…").replace("…,", "…")


REFERRAL_TOPICS = ("overview", "where")
"""Topics answered with the referral itself; the others (fee, time, documents, ...) with the catalogue's fact
followed by a reminder of who handles it."""


def not_at_ward_answer(
    procedure: dict[str, Any], topic: str, replies: Replies, language: str, *, full: bool = False
) -> str:
    """A follow-up about a procedure handled beyond the ward: its fee/time/documents from the catalogue, framed
    as handled by its body (never a ward desk or ticket); "where"/overview get the referral reply."""
    if topic in REFERRAL_TOPICS:
        return not_at_ward_reply(procedure, replies, language)
    fact = describe(topic, procedure, replies, language, full=full)
    body = responsible_body(procedure, language)
    reminder = (
        replies.say("not_ward_reminder_body", language, body=body)
        if body
        else replies.say("not_ward_reminder", language)
    )
    return f"{fact} {reminder}".replace("….", "…").replace("…,", "…")
