"""KnowledgeService: the committed catalogue and aliases merged with the staff overlay in the database.

Every staff change is committed (with its audit entry) first, then applied to the live searcher, so it
is searchable as soon as the request returns — no retraining, no restart. On start-up the overlay is
re-applied to the freshly built searcher.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from assistant.bridge.audit import record_change
from assistant.bridge.db import Database, utcnow
from assistant.bridge.models import AliasOverride, ProcedureOverride
from knowledge_base.search import ProcedureSearcher
from knowledge_base.settings import SearchSettings
from knowledge_base.text import clean, fold

log = logging.getLogger(__name__)


PROCEDURE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")


class KnowledgeError(ValueError):
    """A submitted procedure or alias is invalid (message is shown to staff)."""


class NotFound(LookupError):
    pass


ALIAS_MODES = ("merge", "create", "replace")


class AliasExists(KnowledgeError):
    """`create` of an alias entry whose canonical is already in the table; carries the existing entry."""

    def __init__(self, existing: Any):
        self.existing = existing
        super().__init__(f"Đã có mục “{existing.canonical}” với {len(existing.aliases)} từ đồng nghĩa; hãy gộp vào mục đó. / "
                         f"An entry '{existing.canonical}' with {len(existing.aliases)} aliases already exists; merge into it.")


def merge_alias_entries(existing: dict, new: dict) -> dict:
    """The existing entry plus the new entry's words and fields (existing ones first, no repeats, none dropped)."""
    merged = {"canonical": existing["canonical"],
              "aliases": list(dict.fromkeys([*existing.get("aliases", []), *new.get("aliases", [])]))}
    fields = list(dict.fromkeys([*existing.get("fields", []), *new.get("fields", [])]))
    if fields:
        merged["fields"] = fields
    notes = [n for n in (existing.get("note", ""), new.get("note", "")) if n]
    if notes:
        merged["note"] = notes[0] if len(notes) == 1 or notes[0] == notes[1] else f"{notes[0]} / {notes[1]}"[:500]
    return merged


def alias_key(canonical: str) -> str:
    return " ".join(fold(canonical).split())


