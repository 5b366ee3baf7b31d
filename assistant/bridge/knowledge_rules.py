"""Errors of staff knowledge edits and the rules of alias entries (keys, merging), shared by the staff API."""

from __future__ import annotations

from typing import Any

from knowledge_base.text import fold


class KnowledgeError(ValueError):
    """A submitted procedure or alias is invalid (message is shown to staff)."""


class NotFound(LookupError):
    pass


class AliasConflict(KnowledgeError):
    """A phrase of the entry already means something else province-wide (possibly saved on another bridge)."""

    def __init__(self, message: str, *, phrase: str, other: str):
        self.phrase, self.other = phrase, other
        super().__init__(message)


ALIAS_MODES = ("merge", "create", "replace")


class AliasExists(KnowledgeError):
    """`create` of an alias entry whose canonical is already in the table; carries the existing entry."""

    def __init__(self, existing: Any):
        self.existing = existing
        count = len(existing.aliases)
        super().__init__(
            f"Đã có mục “{existing.canonical}” với {count} từ đồng nghĩa; hãy gộp vào mục đó. / "
            f"An entry '{existing.canonical}' with {count} aliases already exists; merge into it."
        )


def merge_alias_entries(existing: dict, new: dict) -> dict:
    """The existing entry plus the new entry's words and fields (existing ones first, no repeats, none dropped)."""
    merged = {
        "canonical": existing["canonical"],
        "aliases": list(dict.fromkeys([*existing.get("aliases", []), *new.get("aliases", [])])),
    }
    fields = list(dict.fromkeys([*existing.get("fields", []), *new.get("fields", [])]))
    if fields:
        merged["fields"] = fields
    notes = [n for n in (existing.get("note", ""), new.get("note", "")) if n]
    if notes:
        merged["note"] = notes[0] if len(notes) == 1 or notes[0] == notes[1] else f"{notes[0]} / {notes[1]}"[:500]
    return merged


def alias_key(canonical: str) -> str:
    return " ".join(fold(canonical).split())
