"""Several bridge processes on one database, with the bridge's own classes: each worker process runs N threads doing
one operation (issue tickets, call next at a desk, reserve dossier lookups, migrate), all released at once.

`run_workers(url, op, processes=2, threads=4, ...)` starts `python -m tests.bridge.db_workers` processes, waits until
each has imported everything and opened its engine, releases them together and returns their JSON reports.
The concurrency tests and `benchmarks/bench_postgres_queue.py` both use it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DESK = "Q1"
_prepared = threading.Event()


def _start_line(go: threading.Event) -> None:
    """Called by each thread once everything is imported and opened: the process is ready, then wait for "go"."""
    _prepared.set()
    go.wait()


def _settings(url: str):
    from assistant.bridge.settings import BridgeSettings

    return BridgeSettings(_env_file=None, database_url=url, demo_mode=True)


WARD_ID = 1
"""The workers' one ward (a ward row is not needed for tickets: its id is enough)."""


def _queue(url: str):
    from assistant.bridge.db import Database, make_engine
    from assistant.bridge.desks import DeskDirectory, load_ward_config
    from assistant.bridge.queue_desk import DeskCounter
    from assistant.bridge.tickets import TicketQueue

    settings = _settings(url)
    engine = make_engine(settings)
    db = Database(engine)
    directory = DeskDirectory(load_ward_config(settings.ward_config_path))
    tickets = TicketQueue(db=db, desks=lambda _ward_id: directory)
    return db, directory, tickets, DeskCounter(db=db, tickets=tickets, desks=lambda: directory, ward_id=WARD_ID)


def _issue(url: str, threads: int, per_thread: int, go: threading.Event) -> dict:
    from assistant.bridge import tickets as tickets_module
    from assistant.bridge.errors import ApiError

    db, directory, tickets, _ = _queue(url)
    desk = directory.get(DESK)
    retries = []
    if hasattr(tickets_module, "time"):  # a retry loop sleeps before each retry: count the sleeps
        import time
        from types import SimpleNamespace

        def counting_sleep(seconds: float) -> None:
            retries.append(seconds)
            time.sleep(seconds)

        tickets_module.time = SimpleNamespace(
            **{**{k: getattr(time, k) for k in dir(time) if not k.startswith("_")}, "sleep": counting_sleep}
        )

    def one(_):
        _start_line(go)
        numbers, errors = [], 0
        for _ in range(per_thread):
            try:
                numbers.append(tickets.issue(ward_id=WARD_ID, desk=desk)["number"])
            except ApiError:
                errors += 1
        return numbers, errors

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(threads)))
    db.dispose()
    return {
        "numbers": [n for numbers, _ in results for n in numbers],
        "errors": sum(e for _, e in results),
        "retries": len(retries),
    }


def _call_next(url: str, threads: int, _per_thread: int, go: threading.Event) -> dict:
    db, _, _, counter = _queue(url)

    def one(_):
        _start_line(go)
        called, errors = [], []
        while len(errors) < 20:
            try:
                ticket = counter.call_next(DESK)
            except Exception as exc:  # e.g. a deadlock between two desk officers' transactions
                errors.append(type(getattr(exc, "orig", exc)).__name__)
                continue
            if ticket is None:
                break
            called.append(ticket["id"])
        return called, errors

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(threads)))
    db.dispose()
    return {"called": [i for ids, _ in results for i in ids], "errors": [e for _, errors in results for e in errors]}


def _lockout(url: str, threads: int, _per_thread: int, go: threading.Event) -> dict:
    """Each thread: one wrong guess for the same code from one client; an attempt that is not refused is what
    would reach the dossier source (it is then settled as a failure, as a 'not found' answer does)."""
    from assistant.bridge.db import Database, make_engine
    from assistant.bridge.dossiers.lockout import LockedOut, LookupLockout

    db = Database(make_engine(_settings(url)))
    lockout = LookupLockout(db)

    def one(_):
        _start_line(go)
        try:
            attempt = lockout.reserve("DEMO-CODE-0001", "one-client")
        except LockedOut:
            return 0
        lockout.fail(attempt)
        return 1

    with ThreadPoolExecutor(threads) as pool:
        hits = sum(pool.map(one, range(threads)))
    db.dispose()
    return {"source_hits": hits}


def _migrate(url: str, _threads: int, _per_thread: int, go: threading.Event) -> dict:
    from assistant.bridge.db import make_engine
    from assistant.bridge.migrations import migrate

    engine = make_engine(_settings(url))
    _start_line(go)
    try:
        applied = migrate(engine)
        return {"ok": True, "applied": applied}
    except Exception as exc:  # the report is the point: which error the losing process got
        return {"ok": False, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    finally:
        engine.dispose()


OPERATIONS = {"issue": _issue, "call_next": _call_next, "lockout": _lockout, "migrate": _migrate}


def run_workers(
    url: str, op: str, *, processes: int = 2, threads: int = 4, per_thread: int = 1, timeout_s: float = 300
) -> list[dict]:
    """Start the worker processes, release them together once all are ready, return their reports."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "tests.bridge.db_workers", url, op, str(threads), str(per_thread)]
    workers = [
        subprocess.Popen(args, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    try:
        for worker in workers:
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a {op} worker did not start (exit {worker.poll()})")
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = []
        for worker in workers:
            out, _ = worker.communicate(timeout=timeout_s)
            if worker.returncode != 0:
                raise RuntimeError(f"a {op} worker failed with exit code {worker.returncode}")
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("op", choices=sorted(OPERATIONS))
    parser.add_argument("threads", type=int)
    parser.add_argument("per_thread", type=int)
    args = parser.parse_args()
    go = threading.Event()
    result: dict = {}
    worker = threading.Thread(
        target=lambda: result.update(OPERATIONS[args.op](args.url, args.threads, args.per_thread, go))
    )
    worker.start()
    while not _prepared.wait(0.2):  # imports done and engine opened here, so the processes start together
        if not worker.is_alive():
            sys.exit(1)
    print("ready", flush=True)
    sys.stdin.readline()
    go.set()
    worker.join()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
