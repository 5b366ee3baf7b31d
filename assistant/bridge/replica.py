"""KnowledgeSync: keeps this bridge's knowledge (procedures, aliases, answer cards, desk map) in step with the change
log shared by every replica on the database.

- A staff edit runs in `edit()`: one write transaction holding the knowledge-edit lock. It first applies every change
  other replicas committed (so validation — one phrase, one meaning — sees the whole province's table), then writes
  the change, its audit entry and its log row together; after the commit this bridge applies its own change at once
  (visible on return, no restart), through the same appliers the other replicas use.
- Other replicas apply it from the log in id order, each change once (`applied_id` only grows). On PostgreSQL a
  background thread LISTENs for the commit's `pg_notify` and catches up at once; on start, after a lost connection
  and every `poll_s` seconds whatever happens it catches up by id as well. On SQLite (one process, or several on one
  file) the poll alone is the safety net: the editing process already applied its change directly.
- `applied_id` is set only after a change reached memory, so the search answer cache, keyed by it, never serves an
  answer computed before a change under a key made after it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.orm import Session

from assistant.bridge.changes import (
    CHANNEL,
    EDIT_LOCK,
    Change,
    ChangeWriter,
    changes_after,
    first_change_after,
    last_change_id,
)
from assistant.bridge.db import Database, advisory_lock

log = logging.getLogger(__name__)

Applier = Callable[[Change], None]


class KnowledgeSync:
    """Applies the shared change log to this process; `edit()` is the one way to write to it."""

    def __init__(self, db: Database, *, poll_s: float = 1.0, listen: bool = True):
        self._db = db
        self.poll_s = poll_s
        """Seconds between catch-ups when nothing wakes the follower; 0 = no background follower."""
        self._listen = listen and db.engine.dialect.name == "postgresql"
        self._appliers: dict[str, Applier] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.applied_id = 0
        """Id of the last change applied here (or already contained in what was loaded at start)."""
        self.listening = False
        """True while the PostgreSQL LISTEN connection is up."""
        self._failing = False

    # ---- set-up --------------------------------------------------------------------------------------
    def register(self, prefix: str, applier: Applier) -> None:
        """Changes whose kind starts with `prefix` ("procedure.", "alias.", "card.", "desks.") go to `applier`."""
        self._appliers[prefix] = applier

    def latest_id(self, session: Session | None = None) -> int:
        """The newest change id in the database. Read it before loading the overlays at start: a change committed
        in between is then applied once more (harmless: applying is idempotent), never missed."""
        if session is not None:
            return last_change_id(session)
        with self._db.read() as fresh:
            return last_change_id(fresh)

    def start(self, *, from_id: int) -> None:
        """Everything up to `from_id` is already loaded; apply what came since and follow (when poll_s > 0)."""
        with self._lock:
            self.applied_id = max(self.applied_id, from_id)
        self.catch_up()
        if self.poll_s > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._follow, name="knowledge-sync", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is None:
            return
        if self._listen:  # wake the LISTEN loop instead of waiting out its timeout
            try:
                with self._db.engine.connect() as conn:
                    conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
                    conn.commit()
            except Exception:
                pass
        self._thread.join(timeout=max(2.0, self.poll_s + 1))
        self._thread = None

    # ---- applying ------------------------------------------------------------------------------------
    def catch_up(self, session: Session | None = None) -> int:
        """Apply every change above `applied_id`, in id order; returns how many were applied."""
        with self._lock:
            if session is not None:
                return self._catch_up(session)
            with self._db.read() as fresh:
                return self._catch_up(fresh)

    def _catch_up(self, session: Session) -> int:
        applied = 0
        while True:
            batch = changes_after(session, self.applied_id)
            for change in batch:
                self._apply(change)
                applied += 1
            if len(batch) < 200:
                return applied

    def _apply(self, change: Change) -> None:
        """Apply one change (under the lock) and only then move `applied_id` past it. A change that cannot be applied
        is logged and passed over: the log must keep moving for every later change."""
        applier = next((a for prefix, a in self._appliers.items() if change.kind.startswith(prefix)), None)
        try:
            if applier is None:
                log.error("knowledge change %d of unknown kind %r skipped (an older bridge?)", change.id, change.kind)
            else:
                applier(change)
        except Exception:
            log.exception("knowledge change %d (%s) could not be applied here", change.id, change.kind)
        finally:
            self.applied_id = max(self.applied_id, change.id)

    @contextmanager
    def edit(self) -> Iterator[ChangeWriter]:
        """A knowledge edit: write transaction + edit lock, this replica caught up first, own changes applied on
        commit. Raise inside to roll everything back (nothing is applied then)."""
        with self._db.write() as session:
            advisory_lock(session, EDIT_LOCK)
            self.catch_up(session)
            writer = ChangeWriter(session)
            yield writer
            writer.notify()
        # Committed. No other edit could commit between our catch-up and our commit (we held the lock), so the
        # changes written here are the only ones this replica lacks, unless the follower has applied them already.
        with self._lock:
            for change in writer.changes:
                if change.id > self.applied_id:
                    self._apply(change)

    # ---- readiness -----------------------------------------------------------------------------------
    def lag(self) -> dict:
        """{"database_change_id", "applied_change_id", "behind_changes", "behind_s", "listening", "following"}."""
        applied = self.applied_id
        with self._db.read() as session:
            latest = last_change_id(session)
            oldest = first_change_after(session, applied) if latest > applied else None
        behind_s = (datetime.now(timezone.utc) - oldest).total_seconds() if oldest is not None else 0.0
        return {
            "database_change_id": latest,
            "applied_change_id": applied,
            "behind_changes": max(latest - applied, 0),
            "behind_s": round(max(behind_s, 0.0), 3),
            "listening": self.listening,
            "following": self._thread is not None and self._thread.is_alive(),
        }

    # ---- the follower thread -------------------------------------------------------------------------
    def _follow(self) -> None:
        # `start` has just caught up: the first poll waits its turn (not at once, beside the first requests).
        while not self._stop.is_set():
            if self._listen:
                try:
                    self._listen_until_stopped()
                except Exception as exc:  # connection lost: poll until it is back, then catch up on reconnect
                    self.listening = False
                    log.warning(
                        "knowledge sync: LISTEN connection lost (%s); polling, reconnecting", type(exc).__name__
                    )
            if self._stop.wait(self.poll_s):
                return
            self._safe_catch_up()

    def _listen_until_stopped(self) -> None:
        import psycopg

        url = self._db.engine.url.set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening = True
            self._safe_catch_up()  # whatever was committed while not listening
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=self.poll_s, stop_after=1):
                    pass
                if not self._stop.is_set():
                    self._safe_catch_up()
        self.listening = False

    def _safe_catch_up(self) -> None:
        try:
            self.catch_up()
            if self._failing:
                log.info("knowledge sync: reading the change log again")
            self._failing = False
        except Exception as exc:
            if not self._failing:
                log.warning("knowledge sync: cannot read the change log (%s); retrying", type(exc).__name__)
            self._failing = True
            time.sleep(min(self.poll_s, 1.0))
