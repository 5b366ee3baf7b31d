"""How long a staff edit on bridge A takes to be served by bridge B: two real bridge processes
(`python -m assistant.bridge serve`, real search when models/ are built) on one throwaway PostgreSQL; 20 procedure
edits posted on A, each polled on B from the moment A was sent the edit (every 5 ms): first `GET /api/procedures/{code}`
(the record), then its search (the record among the top 5 for its own name).

Usage: PYTHONPATH=. .venv/bin/python benchmarks/bench_replica_edits.py [--edits 20] [--database-url URL]
       [--poll-s 1.0] [--no-listen]
Without --database-url a cluster is started (tests/postgres_cluster.py, Debian's PostgreSQL binaries); a SQLite URL
also works (two processes on one file: the poll alone). Prints p50/p95/max and one JSON line whose
`edit_visible_other_replica_ms_p95` feeds scripts/scale_check.sh. Asserts nothing (tests check behaviour).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.servers import free_port  # noqa: E402

UNLIMITED = json.dumps({name: {"burst": 0, "per_minute": 1} for name in ("chat", "search", "tickets", "feedback")})


@contextlib.contextmanager
def database(url: str | None):
    if url:
        yield url
        return
    from tests.postgres_cluster import PostgresCluster

    with PostgresCluster() as cluster:
        yield cluster.new_database("replicas")


def editor_token(url: str, workdir: Path) -> str:
    """Migrate the database and create an editor token, as the one-off `migrate` job and an admin would."""
    from assistant.bridge.auth import create_token
    from assistant.bridge.services import open_database
    from assistant.bridge.settings import BridgeSettings

    db = open_database(BridgeSettings(_env_file=None, database_url=url, data_dir=workdir))
    try:
        return create_token(db, role="editor", name="bench replica edits")[0]
    finally:
        db.dispose()


def start_bridge(name: str, url: str, workdir: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    data = workdir / name
    data.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "BRIDGE_DATA_DIR": str(data),
        "BRIDGE_DEMO_MODE": "true",
        "BRIDGE_RATE_LIMITS": UNLIMITED,
        "BRIDGE_LOG_LEVEL": "WARNING",
        "KB_TORCH_THREADS": os.environ.get("KB_TORCH_THREADS", "1"),
        **env_extra,
    }
    log = (workdir / f"{name}.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.bridge", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_ready(process: subprocess.Popen, base: str, limit_s: float = 300) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"bridge {base} exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"bridge {base} not ready after {limit_s:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _poll(client: httpx.Client, url: str, params: dict | None, found, started: float, timeout_s: float) -> float | None:
    """Milliseconds since `started` until `found(response)` holds on `url`, polled every 5 ms; None after timeout_s."""
    while time.perf_counter() - started < timeout_s:
        if found(client.get(url, params=params)):
            return (time.perf_counter() - started) * 1000
        time.sleep(0.005)
    return None


def run_edits(a: str, b: str, token: str, edits: int, timeout_s: float = 10.0) -> dict[str, list]:
    """Per edit, milliseconds from sending it to A until A answered, B served the record, B's search found it.

    The edit is sent from a thread, so B is polled from the moment A was sent the edit (not after A answered)."""
    from concurrent.futures import ThreadPoolExecutor

    from knowledge_base.catalogue import load_catalogue
    from knowledge_base.settings import SearchSettings

    template = load_catalogue(SearchSettings(_env_file=None).catalogue_path)["1.001193"].to_dict()
    headers = {"Authorization": f"Bearer {token}"}
    figures: dict[str, list] = {"a_answered": [], "b_record": [], "b_search": []}
    with httpx.Client(timeout=30) as editor, httpx.Client(timeout=30) as reader, ThreadPoolExecutor(1) as pool:
        for n in range(edits):
            record = copy.deepcopy(template)
            record.update(code=f"9.98{n:04d}", name=f"Thủ tục thử đồng bộ bản sao số {n} nuôi chim yến")
            started = time.perf_counter()
            saved = pool.submit(editor.post, f"{a}/api/staff/procedures", json=record, headers=headers)
            figures["b_record"].append(
                _poll(
                    reader,
                    f"{b}/api/procedures/{record['code']}",
                    None,
                    lambda r: r.status_code == 200,
                    started,
                    timeout_s,
                )
            )
            figures["b_search"].append(
                _poll(
                    reader,
                    f"{b}/api/procedures/search",
                    {"q": record["name"], "k": 5},
                    lambda r, code=record["code"]: any(h["code"] == code for h in r.json().get("results", [])),
                    started,
                    timeout_s,
                )
            )
            response = saved.result()
            if response.status_code not in (200, 201):
                raise RuntimeError(f"edit {n} refused by A: {response.status_code} {response.text[:200]}")
            figures["a_answered"].append((time.perf_counter() - started) * 1000)  # an upper bound once B was polled
            time.sleep(0.05)  # edits a moment apart, as staff make them
    return figures


def summary(values: list) -> dict:
    seen = [v for v in values if v is not None]
    return {
        "p50": round(statistics.median(seen), 1) if seen else None,
        "p95": round(percentile(seen, 0.95), 1) if seen else None,
        "max": round(max(seen), 1) if seen else None,
        "missed": len(values) - len(seen),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--poll-s", type=float, default=1.0, help="BRIDGE_KNOWLEDGE_POLL_S of both bridges")
    parser.add_argument("--no-listen", action="store_true", help="PostgreSQL: poll only, no LISTEN/NOTIFY")
    args = parser.parse_args(argv)
    env = {"BRIDGE_KNOWLEDGE_POLL_S": str(args.poll_s), "BRIDGE_KNOWLEDGE_LISTEN": str(not args.no_listen).lower()}
    workdir = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    processes: list[subprocess.Popen] = []
    try:
        with database(args.database_url) as url:
            token = editor_token(url, workdir)
            bridges = [start_bridge(name, url, workdir, env) for name in ("a", "b")]
            processes = [process for process, _ in bridges]
            started = time.monotonic()
            for process, base in bridges:
                wait_ready(process, base)
            print(f"two bridges ready after {time.monotonic() - started:.1f} s", file=sys.stderr)
            figures = run_edits(bridges[0][1], bridges[1][1], token, args.edits)
            lag = httpx.get(f"{bridges[1][1]}/ready", timeout=5).json()["knowledge"]
            for process in processes:
                stop(process)
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(workdir, ignore_errors=True)
    engine = "sqlite" if (args.database_url or "").startswith("sqlite") else "postgresql"
    record, search, answered = (summary(figures[k]) for k in ("b_record", "b_search", "a_answered"))
    for label, figure in (
        ("B serves the record (GET /api/procedures/{code})", record),
        ("B's search finds it", search),
        ("A answered the edit (upper bound)", answered),
    ):
        print(
            f"{label}: p50 {figure['p50']} ms, p95 {figure['p95']} ms, max {figure['max']} ms, "
            f"missed {figure['missed']}/{args.edits}"
        )
    result = {
        "engine": engine,
        "edits": args.edits,
        "listen": not args.no_listen and engine == "postgresql",
        "poll_s": args.poll_s,
        "edit_visible_other_replica_ms_p50": record["p50"],
        "edit_visible_other_replica_ms_p95": record["p95"],
        "edit_visible_other_replica_ms_max": record["max"],
        "edit_visible_other_replica_missed": record["missed"],
        "edit_searchable_other_replica_ms_p50": search["p50"],
        "edit_searchable_other_replica_ms_p95": search["p95"],
        "edit_answered_by_editing_replica_ms_p50": answered["p50"],
        "b_listening": lag["listening"],
        "b_behind_changes": lag["behind_changes"],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
