"""DeskHolder: one ward's current desk map — the staff-saved version from the database, else the ward's file — kept in
step across bridge replicas through the knowledge change log (assistant.bridge.replica)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from assistant.bridge.audit import record_change
from assistant.bridge.changes import Change
from assistant.bridge.db import Database, utcnow
from assistant.bridge.desks import DeskDirectory, WardConfig, load_ward_config, validate_ward_config
from assistant.bridge.models import WardConfigOverride
from assistant.bridge.replica import KnowledgeSync


@dataclass
class DeskHolder:
    """The current desk map of one ward. Swapped as a whole, so a reader always sees one consistent map."""

    directory: DeskDirectory
    source: str
    ward_id: int
    path: Path
    """The ward's file: what `reset_to_file` goes back to."""
    sync: KnowledgeSync | None = None
    """Set by `load_desks`; staff edits need it (they go through the change log)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self) -> DeskDirectory:
        return self.directory

    def replace(self, db: Database, config: WardConfig, *, actor: str) -> None:
        """Save a validated ward config to the database (audited) and use it from now on, on every replica.

        A whole-document replace: under the edit lock, after this replica applied every other replica's saves, so
        the audit's `before` is the map the ward had, and two saves at once are applied in one order everywhere.
        The ward's code stays the one of its file (the code is the ward's identity).
        """
        config.ward.code = self.directory.config.ward.ward_code
        with self._sync().edit() as edit:
            before, after = self.directory.config.model_dump(), config.model_dump()
            edit.session.merge(WardConfigOverride(id=self.ward_id, data=after, updated_at=utcnow(), updated_by=actor))
            record_change(
                edit.session,
                actor=actor,
                action="desks.replace",
                target="ward_config",
                before=before,
                after=after,
                ward_id=self.ward_id,
            )
            edit.record(
                "desks.replace", "ward_config", {"config": after, "source": "database", "ward_id": self.ward_id}
            )

    def reset_to_file(self, db: Database, *, actor: str) -> None:
        """Forget the staff-saved config and go back to the file (raises WardConfigError if the file is invalid)."""
        config = load_ward_config(self.path)
        with self._sync().edit() as edit:
            before = self.directory.config.model_dump()
            row = edit.session.get(WardConfigOverride, self.ward_id)
            if row is not None:
                edit.session.delete(row)
            record_change(
                edit.session,
                actor=actor,
                action="desks.reset",
                target="ward_config",
                before=before,
                after=config.model_dump(),
                ward_id=self.ward_id,
            )
            edit.record(
                "desks.replace",
                "ward_config",
                {"config": config.model_dump(), "source": str(self.path), "ward_id": self.ward_id},
            )

    def apply_change(self, change: Change) -> None:
        """Use a saved desk map (this bridge's or another replica's); idempotent."""
        config = validate_ward_config(change.payload["config"], source="knowledge change")
        with self.lock:
            self.directory, self.source = DeskDirectory(config), str(change.payload.get("source", "database"))

    def _sync(self) -> KnowledgeSync:
        if self.sync is None:
            raise RuntimeError("DeskHolder has no KnowledgeSync: build it with load_desks")
        return self.sync


def load_desks(db: Database, *, ward_id: int, path: Path, sync: KnowledgeSync | None = None) -> DeskHolder:
    """The ward's staff-saved desk map if there is one, else its file. With `sync` staff may edit it (the ward
    registry applies the change log's desk changes to it); without, a read-only snapshot (the command line)."""
    with db.read() as session:
        saved = session.get(WardConfigOverride, ward_id)
    if saved is not None:
        directory = DeskDirectory(validate_ward_config(saved.data, source=f"database ward_config {ward_id}"))
        holder = DeskHolder(directory, "database", ward_id, Path(path))
    else:
        holder = DeskHolder(DeskDirectory(load_ward_config(path)), str(path), ward_id, Path(path))
    holder.sync = sync
    return holder