class KnowledgeService:
    """Procedures and aliases as the assistant sees them now (catalogue + staff overlay)."""

    def __init__(self, *, db: Database, searcher: ProcedureSearcher | None, catalogue: dict[str, Any],
                 parse_procedure: Callable[[dict], Any], base_aliases: Iterable[Any] = (),
                 parse_alias: Callable[[dict], Any] | None = None,
                 check_aliases: Callable[[list], None] | None = None):
        self._db = db
        self.searcher = searcher
        self._procedures = dict(catalogue)
        self._parse_procedure = parse_procedure
        self._base_aliases = {alias_key(e.canonical): e for e in base_aliases}
        self._aliases = dict(self._base_aliases)
        self._parse_alias = parse_alias
        self._check_aliases = check_aliases
        self._lock = threading.RLock()
        self.version = 0
        """Bumped after every change reaches the searcher; keys the search answer cache."""

    # ---- reading -------------------------------------------------------------------------------------
    def get(self, code: str) -> Any | None:
        return self._procedures.get(clean(code or ""))

    def __len__(self) -> int:
        return len(self._procedures)

    def aliases(self) -> list[Any]:
        return list(self._aliases.values())

    # ---- start-up ------------------------------------------------------------------------------------
    def apply_overlay(self) -> dict[str, int]:
        """Load the staff overlay from the database into memory and into the searcher."""
        with self._lock, self._db.read() as session:
            procedures = session.execute(select(ProcedureOverride)).scalars().all()
            aliases = session.execute(select(AliasOverride)).scalars().all()
            for row in procedures:
                if row.deleted:
                    self._procedures.pop(row.code, None)
                    self._to_searcher(lambda searcher: searcher.remove(row.code))
                else:
                    try:
                        procedure = self._parse_procedure(row.data)
                    except (ValueError, TypeError) as exc:  # e.g. the record format changed since it was saved
                        log.error("staff procedure %s no longer valid, catalogue version kept: %s", row.code, exc)
                        continue
                    self._procedures[row.code] = procedure
                    self._to_searcher(lambda searcher: searcher.upsert(procedure))
            for row in aliases:
                if row.deleted:
                    self._aliases.pop(row.key, None)
                elif self._parse_alias is not None:
                    try:
                        self._aliases[row.key] = self._parse_alias(row.data)
                    except (ValueError, TypeError) as exc:
                        log.error("staff alias %r no longer valid, skipped: %s", row.key, exc)
            if aliases:
                self._to_searcher(lambda searcher: searcher.replace_aliases(self.aliases()))
        return {"procedures": len(procedures), "aliases": len(aliases)}

    # ---- procedures ----------------------------------------------------------------------------------
    def parse_procedure(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise KnowledgeError("Thủ tục phải là một đối tượng JSON. / A procedure must be a JSON object.")
        code = data.get("code")
        if isinstance(code, str) and not PROCEDURE_CODE.match(code):
            raise KnowledgeError("Mã thủ tục chỉ gồm chữ, số, '.', '-', '_' và tối đa 32 ký tự, ví dụ 1.001193. / "
                                 "A procedure code is up to 32 letters, digits, '.', '-' or '_', e.g. 1.001193.")
        try:
            return self._parse_procedure(data)
        except (ValueError, TypeError, KeyError) as exc:
            raise KnowledgeError(str(exc)) from None

    def upsert_procedure(self, data: Any, *, actor: str) -> tuple[Any, bool]:
        """Validate, store (with audit) and make searchable a whole procedure; returns (procedure, created)."""
        procedure = self.parse_procedure(data)
        with self._lock:
            previous = self._procedures.get(procedure.code)
            before = previous.to_dict() if previous is not None else None
            after = procedure.to_dict()
            with self._db.write() as s:
                s.merge(ProcedureOverride(code=procedure.code, data=after, deleted=False, updated_at=utcnow(), updated_by=actor))
                record_change(s, actor=actor, action="procedure.create" if previous is None else "procedure.update",
                              target=procedure.code, before=before, after=after)
            self._procedures[procedure.code] = procedure
            self._to_searcher(lambda searcher: searcher.upsert(procedure))
        return procedure, previous is None

    def upsert_procedures(self, procedures: list, *, actor: str) -> int:
        """Store many already-validated procedures in one transaction (bulk import); returns how many were new."""
        created = 0
        with self._lock:
            with self._db.write() as s:
                for procedure in procedures:
                    previous = self._procedures.get(procedure.code)
                    created += previous is None
                    after = procedure.to_dict()
                    s.merge(ProcedureOverride(code=procedure.code, data=after, deleted=False, updated_at=utcnow(), updated_by=actor))
                    record_change(s, actor=actor, action="procedure.import", target=procedure.code,
                                  before=previous.to_dict() if previous is not None else None, after=after)
            for procedure in procedures:
                self._procedures[procedure.code] = procedure
                self._to_searcher(lambda searcher: searcher.upsert(procedure))
        return created

    def delete_procedure(self, code: str, *, actor: str) -> None:
        code = clean(code or "")
        with self._lock:
            previous = self._procedures.get(code)
            if previous is None:
                raise NotFound(code)
            with self._db.write() as s:
                s.merge(ProcedureOverride(code=code, data=None, deleted=True, updated_at=utcnow(), updated_by=actor))
                record_change(s, actor=actor, action="procedure.delete", target=code, before=previous.to_dict(), after=None)
            self._procedures.pop(code, None)
            self._to_searcher(lambda searcher: searcher.remove(code))

    # ---- aliases -------------------------------------------------------------------------------------
    def upsert_alias(self, data: Any, *, actor: str, mode: str = "merge") -> tuple[Any, bool]:
        """Save an alias entry; returns (entry as stored, created). The whole table is re-validated.

        An entry whose canonical already exists is never silently replaced: ``merge`` (the default) adds the
        new words, fields and note to the existing entry and keeps every alias it had; ``create`` refuses
        with AliasExists; ``replace`` (an explicit edit of that entry, e.g. to drop a wrong word) replaces it.
        """
        if self._parse_alias is None:
            raise KnowledgeError("Bảng từ đồng nghĩa chưa sẵn sàng. / Alias support is not available.")
        if mode not in ALIAS_MODES:
            raise KnowledgeError(f"mode phải là một trong / mode must be one of {list(ALIAS_MODES)}")
        try:
            entry = self._parse_alias(data)
        except (ValueError, TypeError) as exc:
            raise KnowledgeError(str(exc)) from None
        key = alias_key(entry.canonical)
        with self._lock:
            previous = self._aliases.get(key)
            if previous is not None and mode == "create":
                raise AliasExists(previous)
            if previous is not None and mode == "merge":
                try:
                    entry = self._parse_alias(merge_alias_entries(previous.to_dict(), entry.to_dict()))
                except (ValueError, TypeError) as exc:
                    raise KnowledgeError(str(exc)) from None
            merged = {**self._aliases, key: entry}
            self._validate_alias_table(list(merged.values()))
            with self._db.write() as s:
                s.merge(AliasOverride(key=key, data=entry.to_dict(), deleted=False, updated_at=utcnow(), updated_by=actor))
                action = "alias.create" if previous is None else f"alias.{mode}" if mode != "replace" else "alias.update"
                record_change(s, actor=actor, action=action, target=key,
                              before=previous.to_dict() if previous is not None else None, after=entry.to_dict())
            self._aliases = merged
            self._to_searcher(lambda searcher: searcher.replace_aliases(self.aliases()))
        return entry, previous is None

    def delete_alias(self, canonical: str, *, actor: str) -> None:
        key = alias_key(canonical or "")
        with self._lock:
            previous = self._aliases.get(key)
            if previous is None:
                raise NotFound(canonical)
            with self._db.write() as s:
                s.merge(AliasOverride(key=key, data=None, deleted=True, updated_at=utcnow(), updated_by=actor))
                record_change(s, actor=actor, action="alias.delete", target=key, before=previous.to_dict(), after=None)
            self._aliases = {k: v for k, v in self._aliases.items() if k != key}
            self._to_searcher(lambda searcher: searcher.replace_aliases(self.aliases()))

    def _validate_alias_table(self, entries: list) -> None:
        if self._check_aliases is None:
            return
        try:
            self._check_aliases(entries)
        except ValueError as exc:
            raise KnowledgeError(str(exc)) from None

    # ---- helpers -------------------------------------------------------------------------------------
    def _to_searcher(self, change: Callable[[ProcedureSearcher], None]) -> None:
        """Apply a committed change to the live searcher (called right after, in the same call)."""
        if self.searcher is None:
            return
        try:
            change(self.searcher)
        except Exception:  # the change is committed; it is re-applied at the next start
            log.exception("a committed change could not be applied to the searcher")
        finally:
            self.version += 1  # after the searcher changed, so no cached answer predates it under the new version


def default_knowledge_sources(search_settings: SearchSettings) -> dict[str, Any]:
    """Catalogue, parsers and base aliases from knowledge_base, read from the KB_ paths."""
    from knowledge_base.aliases import AliasEntry, AliasTable
    from knowledge_base.catalogue import Procedure, load_catalogue

    sources: dict[str, Any] = {
        "catalogue": load_catalogue(search_settings.catalogue_path),
        "parse_procedure": Procedure.from_dict,
        "parse_alias": AliasEntry.from_dict,
        "check_aliases": lambda entries: AliasTable(entries),
    }
    try:
        sources["base_aliases"] = list(AliasTable.load(search_settings.aliases_path).entries)
    except (OSError, ValueError) as exc:
        log.warning("alias file not loaded: %s", exc)
    return sources
