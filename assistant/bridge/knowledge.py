"""KnowledgeService: the committed catalogue and aliases merged with the staff overlay in the database.

Every staff change is committed with its audit entry and its row in the change log (assistant.bridge.replica), then
applied to memory and the live searcher — on this bridge as the request returns, on every other replica from the log
within a second. No retraining, no restart. On start-up the overlay is re-applied to the freshly built searcher.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select

from assistant.bridge.audit import record_change
from assistant.bridge.changes import Change, ChangeWriter, pack_vectors, unpack_vectors
from assistant.bridge.db import Database, utcnow
from assistant.bridge.knowledge_rules import (
    ALIAS_MODES,
    AliasConflict,
    AliasExists,
    KnowledgeError,
    NotFound,
    alias_key,
    merge_alias_entries,
)
from assistant.bridge.models import AliasOverride, ProcedureOverride
from assistant.bridge.replica import KnowledgeSync
from knowledge_base.aliases import AliasConflictError
from knowledge_base.search import ProcedureSearcher, ShipsVectors
from knowledge_base.settings import SearchSettings
from knowledge_base.text import clean

log = logging.getLogger(__name__)


PROCEDURE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")


__all__ = [
    "ALIAS_MODES",
    "AliasConflict",
    "AliasExists",
    "KnowledgeError",
    "KnowledgeService",
    "NotFound",
    "alias_key",
    "default_knowledge_sources",
    "merge_alias_entries",
]


class KnowledgeService:
    """Procedures and aliases as the assistant sees them now (catalogue + staff overlay + the change log)."""

    def __init__(
        self,
        *,
        db: Database,
        searcher: ProcedureSearcher | None,
        catalogue: dict[str, Any],
        parse_procedure: Callable[[dict], Any],
        sync: KnowledgeSync,
        base_aliases: Iterable[Any] = (),
        parse_alias: Callable[[dict], Any] | None = None,
        check_aliases: Callable[[list], None] | None = None,
    ):
        self._db = db
        self.searcher = searcher
        self._sync = sync
        self._procedures = dict(catalogue)
        self._parse_procedure = parse_procedure
        self._base_aliases = {alias_key(e.canonical): e for e in base_aliases}
        self._aliases = dict(self._base_aliases)
        self._parse_alias = parse_alias
        self._check_aliases = check_aliases
        self._lock = threading.RLock()
        sync.register("procedure.", self.apply_change)
        sync.register("alias.", self.apply_change)

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
                        procedure = self._parse_procedure(row.data or {})
                    except (ValueError, TypeError) as exc:  # e.g. the record format changed since it was saved
                        log.error("staff procedure %s no longer valid, catalogue version kept: %s", row.code, exc)
                        continue
                    self._procedures[row.code] = procedure
                    self._to_searcher(lambda searcher: searcher.upsert(procedure))
            for alias in aliases:
                if alias.deleted:
                    self._aliases.pop(alias.key, None)
                elif self._parse_alias is not None:
                    try:
                        self._aliases[alias.key] = self._parse_alias(alias.data or {})
                    except (ValueError, TypeError) as exc:
                        log.error("staff alias %r no longer valid, skipped: %s", alias.key, exc)
            if aliases:
                self._to_searcher(lambda searcher: searcher.replace_aliases(self.aliases()))
        return {"procedures": len(procedures), "aliases": len(aliases)}

    # ---- applying a change (this bridge's own, or another replica's from the log) ---------------------
    def apply_change(self, change: Change) -> None:
        """Make a committed procedure or alias change live here; applying it twice changes nothing more."""
        payload = change.payload
        with self._lock:
            if change.kind == "procedure.upsert":
                procedure = self._parse_procedure(payload["record"])
                self._procedures[procedure.code] = procedure
                vectors = unpack_vectors(payload.get("vectors"), getattr(self.searcher, "vector_model", None))
                if vectors is not None and isinstance(self.searcher, ShipsVectors):
                    self._to_searcher(lambda searcher: searcher.upsert(procedure, vectors=vectors))
                else:
                    self._to_searcher(lambda searcher: searcher.upsert(procedure))
            elif change.kind == "procedure.delete":
                self._procedures.pop(change.target, None)
                self._to_searcher(lambda searcher: searcher.remove(change.target))
            elif change.kind == "alias.upsert" and self._parse_alias is not None:
                self._aliases = {**self._aliases, change.target: self._parse_alias(payload["entry"])}
                self._to_searcher(lambda searcher: searcher.replace_aliases(self.aliases()))
            elif change.kind == "alias.delete":
                self._aliases = {k: v for k, v in self._aliases.items() if k != change.target}
                self._to_searcher(lambda searcher: searcher.replace_aliases(self.aliases()))
            else:
                log.error("knowledge change %d of unknown kind %r skipped", change.id, change.kind)

    # ---- procedures ----------------------------------------------------------------------------------
    def parse_procedure(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise KnowledgeError("Thủ tục phải là một đối tượng JSON. / A procedure must be a JSON object.")
        code = data.get("code")
        if isinstance(code, str) and not PROCEDURE_CODE.match(code):
            raise KnowledgeError(
                "Mã thủ tục chỉ gồm chữ, số, '.', '-', '_' và tối đa 32 ký tự, ví dụ 1.001193. / "
                "A procedure code is up to 32 letters, digits, '.', '-' or '_', e.g. 1.001193."
            )
        try:
            return self._parse_procedure(data)
        except (ValueError, TypeError, KeyError) as exc:
            raise KnowledgeError(str(exc)) from None

    def upsert_procedure(self, data: Any, *, actor: str) -> tuple[Any, bool]:
        """Validate, store (audit, change log) and make searchable a whole procedure; returns (procedure, created)."""
        procedure = self.parse_procedure(data)
        vectors = self._packed_vectors([procedure])
        with self._sync.edit() as edit:
            previous = self._procedures.get(procedure.code)
            self._save_procedure(
                edit,
                procedure,
                previous,
                vectors.get(procedure.code),
                actor=actor,
                action="procedure.create" if previous is None else "procedure.update",
            )
        return procedure, previous is None

    def upsert_procedures(self, procedures: list, *, actor: str) -> int:
        """Store many already-validated procedures in one transaction (bulk import); returns how many were new."""
        vectors = self._packed_vectors(procedures)
        created = 0
        with self._sync.edit() as edit:
            for procedure in procedures:
                previous = self._procedures.get(procedure.code)
                created += previous is None
                self._save_procedure(
                    edit, procedure, previous, vectors.get(procedure.code), actor=actor, action="procedure.import"
                )
        return created

    def _save_procedure(
        self, edit: ChangeWriter, procedure: Any, previous: Any, vectors: dict | None, *, actor: str, action: str
    ) -> None:
        after = procedure.to_dict()
        edit.session.merge(
            ProcedureOverride(code=procedure.code, data=after, deleted=False, updated_at=utcnow(), updated_by=actor)
        )
        record_change(
            edit.session,
            actor=actor,
            action=action,
            target=procedure.code,
            before=previous.to_dict() if previous is not None else None,
            after=after,
        )
        edit.record("procedure.upsert", procedure.code, {"record": after, "vectors": vectors})

    def _packed_vectors(self, procedures: list) -> dict[str, dict]:
        """code -> the procedure's vectors packed for the change log, encoded here once (outside the edit lock) so
        no other replica encodes them again; {} when this bridge has no encoder (they encode it themselves)."""
        searcher = self.searcher
        if not procedures or not isinstance(searcher, ShipsVectors):
            return {}
        try:
            rows = searcher.passage_vectors(procedures)
        except Exception:
            log.exception("procedure vectors could not be encoded; replicas will encode them")
            return {}
        return {code: pack_vectors(matrix, searcher.vector_model) for code, matrix in rows.items()}

    def delete_procedure(self, code: str, *, actor: str) -> None:
        code = clean(code or "")
        with self._sync.edit() as edit:
            previous = self._procedures.get(code)
            if previous is None:
                raise NotFound(code)
            edit.session.merge(
                ProcedureOverride(code=code, data=None, deleted=True, updated_at=utcnow(), updated_by=actor)
            )
            record_change(
                edit.session, actor=actor, action="procedure.delete", target=code, before=previous.to_dict(), after=None
            )
            edit.record("procedure.delete", code, {})

    # ---- aliases -------------------------------------------------------------------------------------
    def upsert_alias(self, data: Any, *, actor: str, mode: str = "merge") -> tuple[Any, bool]:
        """Save an alias entry; returns (entry as stored, created). The whole table is re-validated.

        An entry whose canonical already exists is never silently replaced: ``merge`` (the default) adds the
        new words, fields and note to the existing entry and keeps every alias it had; ``create`` refuses
        with AliasExists; ``replace`` (an explicit edit of that entry, e.g. to drop a wrong word) replaces it.
        The table checked is the province's (every replica's saves applied first, under the edit lock): a phrase
        that already means something else raises AliasConflict.
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
        with self._sync.edit() as edit:
            previous = self._aliases.get(key)
            if previous is not None and mode == "create":
                raise AliasExists(previous)
            if previous is not None and mode == "merge":
                try:
                    entry = self._parse_alias(merge_alias_entries(previous.to_dict(), entry.to_dict()))
                except (ValueError, TypeError) as exc:
                    raise KnowledgeError(str(exc)) from None
            self._validate_alias_table(list({**self._aliases, key: entry}.values()))
            edit.session.merge(
                AliasOverride(key=key, data=entry.to_dict(), deleted=False, updated_at=utcnow(), updated_by=actor)
            )
            action = "alias.create" if previous is None else f"alias.{mode}" if mode != "replace" else "alias.update"
            record_change(
                edit.session,
                actor=actor,
                action=action,
                target=key,
                before=previous.to_dict() if previous is not None else None,
                after=entry.to_dict(),
            )
            edit.record("alias.upsert", key, {"entry": entry.to_dict()})
        return entry, previous is None

    def delete_alias(self, canonical: str, *, actor: str) -> None:
        key = alias_key(canonical or "")
        with self._sync.edit() as edit:
            previous = self._aliases.get(key)
            if previous is None:
                raise NotFound(canonical)
            edit.session.merge(AliasOverride(key=key, data=None, deleted=True, updated_at=utcnow(), updated_by=actor))
            record_change(
                edit.session, actor=actor, action="alias.delete", target=key, before=previous.to_dict(), after=None
            )
            edit.record("alias.delete", key, {})

    def _validate_alias_table(self, entries: list) -> None:
        if self._check_aliases is None:
            return
        try:
            self._check_aliases(entries)
        except AliasConflictError as exc:
            raise AliasConflict(str(exc), phrase=exc.phrase, other=exc.other) from None
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
