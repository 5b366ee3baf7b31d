"""Procedure names in replies: short, and never cut mid-phrase with "…".

``short_name`` is the one hook: an answer card's short name when the record carries one (``short_name``, or
``short_name_en`` in English; the answer cards of the answers issue fill these), else the catalogue name cut at
a phrase boundary (a bracket, a comma, "đối với …") or, failing that, at a word boundary.
"""

from __future__ import annotations

import re
from typing import Any

SHORT_NAME_CHARS = 60
_PHRASE_BREAKS = re.compile(
    r"\s*(?:\(|;|:|,\s| – | - | đối với | trong trường hợp | theo quy định | thực hiện tại )", re.IGNORECASE
)
_THU_TUC = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)


def clean_cut(text: str, limit: int = SHORT_NAME_CHARS) -> str:
    """``text`` if it fits, else its head up to a phrase boundary, else up to a word boundary; never "…"."""
    text = " ".join((text or "").split()).rstrip(" .")
    if len(text) <= limit:
        return text
    match = _PHRASE_BREAKS.search(text, 15)
    if match and match.start() <= limit:
        return text[: match.start()].rstrip(" .,")
    return text[: limit + 1].rsplit(" ", 1)[0].rstrip(" .,;:–-")


def short_name(procedure: dict[str, Any], language: str = "vi", limit: int = SHORT_NAME_CHARS) -> str:
    """A name a citizen would say (≤ ``limit`` characters), without the leading "Thủ tục"."""
    keys = (f"short_name_{language}", "short_name") if language != "vi" else ("short_name",)
    for key in keys:
        given = (procedure.get(key) or "").strip()
        if given:
            return given
    name = _THU_TUC.sub("", (procedure.get("name") or procedure.get("code") or "").strip())
    return clean_cut(name[:1].upper() + name[1:], limit)
