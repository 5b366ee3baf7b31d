"""A procedure record seen through its citizen answer card in the reply's language.

The bridge returns each record with its answer cards (``cards: {"vi": {...}, "en": {...}}``, written by staff
from the record; knowledge_base/cards). Replies then say the card's short name and what to bring in the common
case instead of the catalogue's first items, and an English conversation gets English names, documents and
times. A record without a card for the language is answered from the catalogue record itself.
"""

from __future__ import annotations

from typing import Any


def card_of(procedure: dict[str, Any]) -> dict[str, Any] | None:
    """The card the view carries (set by ``in_language``), or None."""
    card = procedure.get("card")
    return card if isinstance(card, dict) else None


def in_language(procedure: dict[str, Any], language: str) -> dict[str, Any]:
    """A shallow copy of ``procedure`` with the card of ``language`` under ``card`` and its short name. A procedure
    beyond the ward has no card; in English it gets the short English name the bridge sends under ``non_ward``
    (knowledge_base/data/non_ward_procedures.yaml), and ``name_en`` says replies add the official name once."""
    card = (procedure.get("cards") or {}).get(language)
    english = (procedure.get("non_ward") or {}).get("name_en") if language == "en" else None
    if (not isinstance(card, dict) or not card.get("short_name")) and english:
        return dict(procedure, short_name=english, short_name_en=english, name_en=english)
    if not isinstance(card, dict) or not card.get("short_name"):
        return procedure
    view = dict(procedure, card=card, short_name=card["short_name"])
    if language != "vi":
        view[f"short_name_{language}"] = card["short_name"]
    return view
