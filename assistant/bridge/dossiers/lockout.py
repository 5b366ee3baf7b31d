"""Failed-lookup lockout: an attempt is checked and reserved in one transaction BEFORE the source is asked.

Why reserve first: if the check were a read and the failure a later write, N parallel requests would all pass
the check together (60 parallel guesses once got 40 answers from the source). Here each attempt writes its
row in the same write transaction as the check, serialised per code and per client:
- SQLite: `Database.write()` opens `BEGIN IMMEDIATE`, which already serialises every writer (this process's
  lockout writers also queue on a lock first: SQLite's own busy wait is unfair under load);
- PostgreSQL: the transaction locks one guard row per code and per client (`SELECT … FOR UPDATE`, always the
  code first, then the client, so two transactions never wait on each other in a cycle); a transaction that
  waited sees the rows committed before it (READ COMMITTED takes a new snapshot per statement).
A reservation is *pending* while the source is asked: a found dossier deletes it, every other outcome (not
found, wrong digits, source down) settles it as a failure, so "down" cannot be used to test digits for free.
Pending attempts count towards the limits like failures — that is what stops parallel guesses — but a request
that is refused only because of pending ones waits (briefly) for them to settle instead of getting 429, so
honest lookups from one busy address (a kiosk, an office behind one router) are queued, not refused.

Limits (failures still counted, refused attempts are not written):
- per (code, client): `max_failures` in `window` — the usual "5 wrong tries";
- per client over all codes: `client_max_failures` in `window`. Codes are sequential (`…-250801-0001`,
  `…-0002`): this is what stops walking through codes with one guess each;
- per code from any client: after `max_failures` failures each further try waits 2^k seconds after the
  latest one (k = failures beyond the limit, capped at `max_delay`), counted over `code_memory`. Many
  addresses cannot guess fast, and nobody can lock a citizen out for long: a desk officer can `lift` it.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from assistant.bridge.db import Database, as_utc, utcnow
from assistant.bridge.models import LookupFailure, LookupGuard


class Busy(Exception):
    """Only attempts still pending stand in the way: try again in a moment."""


class LockedOut(Exception):
    """Too many failures: try again after `retry_after_s` seconds."""

    def __init__(self, retry_after_s: int):
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    """Failures per (code, client) in `window`; also where the per-code delays start."""
    client_max_failures: int = 5
    """Failures per client over all codes in `window`."""
    window: timedelta = timedelta(minutes=15)
    max_delay: timedelta = timedelta(minutes=15)
    """Longest wait the per-code delays grow to."""
    code_memory: timedelta = timedelta(hours=24)
    """How long failures count towards a code's delay (unless a desk officer lifts it)."""
    stale_pending: timedelta = timedelta(minutes=1)
    """A pending attempt older than this (the process died while asking the source) counts as a failure."""

    def code_delay(self, failures: int) -> timedelta:
        """Wait after the latest failure of a code that has `failures` of them (zero below the limit)."""
        if failures < self.max_failures:
            return timedelta(0)
        exponent = min(failures - self.max_failures + 1, 30)  # 2^30 s is decades; timedelta overflows far later
        return min(timedelta(seconds=2**exponent), self.max_delay)


