"""The desk side of the queue: call next / recall / skip / served at one desk, the hall board's state, and the
public "your turn" view of one ticket.

Every call or recall is a `QueueCall` row: the board shows and speaks the newest ones, and because they are in the
database the board reloads the same state after a bridge restart. Calling next is safe under concurrency, across
threads and bridge processes: every change to a desk's called ticket (call next, recall, served/skipped, calling one
ticket) first takes the desk's lock (`db.advisory_lock`: a PostgreSQL advisory transaction lock; on SQLite the write
transaction, BEGIN IMMEDIATE, already runs alone), then reads the calling order and claims the first ticket with a
conditional `UPDATE … WHERE status = 'waiting' RETURNING` — each ticket is called once, and two officers of one desk
wait for each other instead of deadlocking on each other's rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.bridge.db import Database, advisory_lock, as_utc, utcnow
from assistant.bridge.desks import DeskConfig, DeskDirectory
from assistant.bridge.errors import ApiError
from assistant.bridge.models import QueueCall, Ticket
from assistant.bridge.tickets import TicketQueue, claim, desk_lock_name

PRIORITY_LABELS = {
    "none": ("Thường", "Normal"),
    "elderly": ("Người cao tuổi", "Elderly"),
    "disabled": ("Người khuyết tật", "Disability"),
    "pregnant": ("Phụ nữ mang thai", "Pregnant"),
    "small_child": ("Có con nhỏ", "With a small child"),
}
RECENT_CALLS = 8


def desk_label(desk: DeskConfig, *, english: bool = False) -> str:
    """The short name said and shown on the board: "Quầy 1" from "Quầy 1 – Hộ tịch, chứng thực" ("Desk 1" in
    English)."""
    name = (desk.name_en or desk.name) if english else desk.name
    return name.split(" – ")[0].split(" - ")[0].strip()


def _unknown_desk() -> ApiError:
    return ApiError(404, "unknown_desk", "Không có quầy này. / No such desk.")


class DeskCounter:
    """Desk operations of one ward over the ticket table (see module docstring)."""

    def __init__(
        self,
        *,
        db: Database,
        tickets: TicketQueue,
        desks: Callable[[], DeskDirectory],
        ward_id: int,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._db, self._tickets, self._desks, self._clock = db, tickets, desks, clock
        self.ward_id = ward_id

    def _desk(self, desk_id: str) -> DeskConfig:
        desk = self._desks().get(desk_id)
        if desk is None:
            raise _unknown_desk()
        return desk

    def _current(self, session: Session, desk_id: str) -> Ticket | None:
        """The ticket the desk is serving now: its latest call still in status "called"."""
        return session.execute(
            select(Ticket)
            .where(
                Ticket.ward_id == self.ward_id,
                Ticket.desk_id == desk_id,
                Ticket.day == self._tickets.today(),
                Ticket.status == "called",
            )
            .order_by(Ticket.called_at.desc(), Ticket.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    def _announce(self, session: Session, ticket: Ticket, kind: str) -> int:
        call = QueueCall(
            ward_id=ticket.ward_id,
            ticket_id=ticket.id,
            desk_id=ticket.desk_id,
            number=ticket.number,
            kind=kind,
            at=self._clock(),
        )
        session.add(call)
        session.flush()
        return call.id

    def call_next(self, desk_id: str) -> dict | None:
        """Finish the ticket being served (as served) and call the next one by the interleaving rule.

        None if nobody waits."""
        desk = self._desk(desk_id)
        now = self._clock()
        with self._db.write() as session:
            advisory_lock(session, desk_lock_name(self.ward_id, desk.id))
            current = self._current(session, desk.id)
            for candidate in self._tickets._order(session, self.ward_id, desk.id, self._tickets.today()):
                if claim(session, candidate.id, now) is None:
                    continue  # not waiting any more; under the desk's lock only a process without it could do that
                if current is not None:
                    current.status, current.finished_at = "served", now
                ticket = session.get(Ticket, candidate.id)
                session.refresh(ticket)
                call_id = self._announce(session, ticket, "call")
                return {**self._tickets._describe(session, ticket, desk), "call_id": call_id}
            return None

    def _serving(self, session, desk_id: str):
        """The ticket the desk is serving, under the desk's lock; 409 when it has called no one."""
        advisory_lock(session, desk_lock_name(self.ward_id, desk_id))
        current = self._current(session, desk_id)
        if current is None:
            raise ApiError(409, "nothing_called", "Quầy chưa gọi số nào. / This desk has not called anyone.")
        return current

    def recall(self, desk_id: str) -> dict:
        """Announce the ticket being served once more (the citizen did not come yet)."""
        desk = self._desk(desk_id)
        with self._db.write() as session:
            current = self._serving(session, desk.id)
            call_id = self._announce(session, current, "recall")
            return {**self._tickets._describe(session, current, desk), "call_id": call_id}

    def finish(self, desk_id: str, outcome: str) -> dict:
        """Mark the ticket being served as "served" or "skipped" (the citizen did not come)."""
        if outcome not in ("served", "skipped"):
            raise ApiError(
                422, "invalid_outcome", "Kết quả phải là served hoặc skipped. / outcome must be served or skipped."
            )
        desk = self._desk(desk_id)
        with self._db.write() as session:
            current = self._serving(session, desk.id)
            current.status, current.finished_at = outcome, self._clock()
            session.flush()
            return self._tickets._describe(session, current, desk)

    def desk_view(self, desk_id: str) -> dict:
        """What the desk page shows: the ticket being served, the waiting tickets in calling order, the rule."""
        desk = self._desk(desk_id)
        day = self._tickets.today()
        with self._db.read() as session:
            order = self._tickets._order(session, self.ward_id, desk.id, day)
            numbers = (
                dict(
                    session.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_([t.id for t in order]))).all()
                )
                if order
                else {}
            )
            current = self._current(session, desk.id)
            done = dict(
                session.execute(
                    select(Ticket.status, func.count())
                    .where(
                        Ticket.ward_id == self.ward_id,
                        Ticket.desk_id == desk.id,
                        Ticket.day == day,
                        Ticket.status.in_(("served", "skipped")),
                    )
                    .group_by(Ticket.status)
                ).all()
            )
            return {
                "desk": {**desk.to_json(), "label": desk_label(desk)},
                "current": self._tickets._describe(session, current, desk) if current else None,
                "waiting": [
                    {
                        "number": numbers[t.id],
                        "priority": t.priority,
                        "priority_label": PRIORITY_LABELS[t.priority][0],
                        "position": i + 1,
                    }
                    for i, t in enumerate(order)
                ],
                "served": done.get("served", 0),
                "skipped": done.get("skipped", 0),
                "rule": {
                    "priority_burst": self._tickets._burst,
                    "vi": f"Ưu tiên (người cao tuổi, khuyết tật, mang thai, có con nhỏ) được gọi trước; sau "
                    f"{self._tickets._burst} số ưu tiên liền nhau thì gọi một số thường.",
                    "en": f"Priority tickets (elderly, disability, pregnant, small child) are called first; after "
                    f"{self._tickets._burst} priority tickets in a row, one normal ticket is called.",
                },
            }

    def last_call_id(self) -> int:
        """The newest call of this ward (the board's event stream wakes up when it moves)."""
        with self._db.read() as session:
            return (
                session.execute(select(func.max(QueueCall.id)).where(QueueCall.ward_id == self.ward_id)).scalar() or 0
            )

    def board(self) -> dict:
        """Per desk the number called last today, and the latest calls (newest first) for the hall display."""
        day = self._tickets.today()
        directory = self._desks()
        with self._db.read() as session:
            calls = (
                session.execute(
                    select(QueueCall).where(QueueCall.ward_id == self.ward_id).order_by(QueueCall.id.desc()).limit(200)
                )
                .scalars()
                .all()
            )
        calls = [c for c in calls if as_utc(c.at).astimezone(self._tickets._tz).date() == day]
        latest: dict[str, QueueCall] = {}
        for call in calls:
            latest.setdefault(call.desk_id, call)
        desks = []
        for desk in directory.config.desks:
            call = latest.get(desk.id)
            desks.append(
                {
                    "id": desk.id,
                    "label": desk_label(desk),
                    "label_en": desk_label(desk, english=True),
                    "name": desk.name,
                    "name_en": desk.name_en,
                    "floor": desk.floor,
                    "number": call.number if call else None,
                    "call_id": call.id if call else None,
                }
            )

        def labels(desk_id: str) -> dict:
            desk = directory.get(desk_id)
            return {
                "desk_label": desk_label(desk) if desk else desk_id,
                "desk_label_en": desk_label(desk, english=True) if desk else desk_id,
            }

        recent = [
            {
                "call_id": c.id,
                "number": c.number,
                "desk_id": c.desk_id,
                "kind": c.kind,
                **labels(c.desk_id),
                "at": as_utc(c.at).isoformat(),
            }
            for c in calls[:RECENT_CALLS]
        ]
        return {"desks": desks, "recent": recent, "last_call_id": calls[0].id if calls else self.last_call_id()}

    def call_announcement(self, call_id: int) -> tuple[str, str]:
        """(ticket number, desk label) of one call of this ward, for the spoken announcement."""
        with self._db.read() as session:
            call = session.get(QueueCall, call_id)
        if call is None or call.ward_id != self.ward_id:
            raise ApiError(404, "unknown_call", "Không có lượt gọi này. / No such call.")
        desk = self._desks().get(call.desk_id)
        return call.number, desk_label(desk) if desk else call.desk_id

    def public(self, public_id: str) -> dict:
        """The public view of one ticket: number, desk, status, position, wait — nothing personal."""
        with self._db.read() as session:
            ticket = session.execute(select(Ticket).where(Ticket.public_id == public_id)).scalar_one_or_none()
            if ticket is None:
                raise ApiError(404, "unknown_ticket", "Không có số thứ tự này. / No such ticket.")
            desk = self._tickets._desk_of(ticket)
            described = self._tickets._describe(session, ticket, desk)
        keep = ("number", "priority", "position", "estimated_wait_minutes", "status", "issued_at", "called_at")
        return {
            **{k: described[k] for k in keep},
            "day": ticket.day.isoformat(),
            "ward_id": ticket.ward_id,
            "desk": {
                "id": desk.id,
                "label": desk_label(desk),
                "label_en": desk_label(desk, english=True),
                "name": desk.name,
                "name_en": desk.name_en,
                "floor": desk.floor,
            },
        }
