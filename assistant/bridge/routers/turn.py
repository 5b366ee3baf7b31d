"""What one citizen turn is about (GET /api/turn): knowledge_base.turn.search_turn behind the bridge.

The action server asks this once per procedure turn, so follow-up vs topic switch, sibling clarification and
referrals are decided in one place, with the one copy of the search model in memory.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Query

from assistant.bridge.deps import ServicesDep, WardDep
from assistant.bridge.errors import ApiError
from assistant.bridge.redaction import redact
from knowledge_base.turn import search_turn

router = APIRouter(prefix="/api", tags=["procedures"])
log = logging.getLogger(__name__)
_CONFIDENCE = {"procedure": "confident", "not_at_ward": "confident", "clarify": "ambiguous", "no_match": "no_match"}


@router.get("/turn")
def turn(
    services: ServicesDep,
    ward: WardDep,
    text: str = Query(max_length=2000),
    current: str | None = Query(None, max_length=32),
    options: list[str] = Query(default=[], max_length=3),
    recent: list[str] = Query(default=[], max_length=4),
    language: str = Query("vi", pattern="^(vi|en)$"),
    matter: str | None = Query(None, max_length=40, pattern="^[a-z_]+$"),
) -> dict:
    """{"kind", "code", "name", "choices": [{"code","name","ward_level"}], "elsewhere", "follow_up", "reason"};
    in English each choice with an answer card also has "short_name_en".

    ``current`` is the procedure being discussed, ``options`` the codes offered by a pending clarifying question,
    ``recent`` the procedures discussed before it in the conversation (most recent first), ``matter`` the id of
    the matter outside the catalogue last referred (divorce), whose follow-ups are then answered about it.
    """
    searcher = services.searcher
    if searcher is None or not hasattr(searcher, "derived"):
        raise ApiError(
            503, "search_unavailable", "Chức năng tìm thủ tục tạm thời chưa sẵn sàng. / Procedure search is not ready."
        )
    # Every input of the decision is in the key (the language too: the word lists hold both languages today, but
    # an answer must never be served to the other language); a staff edit on any replica starts a new knowledge
    # version (the last change id applied here).
    key = ("turn", services.knowledge_version(), text, current, tuple(options), tuple(recent), language, matter)
    data = services.search_cache.get(key)
    if data is None:
        data = search_turn(searcher, text, current, language, options=options, recent=recent, matter=matter).to_json()
        services.search_cache.put(key, data)
    if not data["follow_up"] and data["kind"] in _CONFIDENCE:
        top = data["code"] or (data["choices"][0]["code"] if data["choices"] else None)
        log.info("turn %s top=%s q=%r", data["kind"], top, redact(text[:200]))
        services.questions.record(query=text, confidence=_CONFIDENCE[data["kind"]], top_code=top, ward_id=ward.id)
    return _english_choices(services, data) if language == "en" else data


def _english_choices(services, data: dict) -> dict:
    """English clarifying choices carry their answer card's English name (``short_name_en``) for the buttons;
    a choice without an English card keeps only its Vietnamese name. The cached ``data`` is not changed."""
    cards = getattr(services.cards, "answer_cards", None)
    if cards is None or not data.get("choices"):
        return data
    choices = []
    for choice in data["choices"]:
        card = cards.get(choice.get("code") or "", "en")
        choices.append(dict(choice, short_name_en=card.short_name) if card and card.short_name else choice)
    return dict(data, choices=choices)
