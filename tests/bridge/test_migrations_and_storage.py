"""Migration runner and SQLite settings on a real file."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from assistant.bridge.db import Database, make_engine
from assistant.bridge.migrations import MIGRATIONS, MigrationError, current_version, migrate
from assistant.bridge.settings import BridgeSettings
from tests.bridge.conftest import sqlite_only

pytestmark = [
    pytest.mark.both_engines,  # SQLite and PostgreSQL (conftest.py)
    pytest.mark.unmigrated,
]  # the tests migrate the database themselves


@pytest.fixture
def engine(settings):
    engine = make_engine(settings)
    yield engine
    engine.dispose()


def test_fresh_database_gets_every_migration_once(engine):
    assert current_version(engine) == 0
    assert migrate(engine) == [number for number, _, _ in MIGRATIONS]
    assert migrate(engine) == []
    assert {"dossiers", "tickets", "audit_log", "procedure_overrides"} <= set(inspect(engine).get_table_names())


LATEST = MIGRATIONS[-1][0]


def test_new_migration_is_applied_in_order(engine):
    migrate(engine)
    step = (
        LATEST + 1,
        "add a note table",
        lambda conn: conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY)")),
    )
    assert migrate(engine, MIGRATIONS + [step]) == [LATEST + 1]
    assert "note" in inspect(engine).get_table_names() and current_version(engine) == LATEST + 1


def test_failed_migration_rolls_back_and_is_not_recorded(engine):
    migrate(engine)

    def broken(conn):
        conn.execute(text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        migrate(engine, MIGRATIONS + [(LATEST + 1, "broken", broken)])
    assert current_version(engine) == LATEST and "half_done" not in inspect(engine).get_table_names()


def test_database_newer_than_code_is_refused(engine):
    migrate(engine, MIGRATIONS + [(LATEST + 1, "future", lambda conn: None)])
    with pytest.raises(MigrationError, match=f"version {LATEST + 1}"):
        migrate(engine)


@sqlite_only
def test_sqlite_runs_in_wal_with_full_sync_by_default(settings):
    default = BridgeSettings.model_fields["sqlite_synchronous"].default  # the tests' own settings skip the fsync
    engine = make_engine(settings.model_copy(update={"sqlite_synchronous": default}))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()
    bad = settings.model_copy(update={"sqlite_synchronous": "sometimes"})
    with pytest.raises(ValueError):
        make_engine(bad)


def test_write_rolls_back_on_error(engine):
    migrate(engine)
    db = Database(engine)
    with pytest.raises(RuntimeError), db.write() as session:
        session.execute(
            text(
                "INSERT INTO feedback (conversation_id, rating, comment, at) "
                "VALUES ('c', 5, '', '2026-01-01T00:00:00+00:00')"
            )
        )
        raise RuntimeError("abort")
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM feedback")).scalar() == 0


def test_a_version_1_database_gets_the_pending_column_and_keeps_its_failures(engine):
    migrate(engine, MIGRATIONS[:1])
    with engine.begin() as conn:  # the lookup_failures table as version 1 released it
        conn.execute(text("ALTER TABLE lookup_failures DROP COLUMN pending"))
        conn.execute(
            text("INSERT INTO lookup_failures (code_key, client, at) VALUES ('C', 'x', '2026-01-01 00:00:00')")
        )
    assert migrate(engine) == [number for number, _, _ in MIGRATIONS[1:]]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT code_key, pending FROM lookup_failures")).all() == [("C", False)]
    assert "lookup_guards" in inspect(engine).get_table_names()


def test_the_schema_transaction_is_tried_again_while_a_new_sqlite_file_is_locked():
    from contextlib import ExitStack, nullcontext
    from types import SimpleNamespace

    from sqlalchemy.exc import OperationalError

    from assistant.bridge.migrations import _begin

    tries = []

    class Flaky:
        dialect = SimpleNamespace(name="sqlite")

        def execution_options(self, **options):
            return self

        def begin(self):
            tries.append(1)
            if len(tries) < 3:
                raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))
            return nullcontext("connection")

    with ExitStack() as stack:
        assert _begin(Flaky(), stack) == "connection" and len(tries) == 3
