"""Audit log: every staff change with who, when, before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.bridge.db import as_utc, utcnow
from assistant.bridge.models import AuditEntry


def record_change(
    session: Session, *, actor: str, action: str, target: str, before: Any, after: Any, ward_id: int | None = None
) -> None:
    """Add one audit entry to the caller's transaction (committed together with the change); `ward_id` names the
    ward a ward-level change belongs to (None: province-wide)."""
    session.add(
        AuditEntry(at=utcnow(), actor=actor, action=action, target=target, before=before, after=after, ward_id=ward_id)
    )


def list_changes(
    session: Session,
    *,
    limit: int = 100,
    target: str | None = None,
    before_id: int | None = None,
    ward_id: int | None = None,
) -> list[dict]:
    """Newest first; with `ward_id`, only that ward's entries."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if ward_id is not None:
        query = query.where(AuditEntry.ward_id == ward_id)
    if target:
        query = query.where(AuditEntry.target == target)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return [
        {
            "id": e.id,
            "at": as_utc(e.at).isoformat(),
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "before": e.before,
            "after": e.after,
            "ward_id": e.ward_id,
        }
        for e in session.execute(query).scalars()
    ]
