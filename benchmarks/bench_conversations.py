"""Conversation benchmark: plays the scenarios of benchmarks/conversations/ through `POST /api/chat` (the path
citizens take), one fresh random sender per scenario, grades every turn and prints turn and scenario pass rates per
category, the code-only view and failures per check. Prints figures; asserts nothing.

  # on a fresh private stack (free ports, temporary database; does not touch a running `make run`):
  .venv/bin/python benchmarks/bench_conversations.py --start-stack --split dev --out var/conv-dev.json
  # against a running stack, compared with an earlier run, showing 20 failing turns:
  .venv/bin/python benchmarks/bench_conversations.py --base-url http://127.0.0.1:8000 \
      --compare var/conv-dev.json --show-failures 20
  # only check the scenario files (format, codes in the catalogue at the right level, desks):
  .venv/bin/python benchmarks/bench_conversations.py --validate-only --split dev

Grading rules: benchmarks/conversations/grading.py; format: benchmarks/conversations/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from benchmarks.conversations.grading import Message, grade_turn, is_procedure_answer  # noqa: E402
from benchmarks.conversations.report import flips, format_failures, format_summary, summarize  # noqa: E402
from benchmarks.conversations.scenarios import (  # noqa: E402
    CATEGORIES,
    HERE,
    SPLITS,
    Scenario,
    ScenarioError,
    catalogue_levels,
    check_scenarios,
    load_folder,
    ward_desk_ids,
)
from benchmarks.stack import Stack, StackError  # noqa: E402

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class ChatError(Exception):
    """The chat endpoint gave no usable answer (transport error, timeout, unexpected status or body)."""


class Chat(Protocol):
    async def send(self, sender: str, message: str) -> list[dict]:
        """The assistant's messages ({text, buttons, data}) for one citizen turn; ChatError otherwise."""


class HttpChat:
    """``POST {base_url}/api/chat {"sender", "message"}`` → ``messages``; a 422 refusal is read as its message."""

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self.client = client
        self.url = base_url.rstrip("/") + "/api/chat"

    async def send(self, sender: str, message: str) -> list[dict]:
        try:
            response = await self.client.post(self.url, json={"sender": sender, "message": message})
        except httpx.HTTPError as error:
            raise ChatError(f"{type(error).__name__}: {error}") from None
        try:
            body = response.json()
        except ValueError:
            raise ChatError(f"HTTP {response.status_code}, not JSON") from None
        if response.status_code == 422 and isinstance(body, dict) and isinstance(body.get("message"), str):
            return [{"text": body["message"], "buttons": [], "data": None}]
        if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            raise ChatError(f"HTTP {response.status_code}: {str(body)[:200]}")
        if body.get("degraded"):
            raise ChatError("degraded: the dialogue engine did not answer")
        return body["messages"]


async def play(scenario: Scenario, chat: Chat) -> list[dict]:
    """Play one scenario with a fresh sender; one result dict per turn (see benchmarks/conversations/report.py)."""
    sender = f"bench-{secrets.token_hex(8)}"
    rows = []
    answered_procedure = False
    for number, turn in enumerate(scenario.turns, start=1):
        error = None
        started = time.perf_counter()
        try:
            messages = await chat.send(sender, turn.user)
        except ChatError as exc:
            messages, error = [], str(exc)
        elapsed_ms = 1000 * (time.perf_counter() - started)
        result = grade_turn(turn, scenario.language, messages, first_procedure_answer=not answered_procedure)
        answered_procedure = answered_procedure or any(is_procedure_answer(Message.from_json(m)) for m in messages)
        if error:
            result.checks["answered"] = False
        rows.append(
            {
                "scenario": scenario.id,
                "category": scenario.category,
                "turn": number,
                "user": turn.user,
                "expect": turn.expect.model_dump(mode="json", exclude_none=True),
                "checks": result.checks,
                "passed": result.passed,
                "got": result.got,
                "error": error,
                "ms": round(elapsed_ms, 1),
            }
        )
    return rows


async def play_all(scenarios: list[Scenario], chat: Chat, concurrency: int = 4, progress=None) -> list[dict]:
    """Play every scenario, ``concurrency`` at a time; results in scenario order."""
    gate = asyncio.Semaphore(max(1, concurrency))
    done = 0

    async def one(scenario: Scenario) -> list[dict]:
        nonlocal done
        async with gate:
            rows = await play(scenario, chat)
        done += 1
        if progress:
            progress(done, len(scenarios))
        return rows

    results = await asyncio.gather(*(one(s) for s in scenarios))
    return [row for rows in results for row in rows]


