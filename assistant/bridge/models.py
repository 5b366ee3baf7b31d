"""Database tables of the bridge (SQLAlchemy 2 ORM). Created and changed only through migrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column


class Base(DeclarativeBase):
    pass


class SchemaMigration(Base):
    """One applied migration (numbered)."""

    __tablename__ = "schema_migrations"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Ward(Base):
    """A ward (phường/xã) served by this deployment, imported from its ward file (`ward.code` is its identity)."""

    __tablename__ = "wards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    """Given by the import (the next free id; the first ward 1), never by a sequence."""
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200), nullable=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


def ward_column() -> MappedColumn[int]:
    """The ward a row belongs to (wards.id). Rows written before wards existed belong to ward 1: the first ward
    imported, which is the default ward's file (assistant.bridge.wards)."""
    return mapped_column(Integer, server_default=text("1"))


class Dossier(Base):
    """A dossier (hồ sơ) known locally.

    The applicant's ID number is never stored: only a salted hash of its last 4 digits."""

    __tablename__ = "dossiers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    applicant_label: Mapped[str] = mapped_column(String(200), default="")
    id_last4_salt: Mapped[str] = mapped_column(String(64))
    id_last4_hash: Mapped[str] = mapped_column(String(128))
    procedure_code: Mapped[str] = mapped_column(String(32))
    procedure_name: Mapped[str] = mapped_column(Text, default="")
    status_code: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    pickup_desk_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ward_id: Mapped[int] = ward_column()
    """The ward that hands the result over: `pickup_desk_id` is one of its desks."""


class LookupFailure(Base):
    """A failed (or still running) dossier lookup, kept for the per-code / per-client lockout."""

    __tablename__ = "lookup_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_key: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """True while the source is being asked: counts towards the limits, but may still turn out a success."""
    __table_args__ = (
        Index("ix_lookup_failures_code_at", "code_key", "at"),
        Index("ix_lookup_failures_client_at", "client", "at"),
    )


class LookupGuard(Base):
    """One row per dossier code and per client, locked (SELECT … FOR UPDATE) while an attempt is checked."""

    __tablename__ = "lookup_guards"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)


class Ticket(Base):
    """A queue ticket; number per ward, desk and day (two wards' "Q3" have their own numbers and queues)."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = ward_column()
    desk_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16), default="none")
    procedure_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    called_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    public_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """Unguessable id of the public "your turn" page /t/{public_id} (the number is sequential)."""
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When the desk marked the ticket served or skipped."""
    __table_args__ = (
        UniqueConstraint("ward_id", "desk_id", "day", "seq", name="uq_tickets_ward_desk_day_seq"),
        Index("ix_tickets_ward_desk_day_status", "ward_id", "desk_id", "day", "status"),
        Index("ix_tickets_public_id", "public_id", unique=True),
    )


class TicketCounter(Base):
    """The last number handed out per ward, desk and day: `INSERT … ON CONFLICT … DO UPDATE … RETURNING` takes the
    next one in one statement, and its row lock (PostgreSQL) or the write transaction (SQLite) orders concurrent
    issuers."""

    __tablename__ = "ticket_counters"
    ward_id: Mapped[int] = mapped_column(Integer, primary_key=True, server_default=text("1"))
    desk_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class ProcedureOverride(Base):
    """Staff overlay on the committed catalogue: a whole procedure record, or a deletion."""

    __tablename__ = "procedure_overrides"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(200))


class AliasOverride(Base):
    """Staff overlay on the committed alias table, keyed by the accent-folded alias term."""

    __tablename__ = "alias_overrides"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(200))


class WardConfigOverride(Base):
    """A ward's desk config as last saved by staff (replaces the ward's file while present)."""

    __tablename__ = "ward_config"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    """The ward's id (wards.id): one saved config per ward."""
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(200))


class KnowledgeChange(Base):
    """One staff change of shared knowledge (procedure, alias, answer card, desk map), written in the same transaction
    as the change and its audit entry; every bridge replica applies them in id order (assistant.bridge.replica)."""

    __tablename__ = "knowledge_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    """What changed and how, e.g. "procedure.upsert", "alias.delete", "card.save", "desks.replace"."""
    target: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
    """Everything a replica needs to apply it: the new value (a procedure also carries its encoded vectors)."""
    __table_args__ = ({"sqlite_autoincrement": True},)
    """SQLite: ids are never reused, so "every id above the last applied" never misses a change."""


class ApiToken(Base):
    """A staff API token; only its sha256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    desk_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """Role "desk" only: the one desk this token may call tickets for."""
    ward_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The ward this token works in (its desks, tickets, reports, question log); None: province-wide (the only
    tokens that may edit procedures, aliases and cards or import). A desk token always has its ward."""


class QueueCall(Base):
    """One announcement of a ticket at a desk (a call or a recall): what the hall board shows and speaks."""

    __tablename__ = "queue_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = ward_column()
    ticket_id: Mapped[int] = mapped_column(Integer, index=True)
    desk_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    """"call" or "recall"."""
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who changed what, when, with the record before and after."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict | list | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | list | None] = mapped_column(JSON, nullable=True)
    ward_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The ward changed (its desk map); None for province-wide changes (procedures, aliases, cards, dossiers)."""


class Feedback(Base):
    """A citizen's rating of a conversation; the comment is redacted before storing."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = ward_column()
    conversation_id: Mapped[str] = mapped_column(String(128))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Complaint(Base):
    """A citizen's complaint for staff reports: its category and the desk if one was named — never their words."""

    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = ward_column()
    conversation_id: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    desk_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuestionLog(Base):
    """A search question's keyword form (assistant.privacy.keywords, never the text) and outcome, for reports."""

    __tablename__ = "question_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = ward_column()
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    keywords: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(16))
    top_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    __table_args__ = (Index("ix_question_log_confidence", "confidence"),)
