"""Numbered schema migrations with a `schema_migrations` table; `migrate(engine)` applies the pending ones.

Several processes may migrate at once (two bridges starting on an empty PostgreSQL database, or the one-off
`python -m assistant.bridge migrate` job): steps run one at a time under a schema lock (see `migrate`).

Rule: a released migration never changes. Migration 1 creates the tables as first released; later
changes are new numbered functions (ALTER TABLE ...) appended to MIGRATIONS.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import OperationalError

from assistant.bridge import models
from assistant.bridge.db import advisory_lock, utcnow
from assistant.privacy import keywords, redact

log = logging.getLogger(__name__)


def _0001_initial(conn: Connection) -> None:
    tables = [
        models.Dossier,
        models.LookupFailure,
        models.Ticket,
        models.ProcedureOverride,
        models.AliasOverride,
        models.WardConfigOverride,
        models.ApiToken,
        models.AuditEntry,
        models.Feedback,
        models.QuestionLog,
    ]
    models.Base.metadata.create_all(conn, tables=[t.__table__ for t in tables])


def _0002_question_keywords(conn: Connection) -> None:
    """The question log keeps a keyword form, never the question: rewrite old rows, drop those left empty.

    Feedback comments stored under the older, weaker redaction are redacted again. On SQLite, secure_delete
    overwrites the old text in the file instead of leaving it in free space (the default of Debian's build; set
    explicitly for builds where it is not).
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    if "query" in {column["name"] for column in inspect(conn).get_columns("question_log")}:
        conn.execute(text("ALTER TABLE question_log RENAME COLUMN query TO keywords"))
        for row_id, old in conn.execute(text("SELECT id, keywords FROM question_log")).all():
            form = keywords(old or "")
            if form:
                conn.execute(text("UPDATE question_log SET keywords = :k WHERE id = :id"), {"k": form, "id": row_id})
            else:
                conn.execute(text("DELETE FROM question_log WHERE id = :id"), {"id": row_id})
    for row_id, comment in conn.execute(text("SELECT id, comment FROM feedback WHERE comment != ''")).all():
        if redact(comment) != comment:
            conn.execute(text("UPDATE feedback SET comment = :c WHERE id = :id"), {"c": redact(comment), "id": row_id})


def _0003_complaints(conn: Connection) -> None:
    models.Base.metadata.create_all(conn, tables=[models.Complaint.__table__])


def _0004_lookup_guards(conn: Connection) -> None:
    models.Base.metadata.create_all(conn, tables=[models.LookupGuard.__table__])
    # Migration 1 creates tables from the current models, so a fresh database already has the column.
    if "pending" not in {column["name"] for column in inspect(conn).get_columns("lookup_failures")}:
        conn.execute(text("ALTER TABLE lookup_failures ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE"))


def _0005_queue_front_ends(conn: Connection) -> None:
    """Desk-scoped tokens, public ticket ids, finished tickets and the announcement log of the hall board."""
    import secrets

    # A database created by this code's migration 1 already has the columns (create_all uses today's models).
    stamp = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "TIMESTAMP"
    for table, column, kind in (
        ("api_tokens", "desk_id", "VARCHAR(32)"),
        ("tickets", "public_id", "VARCHAR(32)"),
        ("tickets", "finished_at", stamp),
    ):
        if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    for (row_id,) in conn.execute(text("SELECT id FROM tickets WHERE public_id IS NULL")).all():
        conn.execute(
            text("UPDATE tickets SET public_id = :p WHERE id = :id"), {"p": secrets.token_urlsafe(12), "id": row_id}
        )
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS ix_tickets_public_id ON tickets (public_id)"))
    models.Base.metadata.create_all(conn, tables=[models.QueueCall.__table__])


def _0006_ticket_counters(conn: Connection) -> None:
    """Ticket numbers from a counter row per desk and day, continuing from the tickets already issued."""
    models.Base.metadata.create_all(conn, tables=[models.TicketCounter.__table__])
    conn.execute(
        text(
            "INSERT INTO ticket_counters (desk_id, day, last_seq) "
            "SELECT desk_id, day, MAX(seq) FROM tickets GROUP BY desk_id, day"
        )
    )


