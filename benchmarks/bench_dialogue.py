"""Dialogue benchmark: REST turn latency through Rasa + actions + bridge, train time, start time, RSS.

Prints figures; asserts nothing. Commands (from the repository root):

  # 1. turns: needs the running stack (`make run`: Rasa 5005, actions 5055, bridge 8000). For figures comparable
  #    between runs, start it on a fresh database (DATABASE_URL=sqlite:////tmp/bench.sqlite3 make run): the queue
  #    tickets earlier runs issued stay waiting for the day (a day of runs can leave thousands at one desk), and
  #    every new ticket's position is computed over them.
  .venv/bin/python benchmarks/bench_dialogue.py turns --turns 200 --concurrency 10 [--seed N] [--warmup 20]
  #    [--fixed-questions] [--via chat|rasa] [--start-stack [--runs N]]; prints p50/p95, CPU ms per turn of each
  #    service (from /proc/<pid>/stat), how busy the machine was, and the bridge's search cache hit rate; procedure
  #    questions come from the dev split, varied each run.
  #    --via chat (the default) sends each turn through the bridge's POST /api/chat, the path citizens take;
  #    --via rasa straight to Rasa's REST webhook (dialogue cost without the relay). --start-stack runs a private
  #    stack (benchmarks/stack.py: free ports, fresh database) instead of the one on 8000/5005/5055, and
  #    --runs N measures it N times (seeds N, N+1, ...), so the spread on a shared machine is seen.
  # 2. RSS of the three services (found by their listening ports)
  .venv/bin/python benchmarks/bench_dialogue.py rss
  # 3. train time (into a temporary directory; does not touch models/rasa)
  .venv/bin/python benchmarks/bench_dialogue.py train-time
  # 4. start time of `rasa run` (spare port 5105) and of the action server (spare port 5155)
  .venv/bin/python benchmarks/bench_dialogue.py start-time
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Rasa's CLI with the assistant's Rasa patches (assistant/components/patches.py; LETANSO_RASA_PATCHES=0: none)
RASA = [str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "assistant.rasa_launcher"]
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1"}
DEV_QUESTIONS = ROOT / "knowledge_base" / "eval" / "questions_dev.jsonl"
SERVICES = (("rasa", 5005), ("actions", 5055), ("bridge", 8000))

# Each simulated citizen walks one of these conversations, looping; every message is one timed turn.
# {vi}, {plain} and {en} are filled with a different dev-split question each time (accented or colloquial
# Vietnamese, Vietnamese without diacritics, English), so the bridge's search cache is not flattered.
CONVERSATIONS = [
    ["chào bạn", "{vi}", "lệ phí bao nhiêu", "nộp ở quầy nào", "không"],
    ["{plain}", "mat bao lau", "co nop online duoc khong", "cam on"],
    ["{en}", "how much does it cost", "talk to staff"],
    ["tôi cần chứng thực", "số 2", "phí bao nhiêu"],
    ["hồ sơ của tôi đến đâu rồi", "000.00.20.H26-250801-0001", "1234"],
    ["tôi là người già cho tôi lấy số", "mấy giờ mở cửa", "tạm biệt"],
]
# --fixed-questions: the same three procedure questions every time (the search cache then answers most of them).
FIXED = {
    "vi": "làm giấy khai sinh cho con cần gì",
    "plain": "cho hoi thu tuc dang ky ket hon",
    "en": "what documents do I need to register a birth",
}
KINDS = {"vi": ("accented", "colloquial", "short", "typo", "long"), "plain": ("unaccented",), "en": ("english",)}


class QuestionPool:
    """Dev-split questions by slot ({vi}, {plain}, {en}), shuffled with a seed, cycled when used up."""

    def __init__(self, path: Path, seed: int, fixed: bool = False) -> None:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if r.get("split") == "dev"]
        rng = random.Random(seed)
        self._fixed = fixed
        self._pools = {}
        for slot, kinds in KINDS.items():
            pool = [r["question"] for r in rows if r.get("kind") in kinds]
            rng.shuffle(pool)
            self._pools[slot] = pool
        self._next = {slot: 0 for slot in KINDS}
        self.asked: list[str] = []

    def fill(self, message: str) -> str:
        if not (message.startswith("{") and message.endswith("}")):
            return message
        slot = message[1:-1]
        if self._fixed:
            question = FIXED[slot]
        else:
            pool = self._pools[slot]
            question = pool[self._next[slot] % len(pool)]
            self._next[slot] += 1
        self.asked.append(question)
        return question


def reference_work_ms(rounds: int = 10) -> float:
    """CPU ms of a fixed pure-Python workload (median of ``rounds``): how fast this machine is right now.

    The cloud VMs this runs on change speed by ~30% within minutes (the same Rasa parse benchmark took 1.32, 1.71,
    then 1.29 ms), so a latency figure is printed next to this one; compare runs only when it is close.
    """
    payload = [{"text": f"làm giấy khai sinh {i}", "scores": [i / 7, i / 11], "ok": i % 2 == 0} for i in range(400)]
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(20):
            json.loads(json.dumps(payload))
            sorted(payload, key=lambda row: row["scores"][1])
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _cpu_ticks(pids: set[int]) -> int:
    """utime + stime (all threads) of the processes, in clock ticks; vanished processes count 0."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5), counted after "(comm)"
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _search_cache_stats(bridge_url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{bridge_url}/api/procedures/search-cache", timeout=2) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _turn_request(via: str, rasa_url: str, bridge_url: str, sender: str, message: str) -> tuple[str, dict]:
    """(URL, JSON body) of one citizen turn: the bridge's web chat, or Rasa's REST webhook directly."""
    if via == "chat":
        return f"{bridge_url}/api/chat", {"sender": sender, "message": message}
    return f"{rasa_url}/webhooks/rest/webhook", {"sender": sender, "message": message}


def _reply_messages(via: str, body) -> list | None:
    """The bot messages of a reply body (``/api/chat``: its "messages"; Rasa: the list itself)."""
    if via == "chat":
        return body.get("messages") if isinstance(body, dict) else None
    return body if isinstance(body, list) else None


async def run_turns(
    rasa_url: str, bridge_url: str, turns: int, concurrency: int, pool: QuestionPool, via: str = "chat", services=None
) -> None:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    degraded = 0
    down: list[str] = []
    counter = iter(range(turns))
    run_id = int(time.time())

    async def citizen(index: int, client: httpx.AsyncClient) -> None:
        nonlocal degraded
        script = CONVERSATIONS[index % len(CONVERSATIONS)]
        step, round_no = 0, 0
        for _ in counter:
            if step == len(script):
                step, round_no = 0, round_no + 1
            sender = f"bench-{run_id}-{index}-{round_no}"
            message = pool.fill(script[step])
            started = time.perf_counter()
            try:
                url, payload = _turn_request(via, rasa_url, bridge_url, sender, message)
                response = await client.post(url, json=payload)
                elapsed = (time.perf_counter() - started) * 1000
                body = _reply_messages(via, response.json()) if response.status_code == 200 else None
                if response.status_code != 200 or not body:
                    errors.append(f"HTTP {response.status_code}, {len(body or [])} messages for {script[step]!r}")
                elif any("gián đoạn" in (m.get("text") or "") or "unavailable" in (m.get("text") or "") for m in body):
                    degraded += 1
                    down.append(message[:60])
                latencies.append(elapsed)
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
            step += 1

    pids = {name: _with_descendants(_pids_for_port(port)) for name, port in (services or SERVICES)}
    cache_before = _search_cache_stats(bridge_url)
    async with httpx.AsyncClient(timeout=30) as client:
        cpu_before = {name: _cpu_ticks(p) for name, p in pids.items()}
        machine_before = _machine_ticks()
        started = time.perf_counter()
        await asyncio.gather(*(citizen(i, client) for i in range(concurrency)))
        wall = time.perf_counter() - started
        machine_after = _machine_ticks()
        cpu_after = {name: _cpu_ticks(p) for name, p in pids.items()}
    cache_after = _search_cache_stats(bridge_url)

    print(
        f"turns: {len(latencies)} ok-or-answered, {len(errors)} errors, {degraded} 'service down' replies; "
        f"{concurrency} concurrent senders; wall {wall:.1f} s ({len(latencies) / wall:.1f} turns/s)"
    )
    if latencies:
        print(
            f"latency ms: p50 {percentile(latencies, 50):.0f}  p95 {percentile(latencies, 95):.0f}  "
            f"p99 {percentile(latencies, 99):.0f}  max {max(latencies):.0f}  mean {statistics.mean(latencies):.0f}"
        )
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    done = max(1, len(latencies))
    per_turn = {name: (cpu_after[name] - cpu_before[name]) * tick_ms / done for name in pids if pids[name]}
    ours = sum(cpu_after[name] - cpu_before[name] for name in pids)
    busy, total = (after - before for after, before in zip(machine_after, machine_before))
    cores = os.cpu_count() or 1
    print(
        "CPU ms per turn: "
        + "  ".join(f"{name} {ms:.1f}" for name, ms in per_turn.items())
        + f"  total {sum(per_turn.values()):.1f}"
        + "".join(f"  ({name} not running)" for name in pids if not pids[name])
    )
    print(
        f"machine: {cores * busy / max(1, total):.2f} of {cores} cores busy during the run, "
        f"{cores * (busy - ours) / max(1, total):.2f} of them outside the three services"
    )
    distinct = len(set(pool.asked))
    print(f"procedure questions: {len(pool.asked)} asked, {distinct} distinct")
    if cache_before and cache_after:
        hits = cache_after["hits"] - cache_before["hits"]
        lookups = hits + cache_after["misses"] - cache_before["misses"]
        print(f"bridge search cache: {hits} hits of {lookups} searches ({100 * hits / max(1, lookups):.0f}%)")
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error} (x{errors.count(error)})")
    for message in sorted(set(down))[:10]:
        print(f"  'service down' reply to {message!r} (x{down.count(message)})")


