"""Complaints for staff reports: a category (and the desk, when the citizen named one) per complaint; the
citizen's own words are never stored, so nothing here needs redaction."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select, true

from assistant.bridge.db import Database, utcnow
from assistant.bridge.models import Complaint

Category = Literal["staff_attitude", "improper_request", "overdue", "waiting", "facilities", "assistant", "other"]


def add_complaint(db: Database, *, ward_id: int, conversation_id: str, category: str, desk_id: str | None) -> int:
    with db.write() as session:
        row = Complaint(
            ward_id=ward_id, conversation_id=conversation_id, category=category, desk_id=desk_id, at=utcnow()
        )
        session.add(row)
        session.flush()
        return row.id


def complaint_summary(db: Database, *, ward_id: int | None = None) -> dict:
    """Counts by category and by (category, desk), most frequent first; with `ward_id`, that ward's only."""
    with db.read() as session:
        rows = session.execute(
            select(Complaint.category, Complaint.desk_id, func.count().label("n"))
            .where(Complaint.ward_id == ward_id if ward_id is not None else true())
            .group_by(Complaint.category, Complaint.desk_id)
            .order_by(func.count().desc(), Complaint.category)
        ).all()
    by_category: dict[str, int] = {}
    for category, _desk, n in rows:
        by_category[category] = by_category.get(category, 0) + n
    return {
        "count": sum(by_category.values()),
        "by_category": [{"category": c, "count": n} for c, n in sorted(by_category.items(), key=lambda x: -x[1])],
        "by_desk": [{"category": c, "desk": d, "count": n} for c, d, n in rows if d],
    }
