"""The dialogue through the province topology, Rasa's SQL tracker store side by side with the in-memory one (issue
16's second bar). Prints figures; asserts nothing.

  PYTHONPATH=. .venv/bin/python benchmarks/bench_province_dialogue.py [--limit 120] [--concurrency 10]
      [--warmup 13] [--stores memory,sql] [--json var/province-dialogue.json]

For each store it starts the native topology (benchmarks/scale_topology.py: PostgreSQL, Redis, HAProxy, 2 bridges,
2 Rasa, 2 action servers on free ports), plays a fixed subset of the dev conversation scenarios
(benchmarks/conversations/dev, taken round-robin across categories) through the balancer's POST /api/chat with
`--concurrency` scenarios at once, each with its own sender, then stops everything. Untimed warm-up scenarios (the
next ones in the same order, none of them timed) go first. Both stores get the same scenarios in the same order.

Per store: turn pass rate (a sanity check: the store must not change the answers), p50/p95 turn latency, and CPU
ms per turn of each service (both replicas together), from /proc: each service's process tree, with the CPU of
children it has already reaped (PostgreSQL's backends come and go). The balancer sends each sender's turns to one
Rasa replica (hash of the sender), with either store; with the SQL store a turn reads and writes the conversation
in PostgreSQL, with the in-memory store it stays in that Rasa's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_conversations import run as play_scenarios  # noqa: E402
from benchmarks.bench_conversations import select  # noqa: E402
from benchmarks.bench_dialogue import _machine_ticks, percentile  # noqa: E402
from benchmarks.conversations.report import ALL, summarize  # noqa: E402
from benchmarks.conversations.scenarios import HERE, load_folder  # noqa: E402

STORES = ("memory", "sql")
SERVICES = ("bridge", "rasa", "actions", "postgresql", "redis", "haproxy")
# Every scenario comes from 127.0.0.1 and the dossier scenarios share the demo dossiers: the lockout would refuse
# later scenarios' right digits. The lockout is measured by the scale check and benchmarks/bench_privacy.py.
BENCH_ENV = {"BRIDGE_LOOKUP_MAX_FAILURES": "1000", "BRIDGE_LOOKUP_CLIENT_MAX_FAILURES": "1000"}


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def tree_ticks(roots: list[int], children: dict[int, list[int]] | None = None) -> int:
    """CPU clock ticks used so far by the process trees under `roots`: every live process's user + system time, plus
    the time of the children each has reaped (cutime, cstime), so a worker that ended still counts."""
    children = _children() if children is None else children
    total, seen, stack = 0, set(), list(roots)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        fields = _stat(pid)
        if fields is None:
            continue
        total += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime (stat(5) 14–17)
        stack.extend(children.get(pid, ()))
    return total


def service_roots(topology) -> dict[str, list[int]]:
    """The main process of each replica of each service."""
    roots = {name: [s.process.pid for s in topology.by_name(name)] for name in ("bridge", "rasa", "actions", "haproxy")}
    roots["postgresql"] = [topology.postgres_pid] if topology.postgres_pid else []
    process = getattr(topology.redis, "_process", None)
    roots["redis"] = [process.pid] if process is not None else []
    return roots


def cpu_snapshot(roots: dict[str, list[int]]) -> dict[str, int]:
    children = _children()
    return {name: tree_ticks(pids, children) for name, pids in roots.items()}


def figures(turns: list[dict], cpu_ticks: dict[str, int], wall_s: float, machine: tuple[int, int]) -> dict:
    """One store's figures from its played turns and the CPU ticks each service used while they were played."""
    overall = summarize(turns)["categories"].get(ALL) or {}
    answered = [row["ms"] for row in turns if not row.get("error")]
    count = max(1, len(turns))
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    per_turn = {name: round(ticks * tick_ms / count, 1) for name, ticks in cpu_ticks.items()}
    busy, total = machine
    cores = os.cpu_count() or 1
    ours = sum(cpu_ticks.values())
    return {
        "turns": len(turns),
        "errors": sum(1 for row in turns if row.get("error")),
        "error_kinds": dict(Counter(row["error"][:80] for row in turns if row.get("error")).most_common(5)),
        "turn_pass": overall.get("turn_pass"),
        "scenario_pass": overall.get("scenario_pass"),
        "p50_ms": round(percentile(answered, 50)) if answered else None,
        "p95_ms": round(percentile(answered, 95)) if answered else None,
        "turns_per_s": round(len(turns) / wall_s, 1) if wall_s > 0 else None,
        "cpu_ms_per_turn": {**per_turn, "total": round(sum(per_turn.values()), 1)},
        "machine_busy_cores": round(cores * busy / max(1, total), 2),
        "machine_busy_outside_cores": round(cores * (busy - ours) / max(1, total), 2),
    }