async def warm_up(rasa_url: str, bridge_url: str, turns: int, fixed_pool: QuestionPool, via: str = "chat") -> None:
    """Untimed turns through every conversation, one sender at a time, with the fixed questions."""
    import httpx

    turns_in_order = (
        (f"warmup-{round_no}-{index}", message)
        for round_no in itertools.count()
        for index, script in enumerate(CONVERSATIONS)
        for message in script
    )
    async with httpx.AsyncClient(timeout=60) as client:
        for sender, message in itertools.islice(turns_in_order, turns):
            url, payload = _turn_request(via, rasa_url, bridge_url, sender, fixed_pool.fill(message))
            await client.post(url, json=payload)
    print(f"warm-up: {turns} untimed turns (fixed questions)")


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def _pids_for_port(port: int) -> set[int]:
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    pids = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in wanted for fd in (proc / "fd").iterdir()):
                pids.add(int(proc.name))
        except OSError:
            continue
    return pids


def _with_descendants(pids: set[int]) -> set[int]:
    """The processes and all their children (Sanic runs the action server's worker in a child process)."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, grew = set(pids), True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in found} - found
        found |= children
        grew = bool(children)
    return found


def _rss_mb(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def report_rss() -> None:
    for name, port in (("rasa", 5005), ("actions", 5055), ("bridge", 8000)):
        pids = _with_descendants(_pids_for_port(port))
        if not pids:
            print(f"{name:8s} port {port}: not running")
            continue
        total = sum(_rss_mb(pid) for pid in pids)
        print(f"{name:8s} port {port}: RSS {total:.0f} MB (pids {sorted(pids)})")


def train_time() -> None:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [
                *RASA,
                "train",
                "--config",
                "assistant/config.yml",
                "--domain",
                "assistant/domain.yml",
                "--data",
                "assistant/data",
                "--out",
                out,
                "--fixed-model-name",
                "bench",
                "--force",
                "--quiet",
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        size = (Path(out) / "bench.tar.gz").stat().st_size / 1e6
    print(f"rasa train: {elapsed:.0f} s, model {size:.0f} MB")


def _wait(url: str, process: subprocess.Popen, limit: float, ready=lambda body: True) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if ready(response.read()):
                    return time.perf_counter() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} not ready after {limit} s")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start_time(model: str) -> None:
    for port in (5105, 5155):
        if not _free(port):
            sys.exit(f"port {port} is busy")
    commands = {
        "rasa run": (
            [
                *RASA,
                "run",
                "-i",
                "127.0.0.1",
                "-p",
                "5105",
                "--model",
                model,
                "--endpoints",
                "assistant/endpoints.yml",
                "--credentials",
                "assistant/credentials.yml",
            ],
            "http://127.0.0.1:5105/webhooks/readiness/",
            lambda body: b"true" in body,
        ),
        "action server": (
            [sys.executable, "-m", "assistant.actions", "-p", "5155"],
            "http://127.0.0.1:5155/health",
            lambda body: True,
        ),
    }
    for name, (command, url, ready) in commands.items():
        process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            seconds = _wait(url, process, 600, ready)
            print(f"{name}: ready after {seconds:.1f} s, RSS {_rss_mb(process.pid):.0f} MB")
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _measure(args, seed: int, rasa_url: str, bridge_url: str, services) -> None:
    print(f"question seed {seed}" + (" (fixed questions)" if args.fixed_questions else "") + f"; via {args.via}")
    pool = QuestionPool(DEV_QUESTIONS, seed, fixed=args.fixed_questions)
    if args.warmup > 0:
        asyncio.run(warm_up(rasa_url, bridge_url, args.warmup, QuestionPool(DEV_QUESTIONS, seed, fixed=True), args.via))
    before = reference_work_ms()
    asyncio.run(run_turns(rasa_url, bridge_url, args.turns, args.concurrency, pool, args.via, services))
    print(
        f"machine speed: reference workload {before:.1f} ms before, {reference_work_ms():.1f} ms after "
        "(lower is faster; compare runs only when these are close)"
    )


def run_turn_benchmark(args) -> None:
    """``turns``: against the running stack, or ``--runs`` times against a private one (``--start-stack``)."""
    seed = args.seed if args.seed is not None else int(time.time())
    if not args.start_stack:
        _measure(args, seed, args.rasa_url, args.bridge_url, None)
        return
    sys.path.insert(0, str(ROOT))
    from benchmarks.stack import Stack

    with Stack.start(log=lambda line: print(line, file=sys.stderr)) as stack:
        services = (("rasa", stack.rasa_port), ("actions", stack.actions_port), ("bridge", stack.bridge_port))
        for run in range(args.runs):
            if run:
                print()
            _measure(args, seed + run, stack.rasa_url, stack.bridge_url, services)
            stack.check_alive()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    turns = sub.add_parser("turns", help="REST turn latency against a running stack")
    turns.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    turns.add_argument("--turns", type=int, default=200)
    turns.add_argument("--concurrency", type=int, default=10)
    turns.add_argument("--bridge-url", default="http://127.0.0.1:8000", help="for the search cache hit rate")
    turns.add_argument("--seed", type=int, default=None, help="question order (default: a new one each run)")
    turns.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="untimed turns first, with the fixed questions (none of them in the timed pool), so "
        "first-call costs (lazy imports, first inference) are not counted; 0 = cold",
    )
    turns.add_argument(
        "--via",
        choices=("chat", "rasa"),
        default="chat",
        help="chat: the bridge's POST /api/chat (default, the citizens' path); rasa: Rasa's webhook",
    )
    turns.add_argument(
        "--start-stack",
        action="store_true",
        help="measure a private stack on free ports with a fresh database (benchmarks/stack.py)",
    )
    turns.add_argument("--runs", type=int, default=1, help="with --start-stack: measurements in a row (seed+i)")
    turns.add_argument(
        "--fixed-questions",
        action="store_true",
        help="ask the same three procedure questions every time (as in the first figures)",
    )
    sub.add_parser("rss", help="resident memory of Rasa, actions and bridge")
    sub.add_parser("train-time", help="time a full rasa train into a temporary directory")
    start = sub.add_parser("start-time", help="time rasa run and the action server until ready")
    start.add_argument("--model", default="models/rasa/assistant.tar.gz")
    args = parser.parse_args()
    if args.command == "turns":
        run_turn_benchmark(args)
    elif args.command == "rss":
        report_rss()
    elif args.command == "train-time":
        train_time()
    else:
        start_time(args.model)


if __name__ == "__main__":
    main()
