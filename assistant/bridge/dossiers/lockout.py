"""Failed-lookup lockout: an attempt is checked and reserved in one transaction BEFORE the source is asked.

Why reserve first: if the check were a read and the failure a later write, N parallel requests would all pass
the check together (60 parallel guesses once got 40 answers from the source). Here each attempt writes its
row in the same write transaction as the check, serialised per code and per client:
- SQLite: `Database.write()` opens `BEGIN IMMEDIATE`, which already serialises every writer;
- PostgreSQL: the transaction locks one guard row per code and per client (`SELECT … FOR UPDATE`, always the
  code first, then the client, so two transactions never wait on each other in a cycle); a transaction that
  waited sees the rows committed before it (READ COMMITTED takes a new snapshot per statement).
A found dossier releases its reservation; every other outcome (not found, wrong digits, source down) keeps it
as a failure, so "down" cannot be used to test digits for free.

Limits (failures still counted, refused attempts are not written):
- per (code, client): `max_failures` in `window` — the usual "5 wrong tries";
- per client over all codes: `client_max_failures` in `window`. Codes are sequential (`…-250801-0001`,
  `…-0002`): this is what stops walking through codes with one guess each;
- per code from any client: after `max_failures` failures each further try waits 2^k seconds after the
  latest one (k = failures beyond the limit, capped at `max_delay`), counted over `code_memory`. Many
  addresses cannot guess fast, and nobody can lock a citizen out for long: a desk officer can `lift` it.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assistant.bridge.db import Database, as_utc, utcnow
from assistant.bridge.models import LookupFailure, LookupGuard


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

    def code_delay(self, failures: int) -> timedelta:
        """Wait after the latest failure of a code that has `failures` of them (zero below the limit)."""
        if failures < self.max_failures:
            return timedelta(0)
        exponent = min(failures - self.max_failures + 1, 62)
        return min(timedelta(seconds=2 ** exponent), self.max_delay)


class LookupLockout:
    """Check-and-reserve, release on success, lift by staff. Rows hold the code and a hashed client key only."""

    def __init__(self, db: Database, policy: LockoutPolicy = LockoutPolicy(), *,
                 clock: Callable[[], datetime] = utcnow):
        self._db, self.policy, self.clock = db, policy, clock

    def reserve(self, code: str, client: str) -> int:
        """Count this attempt as a failure now (raises LockedOut instead when a limit is reached); returns its id."""
        now = self.clock()
        policy = self.policy
        with self._db.write() as session:
            _lock_guard(session, "code:" + code)
            _lock_guard(session, "client:" + client)
            waits = self._waits(session, code, client, now)
            if waits:
                # Raising rolls the transaction back: a refused attempt is not written and does not count.
                raise LockedOut(max(1, math.ceil(max(waits))))
            attempt = LookupFailure(code_key=code, client=client, at=now)
            session.add(attempt)
            session.flush()
            keep = max(policy.code_memory, 4 * policy.window)
            session.execute(delete(LookupFailure).where(LookupFailure.at < now - keep))
            return attempt.id

    def _waits(self, session: Session, code: str, client: str, now: datetime) -> list[float]:
        policy = self.policy
        since = now - policy.window
        pair = (LookupFailure.code_key == code) & (LookupFailure.client == client)
        pair_count, pair_first = session.execute(
            select(func.count(), func.min(LookupFailure.at)).where(pair, LookupFailure.at >= since)).one()
        client_count, client_first = session.execute(
            select(func.count(), func.min(LookupFailure.at))
            .where(LookupFailure.client == client, LookupFailure.at >= since)).one()
        code_count, code_last = session.execute(
            select(func.count(), func.max(LookupFailure.at))
            .where(LookupFailure.code_key == code, LookupFailure.at >= now - policy.code_memory)).one()
        waits = []
        # Until enough failures have aged out of the window; the oldest one is a safe lower bound.
        if pair_count >= policy.max_failures:
            waits.append((as_utc(pair_first) + policy.window - now).total_seconds())
        if client_count >= policy.client_max_failures:
            waits.append((as_utc(client_first) + policy.window - now).total_seconds())
        delay = policy.code_delay(code_count)
        if delay and as_utc(code_last) + delay > now:
            waits.append((as_utc(code_last) + delay - now).total_seconds())
        return [w for w in waits if w > 0]

    def release(self, attempt_id: int) -> None:
        """The dossier was found: this attempt was not a failure."""
        with self._db.write() as session:
            session.execute(delete(LookupFailure).where(LookupFailure.id == attempt_id))

    def lift(self, code: str) -> int:
        """A desk officer lifts a code's lock (every client's failures on it); returns how many were cleared."""
        with self._db.write() as session:
            _lock_guard(session, "code:" + code)
            return session.execute(delete(LookupFailure).where(LookupFailure.code_key == code)).rowcount or 0

    def failures(self, code: str) -> int:
        """Failures on a code that still count towards its delay."""
        since = self.clock() - self.policy.code_memory
        with self._db.read() as session:
            return session.execute(select(func.count()).where(LookupFailure.code_key == code,
                                                              LookupFailure.at >= since)).scalar_one()


def _lock_guard(session: Session, key: str) -> None:
    """Make sure the guard row exists, then lock it until the transaction ends (a no-op lock on SQLite)."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is not None:
        session.execute(insert(LookupGuard).values(key=key).on_conflict_do_nothing())
    elif session.get(LookupGuard, key) is None:
        session.add(LookupGuard(key=key))
        session.flush()
    session.execute(select(LookupGuard.key).where(LookupGuard.key == key).with_for_update())
