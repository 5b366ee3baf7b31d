"""The knowledge change log (`knowledge_changes`): what a staff edit changed, written in the edit's own transaction.

Each row carries everything a bridge replica needs to apply the edit without asking anyone: the new procedure record
with its vectors (encoded once, by the bridge that took the edit), the new alias entry, answer card or desk map.
Edits commit one at a time under the `EDIT_LOCK` (see assistant.bridge.replica), so change ids become visible in
increasing order and "every id above the last one applied" never misses a change.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from assistant.bridge.db import as_utc, utcnow
from assistant.bridge.models import KnowledgeChange

CHANNEL = "knowledge_changes"
"""PostgreSQL LISTEN/NOTIFY channel; the payload is the newest change id (only a wake-up: the rows are the truth)."""
EDIT_LOCK = "knowledge-edits"
"""Advisory lock name held by every knowledge edit from its first read to its commit."""


@dataclass(frozen=True)
class Change:
    """One row of the log, detached from its session."""

    id: int
    kind: str
    """"procedure.upsert", "procedure.delete", "alias.upsert", "alias.delete", "card.save", "desks.replace"."""
    target: str
    payload: dict


@dataclass
class ChangeWriter:
    """Adds change rows to an edit's transaction (`KnowledgeSync.edit()` hands one out)."""

    session: Session
    changes: list[Change] = field(default_factory=list)

    def record(self, kind: str, target: str, payload: dict) -> Change:
        row = KnowledgeChange(at=utcnow(), kind=kind, target=target[:200], payload=payload)
        self.session.add(row)
        self.session.flush()  # assigns the id, still inside the edit's transaction
        change = Change(row.id, kind, row.target, payload)
        self.changes.append(change)
        return change

    def notify(self) -> None:
        """PostgreSQL: queue the wake-up (delivered to listeners when the transaction commits, never before)."""
        if self.changes and self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(
                text("SELECT pg_notify(:channel, :id)"), {"channel": CHANNEL, "id": str(self.changes[-1].id)}
            )


def changes_after(session: Session, after_id: int, limit: int = 200) -> list[Change]:
    """The next `limit` changes with an id above `after_id`, oldest first."""
    rows = session.execute(
        select(KnowledgeChange).where(KnowledgeChange.id > after_id).order_by(KnowledgeChange.id).limit(limit)
    ).scalars()
    return [Change(row.id, row.kind, row.target, row.payload) for row in rows]


def changes_of_kind(session: Session, kind: str) -> list[Change]:
    """Every change of one kind, oldest first (answer cards replay theirs at start-up)."""
    rows = session.execute(select(KnowledgeChange).where(KnowledgeChange.kind == kind).order_by(KnowledgeChange.id))
    return [Change(row.id, row.kind, row.target, row.payload) for row in rows.scalars()]


def last_change_id(session: Session) -> int:
    return session.execute(select(func.max(KnowledgeChange.id))).scalar() or 0


def first_change_after(session: Session, after_id: int) -> datetime | None:
    """When the oldest change not yet applied was committed (None when there is none): how far a replica is behind."""
    at = session.execute(select(func.min(KnowledgeChange.at)).where(KnowledgeChange.id > after_id)).scalar()
    return as_utc(at)


def pack_vectors(rows: Any, model: str) -> dict:
    """A procedure's vectors as JSON: float32 little-endian bytes in base64, with their shape and encoder name."""
    import numpy as np

    matrix = np.ascontiguousarray(np.asarray(rows, dtype="<f4"))
    return {"model": model, "shape": list(matrix.shape), "data": base64.b64encode(matrix.tobytes()).decode("ascii")}


def unpack_vectors(packed: Any, model: str | None) -> Any | None:
    """The vectors back as a numpy array, or None when absent, malformed or made by another encoder (then the
    replica encodes the procedure itself)."""
    if not isinstance(packed, dict) or model is None or packed.get("model") != model:
        return None
    import numpy as np

    try:
        shape = tuple(int(n) for n in packed["shape"])
        matrix = np.frombuffer(base64.b64decode(packed["data"]), dtype="<f4").reshape(shape)
    except (KeyError, TypeError, ValueError):
        return None
    return matrix.astype(np.float32) if len(shape) == 2 else None
