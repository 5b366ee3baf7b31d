"""What of a procedure gets indexed: lexical zones and the passages given to the embedding model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge_base.text import clean, fold

_NAME_PREFIX = re.compile(r"^\s*(thủ tục|tthc)\s*:?\s*", re.IGNORECASE)
_RESULT_LIMIT = 200


@dataclass(frozen=True)
class SearchDocument:
    """The searchable view of one procedure."""

    code: str
    name: str
    field: str
    ward_level: bool
    zones: dict[str, str]
    """Lexical zones: name, field, extra (result document + code), asks (citizen phrasings), en (English name)."""
    passages: tuple[str, ...]
    """Texts for the dense index: the accented name and an accent-folded copy (for unaccented queries)."""
    prior: float = 0.0
    """How likely citizens at a ward ask for it, in [0, 1] (knowledge_base.priors)."""
    asks: tuple[str, ...] = ()
    """How citizens ask for it (knowledge_base/data/citizen_questions); encoded as e5 queries, also a lexical zone."""


def display_name(name: str) -> str:
    """The name without the leading 'Thủ tục' that many catalogue entries carry."""
    stripped = _NAME_PREFIX.sub("", clean(name))
    return stripped[:1].upper() + stripped[1:] if stripped else clean(name)


def search_document(procedure, prior: float = 0.0, asks: tuple[str, ...] = (), english: str = "") -> SearchDocument:
    """Builds the search view from a knowledge_base.catalogue.Procedure (or anything with the same fields).

    ``english`` is the procedure's English name from its answer card ("Birth registration"): a lexical zone only,
    so English questions match English words while the dense passages (and their saved vectors) stay as they are."""
    name = display_name(procedure.name)
    result = clean(getattr(procedure, "result", "") or "")[:_RESULT_LIMIT]
    passage = f"{name}. Lĩnh vực: {procedure.field}"
    return SearchDocument(
        code=procedure.code,
        name=procedure.name,
        field=procedure.field,
        ward_level=bool(procedure.ward_level),
        zones={
            "name": name,
            "field": procedure.field,
            "extra": f"{result} {procedure.code}",
            "asks": " ; ".join(asks),
            "en": english,
        },
        passages=(passage, fold(passage)),
        prior=prior,
        asks=tuple(asks),
    )
