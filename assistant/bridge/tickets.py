"""Queue tickets: a number per desk per day, position and estimated wait, priority interleaving.

Calling order at a desk (the interleaving rule): waiting priority tickets (elderly, disabled, pregnant,
with a small child) are called before normal ones, in issue order — but after `priority_burst`
priority tickets in a row, one waiting normal ticket is called, so the normal queue never stalls.
Everything lives in the database, so positions and numbers survive a restart. Numbers come from a counter row per
ward, desk and day (`next_number`); several bridge processes on one PostgreSQL database never hand out the same number
and never retry. Every queue is one ward's: two wards' "Q3" have their own numbers and callers.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assistant.bridge.db import Database, advisory_lock, as_utc, utcnow
from assistant.bridge.desks import DeskConfig, DeskDirectory
from assistant.bridge.errors import ApiError
from assistant.bridge.models import Ticket, TicketCounter

PRIORITIES = ("none", "elderly", "disabled", "pregnant", "small_child")


def calling_order(waiting: list, *, priority_run: int, burst: int) -> list:
    """The order in which the waiting tickets of one desk will be called (see module docstring).

    Items are anything with ``id`` and ``priority``: Ticket objects or (id, priority) rows.

    `priority_run` is how many priority tickets were called in a row most recently at this desk.
    """
    urgent = sorted((t for t in waiting if t.priority != "none"), key=lambda t: t.id)
    normal = sorted((t for t in waiting if t.priority == "none"), key=lambda t: t.id)
    order, run = [], priority_run
    while urgent or normal:
        if urgent and (run < burst or not normal):
            order.append(urgent.pop(0))
            run += 1
        else:
            order.append(normal.pop(0))
            run = 0
    return order


def next_number(session: Session, ward_id: int, desk_id: str, day: date) -> int:
    """The next ticket number of the ward's desk today, in one statement on the counter row (no read-then-write): the
    row stays locked (PostgreSQL) or the write transaction runs alone (SQLite) until the ticket is committed."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
    statement = (
        insert(TicketCounter)
        .values(ward_id=ward_id, desk_id=desk_id, day=day, last_seq=1)
        .on_conflict_do_update(
            index_elements=["ward_id", "desk_id", "day"], set_={"last_seq": TicketCounter.last_seq + 1}
        )
        .returning(TicketCounter.last_seq)
    )
    return session.execute(statement).scalar_one()


def desk_lock_name(ward_id: int, desk_id: str) -> str:
    """The advisory lock every change to a desk's called ticket takes first (db.advisory_lock)."""
    return f"queue-desk:{ward_id}:{desk_id}"