def select(scenarios: list[Scenario], categories: list[str] | None, limit: int | None) -> list[Scenario]:
    """Keep the named categories; ``limit`` takes scenarios round-robin across categories (a quick run still
    covers each of them)."""
    chosen = [s for s in scenarios if not categories or s.category in categories]
    if limit is None:
        return chosen
    by_category: dict[str, list[Scenario]] = {}
    for scenario in chosen:
        by_category.setdefault(scenario.category, []).append(scenario)
    interleaved = [s for group in itertools.zip_longest(*by_category.values()) for s in group if s is not None]
    return interleaved[:limit]


async def run(scenarios: list[Scenario], base_url: str, *, concurrency: int, timeout_s: float) -> list[dict]:
    limits = httpx.Limits(max_connections=max(1, concurrency))
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits, trust_env=False) as client:

        def progress(done: int, total: int) -> None:
            if done % 25 == 0 or done == total:
                print(f"  {done}/{total} scenarios", file=sys.stderr)

        return await play_all(scenarios, HttpChat(client, base_url), concurrency, progress)


def _validate(scenarios: list[Scenario]) -> int:
    errors, warnings = check_scenarios(scenarios, catalogue_levels(), ward_desk_ids())
    for line in errors:
        print(f"error: {line}", file=sys.stderr)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    return len(errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--scenarios", type=Path, help="a folder of *.jsonl scenarios instead of --split")
    parser.add_argument("--category", action="append", choices=CATEGORIES, help="only this category (repeatable)")
    parser.add_argument("--limit", type=int, help="at most N scenarios, taken round-robin across categories")
    parser.add_argument("--concurrency", type=int, default=4, help="scenarios played at once (default 4)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per turn")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="the bridge (default %(default)s)")
    parser.add_argument(
        "--start-stack",
        action="store_true",
        help="start a private bridge + actions + Rasa on free ports with a fresh database",
    )
    parser.add_argument("--keep-stack-logs", action="store_true", help="keep the private stack's log folder")
    parser.add_argument("--out", type=Path, help="save the per-turn results here (JSON)")
    parser.add_argument("--compare", type=Path, help="a previous --out file to print side by side")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="print the first N failing turns")
    parser.add_argument("--validate-only", action="store_true", help="check the scenario files and stop")
    parser.add_argument("--no-validate", action="store_true", help="skip the catalogue/desk check before running")
    args = parser.parse_args(argv)

    folder = args.scenarios or HERE / args.split
    try:
        scenarios = load_folder(folder)
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.validate_only or not args.no_validate:
        problems = _validate(scenarios)
        print(f"{folder}: {len(scenarios)} scenarios, {problems} errors", file=sys.stderr)
        if problems or args.validate_only:
            return 2 if problems else 0
    previous = None
    if args.compare:
        try:
            previous = json.loads(args.compare.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"error: cannot read {args.compare}: {error}", file=sys.stderr)
            return 2
    chosen = select(scenarios, args.category, args.limit)
    print(f"playing {len(chosen)} scenarios ({sum(len(s.turns) for s in chosen)} turns) from {folder}", file=sys.stderr)

    started = time.monotonic()
    stack = None
    base_url = args.base_url
    if args.start_stack:
        try:
            stack = Stack.start(keep_logs=args.keep_stack_logs, log=lambda line: print(line, file=sys.stderr))
        except StackError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        base_url = stack.bridge_url
    try:
        turns = asyncio.run(run(chosen, base_url, concurrency=args.concurrency, timeout_s=args.timeout))
        if stack is not None:
            stack.check_alive()
    except StackError as error:  # a service died during the run: its figures would mean nothing
        print(f"error: {error}", file=sys.stderr)
        stack.keep_logs = True
        return 2
    finally:
        if stack is not None:
            stack.stop()
    summary = summarize(turns)
    note = " (incl. the stack's start)" if stack else ""
    print(f"\n{folder.name}: {len(chosen)} scenarios, {len(turns)} turns, {time.monotonic() - started:.0f} s{note}")
    print(format_summary(summary, summarize(previous["turns"]) if previous else None))
    answered = sorted(row["ms"] for row in turns if not row.get("error"))
    if answered:  # a side figure: bench_dialogue.py is the speed benchmark
        p50, p95 = answered[len(answered) // 2], answered[min(len(answered) - 1, int(0.95 * len(answered)))]
        print(f"turn latency at concurrency {args.concurrency}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    if previous:
        fixed, broken = flips(previous["turns"], turns)
        print(f"turns fixed since the previous run: {fixed}; broken: {broken}")
    if args.show_failures:
        print("\nfailing turns:")
        print(format_failures(turns, args.show_failures))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        record: dict[str, Any] = {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "folder": str(folder),
            "base_url": base_url,
            "fresh_stack": bool(stack),
            "scenarios": len(chosen),
            "summary": summary,
            "turns": turns,
        }
        args.out.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"per-turn results saved to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