def _0007_knowledge_changes(conn: Connection) -> None:
    """The log of staff knowledge changes that every bridge replica follows (assistant.bridge.replica)."""
    models.Base.metadata.create_all(conn, tables=[models.KnowledgeChange.__table__])


WARD_TABLES = ("tickets", "queue_calls", "feedback", "complaints", "question_log")
"""Tables whose every row belongs to one ward (migration 8 puts rows from before wards on ward 1)."""


def _columns(conn: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(conn).get_columns(table)}


def _rebuild_sqlite_table(conn: Connection, table) -> None:
    """SQLite cannot change a table's unique constraints: rename it, create it afresh from the model, copy the rows
    (columns it did not have take their defaults), drop the old one."""
    old = f"{table.name}_before_wards"
    conn.exec_driver_sql(f"ALTER TABLE {table.name} RENAME TO {old}")
    for index in inspect(conn).get_indexes(old):
        if index["name"]:
            conn.exec_driver_sql(f'DROP INDEX "{index["name"]}"')
    table.create(conn)
    shared = ", ".join(sorted(_columns(conn, old) & {column.name for column in table.columns}))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({shared}) SELECT {shared} FROM {old}")
    conn.exec_driver_sql(f"DROP TABLE {old}")


def _0008_wards(conn: Connection) -> None:
    """Wards: the `wards` table, and a ward on tickets (numbers per ward, desk and day), their counters, board calls,
    feedback, complaints, the question log and the audit log. Rows from before are the single ward's: ward 1, which
    the first ward import gives to the default ward (assistant.bridge.wards). A saved desk map keeps id 1, the same
    ward."""
    models.Base.metadata.create_all(conn, tables=[models.Ward.__table__])
    # Migrations 1, 3, 5 and 6 create tables from today's models: a table they made already has its ward.
    for table in WARD_TABLES[1:]:
        if "ward_id" not in _columns(conn, table):
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN ward_id INTEGER NOT NULL DEFAULT 1"))
    if "ward_id" not in _columns(conn, "audit_log"):
        conn.execute(text("ALTER TABLE audit_log ADD COLUMN ward_id INTEGER"))
    if "ward_id" in _columns(conn, "tickets"):
        pass
    elif conn.dialect.name == "sqlite":
        _rebuild_sqlite_table(conn, models.Ticket.__table__)
    else:
        conn.execute(text("ALTER TABLE tickets ADD COLUMN ward_id INTEGER NOT NULL DEFAULT 1"))
        conn.execute(text("ALTER TABLE tickets DROP CONSTRAINT uq_tickets_desk_day_seq"))
        conn.execute(
            text("ALTER TABLE tickets ADD CONSTRAINT uq_tickets_ward_desk_day_seq UNIQUE (ward_id, desk_id, day, seq)")
        )
        conn.execute(text("DROP INDEX ix_tickets_desk_day_status"))
        conn.execute(text("CREATE INDEX ix_tickets_ward_desk_day_status ON tickets (ward_id, desk_id, day, status)"))
    # The counters are derived from the tickets: made again with the ward in their key.
    conn.execute(text("DROP TABLE ticket_counters"))
    models.Base.metadata.create_all(conn, tables=[models.TicketCounter.__table__])
    conn.execute(
        text(
            "INSERT INTO ticket_counters (ward_id, desk_id, day, last_seq) "
            "SELECT ward_id, desk_id, day, MAX(seq) FROM tickets GROUP BY ward_id, desk_id, day"
        )
    )


def _0009_token_wards(conn: Connection) -> None:
    """Staff tokens scoped to a ward. Desk tokens from before were the single ward's: ward 1; the other tokens stay
    province-wide (NULL)."""
    if "ward_id" not in _columns(conn, "api_tokens"):
        conn.execute(text("ALTER TABLE api_tokens ADD COLUMN ward_id INTEGER"))
    conn.execute(text("UPDATE api_tokens SET ward_id = 1 WHERE role = 'desk' AND ward_id IS NULL"))