def claim(session: Session, ticket_id: int, now: datetime) -> int | None:
    """Mark a waiting ticket called; its id, or None when it was not waiting any more."""
    return session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.status == "waiting")
        .values(status="called", called_at=now)
        .returning(Ticket.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


class TicketQueue:
    """Issues and calls tickets for the desks of each ward's current config (`desks(ward_id)`)."""

    def __init__(
        self,
        *,
        db: Database,
        desks: Callable[[int], DeskDirectory],
        minutes_per_ticket: int = 5,
        priority_burst: int = 3,
        timezone: str = "Asia/Ho_Chi_Minh",
        clock: Callable[[], datetime] = utcnow,
    ):
        self._db, self._desks = db, desks
        self._minutes, self._burst = minutes_per_ticket, priority_burst
        self._tz, self._clock = ZoneInfo(timezone), clock
        self._writing = threading.Lock() if db.engine.dialect.name == "sqlite" else contextlib.nullcontext()
        """SQLite: this process's issuers queue here rather than in SQLite's busy handler, which is unfair under load.
        PostgreSQL orders them on the counter row."""

    def today(self) -> date:
        return self._clock().astimezone(self._tz).date()

    def issue(
        self, *, ward_id: int, desk: DeskConfig, priority: str = "none", procedure_code: str | None = None
    ) -> dict:
        if priority not in PRIORITIES:
            raise ApiError(
                422,
                "invalid_priority",
                f"Mức ưu tiên phải là một trong {', '.join(PRIORITIES)}. / "
                f"priority must be one of {', '.join(PRIORITIES)}.",
            )
        day = self.today()
        with self._writing, self._db.write() as session:
            seq = next_number(session, ward_id, desk.id, day)
            ticket = Ticket(
                ward_id=ward_id,
                desk_id=desk.id,
                day=day,
                seq=seq,
                number=f"{desk.prefix}{seq:03d}",
                priority=priority,
                procedure_code=procedure_code,
                status="waiting",
                issued_at=self._clock(),
                public_id=secrets.token_urlsafe(12),
            )
            session.add(ticket)
            session.flush()
            return self._describe(session, ticket, desk)

    def get(self, ticket_id: int, *, ward_id: int | None = None) -> dict:
        """One ticket; with `ward_id`, only a ticket of that ward (another ward's is 404, as if it did not exist)."""
        with self._db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None or (ward_id is not None and ticket.ward_id != ward_id):
                raise ApiError(404, "unknown_ticket", "Không có số thứ tự này. / No such ticket.")
            return self._describe(session, ticket, self._desk_of(ticket))

    def call(self, ticket_id: int, *, ward_id: int | None = None) -> dict:
        """Staff call one specific ticket to the desk (under the desk's lock, like calling next); with `ward_id`, only
        a ticket of that ward."""
        with self._db.write() as session:
            row = session.execute(select(Ticket.ward_id, Ticket.desk_id).where(Ticket.id == ticket_id)).one_or_none()
            if row is None or (ward_id is not None and row.ward_id != ward_id):
                raise ApiError(404, "unknown_ticket", "Không có số thứ tự này. / No such ticket.")
            advisory_lock(session, desk_lock_name(row.ward_id, row.desk_id))
            if claim(session, ticket_id, self._clock()) is None:
                raise ApiError(409, "already_called", "Số này đã được gọi. / This ticket was already called.")
            ticket = session.get(Ticket, ticket_id)
            session.refresh(ticket)
            return self._describe(session, ticket, self._desk_of(ticket))

    def _order(self, session: Session, ward_id: int, desk_id: str, day: date) -> list:
        """(id, priority) rows of the desk's waiting tickets in calling order; rows, not ORM objects, because a busy
        desk can have hundreds waiting and every ticket issued asks for its position (620 waiting: 10x cheaper)."""
        waiting = session.execute(
            select(Ticket.id, Ticket.priority).where(
                Ticket.ward_id == ward_id, Ticket.desk_id == desk_id, Ticket.day == day, Ticket.status == "waiting"
            )
        ).all()
        # Called, served or skipped since: every ticket the desk has called counts for the run.
        recent = (
            session.execute(
                select(Ticket.priority)
                .where(
                    Ticket.ward_id == ward_id,
                    Ticket.desk_id == desk_id,
                    Ticket.day == day,
                    Ticket.called_at.is_not(None),
                )
                .order_by(Ticket.called_at.desc(), Ticket.id.desc())
                .limit(self._burst)
            )
            .scalars()
            .all()
        )
        run = 0
        for priority in recent:
            if priority == "none":
                break
            run += 1
        return calling_order(list(waiting), priority_run=run, burst=self._burst)

    def _desk_of(self, ticket: Ticket) -> DeskConfig:
        directory = self._desks(ticket.ward_id)
        return directory.get(ticket.desk_id) or directory.general_desk

    def _describe(self, session: Session, ticket: Ticket, desk: DeskConfig) -> dict:
        position = 0
        if ticket.status == "waiting":
            order = self._order(session, ticket.ward_id, ticket.desk_id, ticket.day)
            position = next((i + 1 for i, t in enumerate(order) if t.id == ticket.id), 0)
        minutes = desk.minutes_per_ticket or self._minutes
        return {
            "id": ticket.id,
            "number": ticket.number,
            "desk": desk.to_json(),
            "priority": ticket.priority,
            "position": position,
            "estimated_wait_minutes": position * minutes,
            "status": ticket.status,
            "issued_at": as_utc(ticket.issued_at).isoformat(),
            "called_at": as_utc(ticket.called_at).isoformat() if ticket.called_at else None,
            "public_id": ticket.public_id,
            "ward_id": ticket.ward_id,
        }
