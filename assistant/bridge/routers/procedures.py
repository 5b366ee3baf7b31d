"""Search passthrough (GET /api/procedures/search), procedure details (GET /api/procedures/{code}) and its
answer card."""

from __future__ import annotations

import dataclasses
import logging

from fastapi import APIRouter, Query

from assistant.bridge.deps import ServicesDep, WardDep
from assistant.bridge.errors import ApiError
from assistant.bridge.guards import capped_query, rate_limited
from assistant.bridge.questions import MAX_LOGGED_CHARS
from assistant.privacy import keywords

router = APIRouter(prefix="/api/procedures", tags=["procedures"])
log = logging.getLogger(__name__)


@router.get("/search", dependencies=[rate_limited("search")])
def search(
    services: ServicesDep,
    ward: WardDep,
    q: str = Query(max_length=2000),
    k: int = Query(3, ge=1, le=20),
    all_levels: bool = False,
) -> dict:
    """Same JSON as `python -m knowledge_base search --json`; the question's keyword form is logged for reports
    under the ward asking (`?ward=`; one province-wide index answers every ward).
    Queries longer than `search_max_chars` (300) are searched cut at a word boundary; 429 past the per-client limit."""
    q = capped_query(q, services.settings.search_max_chars)
    if services.searcher is None:
        raise ApiError(
            503, "search_unavailable", "Chức năng tìm thủ tục tạm thời chưa sẵn sàng. / Procedure search is not ready."
        )
    key = (services.knowledge_version(), q, k, all_levels)
    data = services.search_cache.get(key)
    if data is None:
        data = services.searcher.search(q, k=k, all_levels=all_levels).to_json()
        if not data.get("error"):
            services.search_cache.put(key, data)
    if not data.get("error"):
        top = data["results"][0]["code"] if data["results"] else None
        form = keywords(q[:MAX_LOGGED_CHARS])
        log.info("search %s top=%s keywords=%r", data["confidence"], top, form)
        services.questions.record(query=q, confidence=data["confidence"], top_code=top, form=form, ward_id=ward.id)
    return data


@router.get("/search-cache")
def search_cache_stats(services: ServicesDep) -> dict:
    """Hits and misses of the search answer cache since the bridge started (no questions, only counts)."""
    return services.search_cache.stats()


@router.get("/{code}")
def details(
    code: str,
    services: ServicesDep,
    cards: bool = Query(False, description="Add the citizen answer cards under `cards`."),
) -> dict:
    """The normalised procedure record (catalogue + staff edits, what the staff page edits); with `cards=true`
    also its citizen answer cards under `cards` (`{"vi": {...}, "en": {...}}`, as staff last saved them; a
    language without a card is left out) — what the assistant answers from. A procedure beyond the ward listed in
    knowledge_base/data/non_ward_procedures.yaml also has `non_ward`: `{"name_en", "body": {"vi", "en"} | null}`."""
    procedure = services.knowledge.get(code)
    if procedure is None:
        raise ApiError(404, "unknown_procedure", "Không có thủ tục với mã này. / No procedure has this code.")
    body = procedure.to_dict()
    said = services.non_ward.get(code) if services.non_ward is not None and not procedure.ward_level else None
    if said is not None:
        body["non_ward"] = said.to_json()
    if cards and services.cards is not None:
        cards = {language: services.cards.answer_cards.get(code, language) for language in ("vi", "en")}
        body["cards"] = {language: dataclasses.asdict(card) for language, card in cards.items() if card is not None}
    return body


@router.get("/{code}/card")
def answer_card(code: str, services: ServicesDep, language: str = Query("vi", pattern="^(vi|en)$")) -> dict:
    """The procedure's citizen answer card in one language, as staff last saved it (other processes read it here,
    so a staff edit reaches them at once); 404 when there is none or it is not written in that language."""
    card = services.cards.answer_cards.get(code, language) if services.cards is not None else None
    if card is None:
        raise ApiError(
            404, "no_card", "Thủ tục này chưa có thẻ trả lời bằng ngôn ngữ này. / No answer card in this language."
        )
    return dataclasses.asdict(card)