def side_by_side(results: dict[str, dict]) -> str:
    """A table with one column per store."""
    stores = list(results)

    def pct(value) -> str:
        return "–" if value is None else f"{100 * value:.1f} %"

    rows = [
        ("turns (errors)", [f"{r['turns']} ({r['errors']})" for r in results.values()]),
        ("turn pass", [pct(r["turn_pass"]) for r in results.values()]),
        ("scenario pass", [pct(r["scenario_pass"]) for r in results.values()]),
        ("p50 ms", [str(r["p50_ms"]) for r in results.values()]),
        ("p95 ms", [str(r["p95_ms"]) for r in results.values()]),
        ("turns/s", [str(r["turns_per_s"]) for r in results.values()]),
    ]
    for name in (*SERVICES, "total"):
        rows.append((f"CPU ms/turn {name}", [f"{r['cpu_ms_per_turn'].get(name, 0):.1f}" for r in results.values()]))
    rows.append(
        (
            "machine busy (outside)",
            [f"{r['machine_busy_cores']:.2f} ({r['machine_busy_outside_cores']:.2f}) cores" for r in results.values()],
        )
    )
    width = max(len(label) for label, _ in rows) + 2
    lines = [" " * width + "".join(f"{store:>18}" for store in stores)]
    lines += [label.ljust(width) + "".join(f"{value:>18}" for value in values) for label, values in rows]
    for store, result in results.items():
        lines += [f"{store}: error {kind!r} x{count}" for kind, count in result.get("error_kinds", {}).items()]
    return "\n".join(lines)


def measure(store: str, timed: list, warmup: list, concurrency: int, log) -> dict:
    """Start the topology with `store`, warm it up, play `timed` through the balancer, stop it; the store's figures.
    The services' logs are removed after a clean run and kept (their folder named) after a failure."""
    from benchmarks.scale_topology import Topology

    workdir = Path(tempfile.mkdtemp(prefix=f"province-dialogue-{store}-"))
    try:
        result = _measure(Topology(workdir, log=log), store, timed, warmup, concurrency, log)
    except BaseException:
        log(f"{store}: logs kept in {workdir}")
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    return result


def _measure(topology, store: str, timed: list, warmup: list, concurrency: int, log) -> dict:
    with topology:
        began = time.monotonic()
        topology.start(tracker_store=store, extra_env=BENCH_ENV)
        log(f"{store}: topology ready after {time.monotonic() - began:.0f} s")
        if warmup:
            asyncio.run(play_scenarios(warmup, topology.public_url, concurrency=concurrency, timeout_s=60))
        roots = service_roots(topology)
        before, machine_before = cpu_snapshot(roots), _machine_ticks()
        began = time.perf_counter()
        turns = asyncio.run(play_scenarios(timed, topology.public_url, concurrency=concurrency, timeout_s=60))
        wall = time.perf_counter() - began
        after, machine_after = cpu_snapshot(roots), _machine_ticks()
        for service in topology.services:
            if service.process.poll() is not None:
                raise RuntimeError(f"{service.name} stopped during the run; log {service.log}:\n{service.tail()}")
    machine = tuple(a - b for a, b in zip(machine_after, machine_before))
    result = figures(turns, {name: after[name] - before[name] for name in roots}, wall, machine)
    log(f"{store}: {result['turns']} turns in {wall:.0f} s, p95 {result['p95_ms']} ms")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=120, help="timed scenarios (round-robin across categories)")
    parser.add_argument("--warmup", type=int, default=13, help="untimed scenarios first (the next ones in order)")
    parser.add_argument("--concurrency", type=int, default=10, help="scenarios played at once (default 10)")
    parser.add_argument("--stores", default=",".join(STORES), help="comma-separated, in order (default memory,sql)")
    parser.add_argument("--json", type=Path, help="also save the figures here")
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    if not stores or set(stores) - set(STORES):
        parser.error(f"--stores: choose from {', '.join(STORES)}")
    signal.signal(signal.SIGTERM, _interrupt)  # unwinds through Topology.__exit__: everything started is stopped
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f} s] {message}", file=sys.stderr, flush=True)

    ordered = select(load_folder(HERE / "dev"), None, args.limit + args.warmup)
    timed, warmup = ordered[: args.limit], ordered[args.limit :]
    log(f"{len(timed)} timed scenarios ({sum(len(s.turns) for s in timed)} turns), {len(warmup)} warm-up scenarios")
    results = {store: measure(store, timed, warmup, args.concurrency, log) for store in stores}
    print(f"\n{len(timed)} dev scenarios through the balancer, {args.concurrency} at once (2 of each replica)")
    print(side_by_side(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(json.dumps(results))
    return 0


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
