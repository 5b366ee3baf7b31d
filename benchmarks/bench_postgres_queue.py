"""Queue, lockout and migrations with several bridge processes on one database: how many times
each ticket is called, duplicate ticket numbers, retries and "busy" errors, wrong guesses reaching the dossier
source, and two processes migrating an empty database at once.

Usage: PYTHONPATH=. .venv/bin/python benchmarks/bench_postgres_queue.py [--engine postgresql|sqlite] [--runs 3]
PostgreSQL: a throwaway cluster (tests/postgres_cluster.py, Debian's PostgreSQL binaries) on a free port.
Prints figures and one JSON line; asserts nothing (tests check behaviour, this measures it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.bridge.db_workers import DESK, run_workers  # noqa: E402
from tests.postgres_cluster import PostgresCluster  # noqa: E402

WAITING = 240


@contextlib.contextmanager
def databases(engine: str):
    """Yields a function that returns the URL of a new, empty database."""
    if engine == "postgresql":
        with PostgresCluster() as cluster:
            yield cluster.new_database
    else:
        with tempfile.TemporaryDirectory() as tmp:
            names = iter(range(1, 1000))
            yield lambda: f"sqlite:///{tmp}/bench{next(names)}.sqlite3"


def _seed_waiting(url: str, count: int) -> None:
    """`count` waiting tickets at the desk (every fourth a priority one), written directly."""
    import secrets

    from assistant.bridge.db import Database, make_engine
    from assistant.bridge.migrations import migrate
    from assistant.bridge.models import Ticket
    from assistant.bridge.settings import BridgeSettings
    from tests.bridge.db_workers import _queue

    db = Database(make_engine(BridgeSettings(_env_file=None, database_url=url)))
    migrate(db.engine)
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
                    priority="elderly" if n % 4 == 0 else "none",
                    status="waiting",
                    issued_at=now,
                    public_id=secrets.token_urlsafe(12),
                )
                for n in range(1, count + 1)
            ]
        )
    db.dispose()


def _migrated(url: str) -> str:
    from assistant.bridge.db import make_engine
    from assistant.bridge.migrations import migrate
    from assistant.bridge.settings import BridgeSettings

    engine = make_engine(BridgeSettings(_env_file=None, database_url=url))
    migrate(engine)
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, list] = {
        k: []
        for k in (
            "call_next_calls",
            "call_next_distinct",
            "call_next_errors",
            "tickets_issued",
            "tickets_distinct",
            "ticket_retries",
            "ticket_errors",
            "lockout_source_hits",
            "migrations_ok",
        )
    }
    with databases(args.engine) as new_database:
        for run in range(1, args.runs + 1):
            url = new_database()
            _seed_waiting(url, WAITING)
            reports = run_workers(url, "call_next", processes=2, threads=4)
            called = [i for r in reports for i in r["called"]]
            call_errors = Counter(e for r in reports for e in r["errors"])
            figures["call_next_errors"].append(sum(call_errors.values()))
            figures["call_next_calls"].append(len(called))
            figures["call_next_distinct"].append(len(set(called)))

            reports = run_workers(_migrated(new_database()), "issue", processes=2, threads=8, per_thread=20)
            numbers = [n for r in reports for n in r["numbers"]]
            figures["tickets_issued"].append(len(numbers))
            figures["tickets_distinct"].append(len(set(numbers)))
            figures["ticket_retries"].append(sum(r["retries"] for r in reports))
            figures["ticket_errors"].append(sum(r["errors"] for r in reports))

            reports = run_workers(_migrated(new_database()), "lockout", processes=2, threads=20)
            figures["lockout_source_hits"].append(sum(r["source_hits"] for r in reports))

            reports = run_workers(new_database(), "migrate", processes=2, threads=1)
            figures["migrations_ok"].append(sum(r["ok"] for r in reports))
            errors = Counter(r["error"].split(":")[0] for r in reports if not r["ok"])
            print(
                f"run {run}: calls {len(called)} for {WAITING} waiting ({len(set(called))} distinct, "
                f"errors {dict(call_errors)}); tickets "
                f"{figures['tickets_issued'][-1]} ({figures['tickets_distinct'][-1]} distinct, "
                f"{figures['ticket_retries'][-1]} retries, {figures['ticket_errors'][-1]} busy); lockout source hits "
                f"{figures['lockout_source_hits'][-1]} of 40 (limit 5); "
                f"migrations ok {figures['migrations_ok'][-1]} of 2" + (f" ({dict(errors)})" if errors else ""),
                flush=True,
            )
    print(json.dumps({"engine": args.engine, "waiting": WAITING, **figures}))


if __name__ == "__main__":
    main()
