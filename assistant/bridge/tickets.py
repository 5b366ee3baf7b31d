"""Queue tickets: a number per desk per day, position and estimated wait, priority interleaving.

Calling order at a desk (the interleaving rule): waiting priority tickets (elderly, disabled, pregnant,
with a small child) are called before normal ones, in issue order — but after `priority_burst`
priority tickets in a row, one waiting normal ticket is called, so the normal queue never stalls.
Everything lives in the database, so positions and numbers survive a restart.
"""
from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from assistant.bridge.db import Database, as_utc, utcnow
from assistant.bridge.desks import DeskConfig, DeskDirectory
from assistant.bridge.errors import ApiError
from assistant.bridge.models import Ticket

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


class TicketQueue:
    """Issues and calls tickets for the desks of the current ward config."""

    def __init__(self, *, db: Database, desks: Callable[[], DeskDirectory], minutes_per_ticket: int = 5,
                 priority_burst: int = 3, timezone: str = "Asia/Ho_Chi_Minh", clock: Callable[[], datetime] = utcnow):
        self._db, self._desks = db, desks
        self._minutes, self._burst = minutes_per_ticket, priority_burst
        self._tz, self._clock = ZoneInfo(timezone), clock
        self._issue_lock = threading.Lock()

    def today(self) -> date:
        return self._clock().astimezone(self._tz).date()

    def issue(self, *, desk: DeskConfig, priority: str = "none", procedure_code: str | None = None) -> dict:
        if priority not in PRIORITIES:
            raise ApiError(422, "invalid_priority", f"Mức ưu tiên phải là một trong {', '.join(PRIORITIES)}. / "
                           f"priority must be one of {', '.join(PRIORITIES)}.")
        day = self.today()
        # One bridge process: the lock hands out numbers one at a time (PostgreSQL's READ COMMITTED would
        # otherwise let two requests read the same max). Another process on the same database is caught
        # by the unique (desk, day, seq) constraint and retried.
        for attempt in range(8):
            try:
                with self._issue_lock, self._db.write() as session:
                    seq = (session.execute(select(func.max(Ticket.seq)).where(Ticket.desk_id == desk.id, Ticket.day == day)).scalar() or 0) + 1
                    ticket = Ticket(desk_id=desk.id, day=day, seq=seq, number=f"{desk.prefix}{seq:03d}", priority=priority,
                                    procedure_code=procedure_code, status="waiting", issued_at=self._clock(),
                                    public_id=secrets.token_urlsafe(12))
                    session.add(ticket)
                    session.flush()
                    return self._describe(session, ticket, desk)
            except (IntegrityError, OperationalError):
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))
        raise ApiError(503, "busy", "Hệ thống đang bận, vui lòng thử lại. / The queue is busy, please try again.")

    def get(self, ticket_id: int) -> dict:
        with self._db.read() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise ApiError(404, "unknown_ticket", "Không có số thứ tự này. / No such ticket.")
            return self._describe(session, ticket, self._desk_of(ticket))

    def call(self, ticket_id: int) -> dict:
        """Staff call one specific ticket to the desk."""
        with self._db.write() as session:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None:
                raise ApiError(404, "unknown_ticket", "Không có số thứ tự này. / No such ticket.")
            if ticket.status != "waiting":
                raise ApiError(409, "already_called", "Số này đã được gọi. / This ticket was already called.")
            ticket.status, ticket.called_at = "called", self._clock()
            session.flush()
            return self._describe(session, ticket, self._desk_of(ticket))

    def call_next(self, desk_id: str) -> dict | None:
        """Staff call the next ticket of a desk by the interleaving rule; None when nobody waits."""
        desk = self._desks().get(desk_id)
        if desk is None:
            raise ApiError(404, "unknown_desk", "Không có quầy này. / No such desk.")
        with self._db.write() as session:
            order = self._order(session, desk.id, self.today())
            if not order:
                return None
            ticket = session.get(Ticket, order[0].id)
            ticket.status, ticket.called_at = "called", self._clock()
            session.flush()
            return self._describe(session, ticket, desk)

    def _order(self, session: Session, desk_id: str, day: date) -> list:
        """(id, priority) rows of the desk's waiting tickets in calling order; rows, not ORM objects, because a busy
        desk can have hundreds waiting and every ticket issued asks for its position (620 waiting: 10x cheaper)."""
        waiting = session.execute(select(Ticket.id, Ticket.priority).where(Ticket.desk_id == desk_id, Ticket.day == day, Ticket.status == "waiting")).all()
        # Called, served or skipped since: every ticket the desk has called counts for the run.
        recent = session.execute(select(Ticket.priority).where(Ticket.desk_id == desk_id, Ticket.day == day, Ticket.called_at.is_not(None))
                                 .order_by(Ticket.called_at.desc(), Ticket.id.desc()).limit(self._burst)).scalars().all()
        run = 0
        for priority in recent:
            if priority == "none":
                break
            run += 1
        return calling_order(list(waiting), priority_run=run, burst=self._burst)

    def _desk_of(self, ticket: Ticket) -> DeskConfig:
        return self._desks().get(ticket.desk_id) or self._desks().general_desk

    def _describe(self, session: Session, ticket: Ticket, desk: DeskConfig) -> dict:
        position = 0
        if ticket.status == "waiting":
            order = self._order(session, ticket.desk_id, ticket.day)
            position = next((i + 1 for i, t in enumerate(order) if t.id == ticket.id), 0)
        minutes = desk.minutes_per_ticket or self._minutes
        return {"id": ticket.id, "number": ticket.number, "desk": desk.to_json(), "priority": ticket.priority,
                "position": position, "estimated_wait_minutes": position * minutes, "status": ticket.status,
                "issued_at": as_utc(ticket.issued_at).isoformat(),
                "called_at": as_utc(ticket.called_at).isoformat() if ticket.called_at else None,
                "public_id": ticket.public_id}