def _0010_dossier_wards(conn: Connection) -> None:
    """Local dossiers name the ward of their pickup desk; those from before are the single ward's (ward 1)."""
    if "ward_id" not in _columns(conn, "dossiers"):
        conn.execute(text("ALTER TABLE dossiers ADD COLUMN ward_id INTEGER NOT NULL DEFAULT 1"))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial tables", _0001_initial),
    (2, "question log keeps keywords, not questions", _0002_question_keywords),
    (3, "complaints by category", _0003_complaints),
    (4, "lookup guard rows and pending attempts (atomic lockout)", _0004_lookup_guards),
    (5, "queue front-ends: desk tokens, public ticket ids, board calls", _0005_queue_front_ends),
    (6, "ticket counters per desk and day", _0006_ticket_counters),
    (7, "knowledge change log followed by every replica", _0007_knowledge_changes),
    (8, "wards: a ward on tickets, counters, calls, feedback, complaints, questions, audit", _0008_wards),
    (9, "staff tokens scoped to a ward (NULL: province-wide)", _0009_token_wards),
    (10, "local dossiers name the ward of their pickup desk", _0010_dossier_wards),
]


class MigrationError(RuntimeError):
    pass


def current_version(engine: Engine) -> int:
    if not inspect(engine).has_table(models.SchemaMigration.__tablename__):
        return 0
    with engine.connect() as conn:
        versions = conn.execute(select(models.SchemaMigration.version)).scalars().all()
    return max(versions, default=0)


LOCK_ATTEMPTS = 6
"""Tries at opening the schema transaction on SQLite: two processes opening a brand-new database file at once can
get "database is locked" at once (switching it to WAL), without waiting on the busy timeout."""


def _begin(engine: Engine, stack: ExitStack) -> Connection:
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            return stack.enter_context(engine.execution_options(sqlite_begin="immediate").begin())
        except OperationalError as exc:
            if engine.dialect.name != "sqlite" or "locked" not in str(exc) or attempt == LOCK_ATTEMPTS:
                raise
            log.info("schema lock busy, trying again (%d/%d)", attempt, LOCK_ATTEMPTS)
            time.sleep(0.1 * attempt)
    raise AssertionError("unreachable")


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the schema lock: PostgreSQL's advisory lock, SQLite's write transaction (the engines
    of db.make_engine open it with BEGIN IMMEDIATE when asked)."""
    with ExitStack() as stack:
        conn = _begin(engine, stack)
        advisory_lock(conn, "schema-migrations")
        yield conn


def _version(conn: Connection) -> int:
    return conn.execute(select(func.max(models.SchemaMigration.version))).scalar() or 0


def migrate(engine: Engine, migrations: list[tuple[int, str, Callable[[Connection], None]]] | None = None) -> list[int]:
    """Apply pending migrations in order, each in its own transaction; return the versions applied.

    Safe to run from several bridges (or a `migrate` job and a starting bridge) at once: each step runs under the
    schema lock and re-reads the version first, so a step another process has just applied is skipped, not repeated.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    numbers = [number for number, _, _ in migrations]
    if numbers != sorted(set(numbers)):
        raise MigrationError("migration numbers must be unique and ascending")
    with _locked(engine) as conn:
        models.SchemaMigration.__table__.create(conn, checkfirst=True)
        have = _version(conn)
    known = max(numbers, default=0)
    if have > known:
        raise MigrationError(f"database schema is version {have}, this code knows up to {known}: upgrade the bridge")
    applied = []
    for number, name, step in migrations:
        if number <= have:
            continue
        with _locked(engine) as conn:
            if _version(conn) >= number:
                continue  # another process applied it while this one waited for the lock
            step(conn)
            conn.execute(
                models.SchemaMigration.__table__.insert().values(version=number, name=name, applied_at=utcnow())
            )
        log.info("applied migration %d: %s", number, name)
        applied.append(number)
    return applied
