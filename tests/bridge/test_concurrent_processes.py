"""Several bridge processes × threads on one database (SQLite file and PostgreSQL): each waiting ticket is called once,
ticket numbers never repeat and never need a retry, two processes can migrate an empty database together, and
parallel wrong dossier guesses reach the source at most `max_failures` times.

Each test starts two worker processes (tests/bridge/db_workers.py) that use the bridge's own classes and are released
at the same moment; the checks are on what they report and on the database afterwards.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from assistant.bridge.db import Database, make_engine
from assistant.bridge.dossiers.lockout import LockoutPolicy
from assistant.bridge.migrations import MIGRATIONS, current_version, migrate
from assistant.bridge.models import QueueCall, Ticket
from tests.bridge.db_workers import DESK, _queue, run_workers

pytestmark = [pytest.mark.both_engines, pytest.mark.slow]

WAITING = 200


@pytest.fixture
def url(settings) -> str:
    return settings.resolved_database_url()


@pytest.fixture
def db(url):
    database = Database(make_engine_for(url))
    migrate(database.engine)
    yield database
    database.dispose()


def make_engine_for(url: str):
    from assistant.bridge.settings import BridgeSettings

    return make_engine(BridgeSettings(_env_file=None, database_url=url))


def test_each_waiting_ticket_is_called_exactly_once_by_two_processes_of_four_threads(db, url):
    _, _, tickets, _ = _queue(url)
    day, now = tickets.today(), datetime.now(timezone.utc)
    with db.write() as session:
        session.add_all(
            [
                Ticket(
                    desk_id=DESK,
                    day=day,
                    seq=n,
                    number=f"A{n:03d}",
                    priority="elderly" if n % 5 == 0 else "none",
                    status="waiting",
                    issued_at=now,
                    public_id=secrets.token_urlsafe(12),
                )
                for n in range(1, WAITING + 1)
            ]
        )
    reports = run_workers(url, "call_next", processes=2, threads=4)
    called = [ticket_id for report in reports for ticket_id in report["called"]]
    assert [error for report in reports for error in report["errors"]] == []
    assert len(called) == WAITING and len(set(called)) == WAITING
    with db.read() as session:
        statuses = Counter(session.execute(select(Ticket.status).where(Ticket.desk_id == DESK)).scalars())
        announced = session.execute(select(func.count()).select_from(QueueCall)).scalar_one()
    # every call but the last finished the ticket called before it at the desk
    assert statuses == {"served": WAITING - 1, "called": 1} and announced == WAITING


def test_parallel_ticket_issuing_gives_distinct_numbers_without_retries_or_busy_errors(db, url):
    reports = run_workers(url, "issue", processes=2, threads=8, per_thread=10)
    numbers = [number for report in reports for number in report["numbers"]]
    assert sum(report["errors"] for report in reports) == 0 and sum(report["retries"] for report in reports) == 0
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 161)]  # Q1's prefix; no gaps, no repeats


@pytest.mark.unmigrated
def test_two_processes_migrating_an_empty_database_at_once_both_succeed(url):
    reports = run_workers(url, "migrate", processes=2, threads=1)
    assert [report["ok"] for report in reports] == [True, True], reports
    applied = sorted(number for report in reports for number in report["applied"])
    assert applied == [number for number, _, _ in MIGRATIONS]  # each step applied once, by one of the two
    engine = make_engine_for(url)
    assert current_version(engine) == MIGRATIONS[-1][0]
    engine.dispose()


def test_parallel_wrong_guesses_from_two_processes_reach_the_source_at_most_the_limit(db, url):
    reports = run_workers(url, "lockout", processes=2, threads=20)
    hits = sum(report["source_hits"] for report in reports)
    assert 1 <= hits <= LockoutPolicy().max_failures
