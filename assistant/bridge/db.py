"""Database engine and sessions: SQLite (WAL) by default, PostgreSQL by DATABASE_URL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from assistant.bridge.settings import BridgeSettings

_SYNCHRONOUS_LEVELS = {"OFF", "NORMAL", "FULL", "EXTRA"}


def make_engine(settings: BridgeSettings, *, synchronous: str | None = None) -> Engine:
    """Create the engine; for SQLite create the data directory and set WAL + synchronous on each connection.

    WAL with synchronous=FULL: the WAL is fsynced before COMMIT returns, so a change we acknowledged
    survives kill -9 and a power cut. (NORMAL already survives kill -9 — the WAL is in the OS page
    cache — but may lose the last commits on power loss; staff edits are rare, so the fsync is cheap.)
    """
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() != "sqlite":
        # Up to 40 connections: one per request thread of the bridge (anyio's 40), so a request never waits for a
        # connection while others wait on a row or advisory lock. Two bridges fit PostgreSQL's default 100.
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    sync = (synchronous or settings.sqlite_synchronous).upper()
    if sync not in _SYNCHRONOUS_LEVELS:
        raise ValueError(f"BRIDGE_SQLITE_SYNCHRONOUS must be one of {sorted(_SYNCHRONOUS_LEVELS)}")
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, pool_size=10, max_overflow=40)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _begin)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={sync}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE): a deferred read-then-write transaction in
        # WAL mode fails with SQLITE_BUSY instead of waiting when another writer committed in between.
        immediate = conn.get_execution_options().get("sqlite_begin") == "immediate"
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_relaxed_engine(settings: BridgeSettings, engine: Engine) -> Engine | None:
    """For a SQLite file: a second engine on it with synchronous=NORMAL (no fsync per commit), else None."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    return make_engine(settings, synchronous="NORMAL")


class Database:
    """Sessions for reading (`read()`) and one-transaction units of work for writing (`write()`)."""

    def __init__(self, engine: Engine, *, relaxed_engine: Engine | None = None):
        self.engine = engine
        self._relaxed_engine = relaxed_engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(sqlite_begin="immediate"), expire_on_commit=False)
        self._relaxed_write = sessionmaker(
            (relaxed_engine or engine).execution_options(sqlite_begin="immediate"), expire_on_commit=False
        )

    def read(self) -> Session:
        return self._read()

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Session]:
        """Commit on success (before the caller answers), roll back on error.

        `durable=False` (lookup attempts, two small writes per dossier lookup): on SQLite the commit is not
        fsynced (WAL synchronous=NORMAL) — still safe against kill -9, may lose the last commits on power loss.
        """
        with (self._write if durable else self._relaxed_write)() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self._relaxed_engine is not None:
            self._relaxed_engine.dispose()


def advisory_lock(conn: Session | Connection, name: str) -> None:
    """Hold a named lock until the current transaction ends, so work on one thing (a desk's queue, the schema) runs
    one transaction at a time across every process on the database.

    PostgreSQL: `pg_advisory_xact_lock` on a 64-bit key derived from the name. SQLite: nothing to do, the caller is
    inside a write transaction (BEGIN IMMEDIATE), which already runs alone."""
    bind = conn.get_bind() if isinstance(conn, Session) else conn
    if bind.dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
