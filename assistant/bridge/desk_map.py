"""DeskHolder: the ward's current desk map — the staff-saved version from the database, else the file — kept in step
across bridge replicas through the knowledge change log (assistant.bridge.replica)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from assistant.bridge.audit import record_change
from assistant.bridge.changes import Change
from assistant.bridge.db import Database, utcnow
from assistant.bridge.desks import DeskDirectory, WardConfig, load_ward_config, validate_ward_config
from assistant.bridge.models import WardConfigOverride
from assistant.bridge.replica import KnowledgeSync
from assistant.bridge.settings import BridgeSettings


@dataclass
class DeskHolder:
    """The current desk map. Swapped as a whole, so a reader always sees one consistent map."""

    directory: DeskDirectory
    source: str
    sync: KnowledgeSync | None = None
    """Set by `load_desks`; staff edits need it (they go through the change log)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self) -> DeskDirectory:
        return self.directory

    def replace(self, db: Database, config: WardConfig, *, actor: str) -> None:
        """Save a validated ward config to the database (audited) and use it from now on, on every replica.

        A whole-document replace: under the edit lock, after this replica applied every other replica's saves, so
        the audit's `before` is the map the province had, and two saves at once are applied in one order everywhere.
        """
        with self._sync().edit() as edit:
            before, after = self.directory.config.model_dump(), config.model_dump()
            edit.session.merge(WardConfigOverride(id=1, data=after, updated_at=utcnow(), updated_by=actor))
            record_change(
                edit.session, actor=actor, action="desks.replace", target="ward_config", before=before, after=after
            )
            edit.record("desks.replace", "ward_config", {"config": after, "source": "database"})

    def reset_to_file(self, db: Database, path: Path, *, actor: str) -> None:
        """Forget the staff-saved config and go back to the file (raises WardConfigError if the file is invalid)."""
        config = load_ward_config(path)
        with self._sync().edit() as edit:
            before = self.directory.config.model_dump()
            row = edit.session.get(WardConfigOverride, 1)
            if row is not None:
                edit.session.delete(row)
            record_change(
                edit.session,
                actor=actor,
                action="desks.reset",
                target="ward_config",
                before=before,
                after=config.model_dump(),
            )
            edit.record("desks.replace", "ward_config", {"config": config.model_dump(), "source": str(path)})

    def apply_change(self, change: Change) -> None:
        """Use a saved desk map (this bridge's or another replica's); idempotent."""
        config = validate_ward_config(change.payload["config"], source="knowledge change")
        with self.lock:
            self.directory, self.source = DeskDirectory(config), str(change.payload.get("source", "database"))

    def _sync(self) -> KnowledgeSync:
        if self.sync is None:
            raise RuntimeError("DeskHolder has no KnowledgeSync: build it with load_desks")
        return self.sync


def load_desks(db: Database, settings: BridgeSettings, sync: KnowledgeSync | None = None) -> DeskHolder:
    """The staff-saved desk map if there is one, else the ward config file; with `sync`, follows the change log
    from now on (without, a read-only snapshot, e.g. for the command line)."""
    with db.read() as session:
        saved = session.execute(select(WardConfigOverride).where(WardConfigOverride.id == 1)).scalar_one_or_none()
    if saved is not None:
        holder = DeskHolder(DeskDirectory(validate_ward_config(saved.data, source="database ward_config")), "database")
    else:
        holder = DeskHolder(DeskDirectory(load_ward_config(settings.ward_config_path)), str(settings.ward_config_path))
    if sync is not None:
        holder.sync = sync
        sync.register("desks.", holder.apply_change)
    return holder