class LookupLockout:
    """Check-and-reserve, release on success, lift by staff. Rows hold the code and a hashed client key only."""

    def __init__(
        self, db: Database, policy: LockoutPolicy = LockoutPolicy(), *, clock: Callable[[], datetime] = utcnow
    ):
        self._db, self.policy, self.clock = db, policy, clock
        self._settled = threading.Condition()
        """Notified whenever an attempt settles, so waiting requests retry at once."""
        self._next_cleanup: datetime | None = None
        self._writing = threading.Lock() if db.engine.dialect.name == "sqlite" else contextlib.nullcontext()
        """SQLite: this process's lockout writes queue here rather than in SQLite's sleep-and-retry busy handler,
        which under load lets some writers starve past the busy timeout (seen: "database is locked").
        PostgreSQL queues row locks fairly by itself, and unrelated codes need not wait for each other."""

    def reserve(self, code: str, client: str, *, wait_s: float = 2.5) -> int:
        """Count this attempt now, as pending; returns its id. Raises LockedOut when a limit is reached.

        While only pending attempts stand in the way, waits for them to settle for up to `wait_s` (below the
        action server's 3 s read timeout), then LockedOut of 1 s. Woken by this process's settles; other
        processes' are seen at the next poll."""
        deadline, pause = time.monotonic() + wait_s, 0.02
        while True:
            # A read first (reads run side by side): only an attempt that may pass takes the write path, so
            # waiting requests do not hold up the writes that settle the attempts they wait for.
            if not self._peek(code, client):
                try:
                    return self._try_reserve(code, client)
                except Busy:
                    pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise LockedOut(1)
            with self._settled:
                self._settled.wait(min(pause, left))
            pause = min(pause * 2, 0.25)

    def _peek(self, code: str, client: str) -> bool:
        """True while only pending attempts stand in the way; raises LockedOut when failures do."""
        with self._db.read() as session:
            settled, everything = self._waits(session, code, client, self.clock())
        if settled:
            raise LockedOut(max(1, math.ceil(max(settled))))
        return bool(everything)

    def _try_reserve(self, code: str, client: str) -> int:
        now = self.clock()
        policy = self.policy
        with self._writing, self._db.write(durable=False) as session:
            _lock_guard(session, "code:" + code)
            _lock_guard(session, "client:" + client)
            settled, everything = self._waits(session, code, client, now)
            # Raising rolls the transaction back: a refused attempt is not written and does not count.
            if settled:
                raise LockedOut(max(1, math.ceil(max(settled))))
            if everything:
                raise Busy()
            attempt = LookupFailure(code_key=code, client=client, at=now, pending=True)
            session.add(attempt)
            session.flush()
            if self._next_cleanup is None or now >= self._next_cleanup:
                self._next_cleanup = now + timedelta(minutes=1)
                keep = max(policy.code_memory, 4 * policy.window)
                session.execute(delete(LookupFailure).where(LookupFailure.at < now - keep))
            return attempt.id

    def _waits(self, session: Session, code: str, client: str, now: datetime) -> tuple[list[float], list[float]]:
        """Seconds to wait per limit reached: (counting settled failures only, counting pending attempts too)."""
        policy = self.policy
        since = now - policy.window
        settled = ~LookupFailure.pending | (LookupFailure.at < now - policy.stale_pending)
        by_pair = (LookupFailure.code_key == code) & (LookupFailure.client == client) & (LookupFailure.at >= since)
        by_client = (LookupFailure.client == client) & (LookupFailure.at >= since)
        by_code = (LookupFailure.code_key == code) & (LookupFailure.at >= now - policy.code_memory)
        row = session.execute(  # one round trip: count and oldest/latest time per limit, all and settled only
            select(
                *_stats(by_pair, settled, func.min),
                *_stats(by_client, settled, func.min),
                *_stats(by_code, settled, func.max),
            ).where(or_(LookupFailure.code_key == code, LookupFailure.client == client))
        ).one()
        pair_row, client_row, code_row = row[0:4], row[4:8], row[8:12]
        result = []
        for offset in (0, 2):  # (count, time) of all attempts, then of the settled ones
            (pair_count, pair_first), (client_count, client_first), (code_count, code_last) = (
                row[offset : offset + 2] for row in (pair_row, client_row, code_row)
            )
            waits = []
            # Until enough failures have aged out of the window; the oldest one is a safe lower bound.
            if pair_count >= policy.max_failures:
                waits.append((as_utc(pair_first) + policy.window - now).total_seconds())
            if client_count >= policy.client_max_failures:
                waits.append((as_utc(client_first) + policy.window - now).total_seconds())
            delay = policy.code_delay(code_count)
            if delay and as_utc(code_last) + delay > now:
                waits.append((as_utc(code_last) + delay - now).total_seconds())
            result.append([w for w in waits if w > 0])
        everything, settled_only = result
        return settled_only, everything

    def fail(self, attempt_id: int) -> None:
        """The source did not find the dossier (or could not answer): the attempt is a failure."""
        with self._writing, self._db.write(durable=False) as session:
            session.execute(update(LookupFailure).where(LookupFailure.id == attempt_id).values(pending=False))
        self._notify()

    def release(self, attempt_id: int) -> None:
        """The dossier was found: this attempt was not a failure."""
        with self._writing, self._db.write(durable=False) as session:
            session.execute(delete(LookupFailure).where(LookupFailure.id == attempt_id))
        self._notify()

    def _notify(self) -> None:
        with self._settled:
            self._settled.notify_all()

    def lift(self, code: str) -> int:
        """A desk officer lifts a code's lock (every client's failures on it); returns how many were cleared."""
        with self._writing, self._db.write(durable=False) as session:
            _lock_guard(session, "code:" + code)
            return session.execute(delete(LookupFailure).where(LookupFailure.code_key == code)).rowcount or 0

    def failures(self, code: str) -> int:
        """Failures on a code that still count towards its delay."""
        since = self.clock() - self.policy.code_memory
        with self._db.read() as session:
            return session.execute(
                select(func.count()).where(LookupFailure.code_key == code, LookupFailure.at >= since)
            ).scalar_one()


def _lock_guard(session: Session, key: str) -> None:
    """Make sure the guard row exists, then lock it until the transaction ends.

    Not needed on SQLite: its write transactions (BEGIN IMMEDIATE) already run one at a time."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return
    insert = {"postgresql": postgresql.insert}.get(dialect)
    if insert is not None:
        session.execute(insert(LookupGuard).values(key=key).on_conflict_do_nothing())
    elif session.get(LookupGuard, key) is None:
        session.add(LookupGuard(key=key))
        session.flush()
    session.execute(select(LookupGuard.key).where(LookupGuard.key == key).with_for_update())


def _stats(match, settled, pick) -> tuple:
    """count and min/max(at) of the attempts matching `match`, then the same over the settled ones."""
    return (
        func.count().filter(match),
        pick(LookupFailure.at).filter(match),
        func.count().filter(match & settled),
        pick(LookupFailure.at).filter(match & settled),
    )
