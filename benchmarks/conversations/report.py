"""Figures of a conversation run from its per-turn results: turn and scenario pass rates per category and overall,
the "code-only" view (turns whose expected procedure code is right), failures per check, a side-by-side comparison
with a previous run, and the failing turns themselves.

A per-turn result is a plain dict (what ``--out run.json`` stores under "turns"): scenario, category, turn (1-based),
user, expect, checks {name: bool}, passed, got {kinds, codes, offered, ..., reply}, error (optional).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from benchmarks.conversations.grading import CHECKS, EXCERPT_CHARS
from benchmarks.conversations.scenarios import CATEGORIES

ALL = "overall"


def _rate(passed: int, total: int) -> float | None:
    return passed / total if total else None


def summarize(turns: Iterable[dict]) -> dict[str, Any]:
    """{"categories": {category|overall: {turns, turn_pass, scenarios, scenario_pass, code_turns, code_pass}},
    "checks": {check: {"applied", "failed"}}} — rates are fractions (None when nothing was counted)."""
    turns = list(turns)
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in turns:
        groups[row["category"]].append(row)
        groups[ALL].append(row)
    categories = {}
    order = [c for c in CATEGORIES if c in groups] + sorted(set(groups) - set(CATEGORIES) - {ALL}) + [ALL]
    for name in order:
        rows = groups[name]
        by_scenario: dict[str, bool] = {}
        for row in rows:
            by_scenario[row["scenario"]] = by_scenario.get(row["scenario"], True) and row["passed"]
        code_rows = [row for row in rows if "code" in row["checks"]]
        categories[name] = {
            "turns": len(rows),
            "turn_pass": _rate(sum(row["passed"] for row in rows), len(rows)),
            "scenarios": len(by_scenario),
            "scenario_pass": _rate(sum(by_scenario.values()), len(by_scenario)),
            "code_turns": len(code_rows),
            "code_pass": _rate(sum(row["checks"]["code"] for row in code_rows), len(code_rows)),
        }
    checks = {}
    for name in CHECKS:
        applied = [row["checks"][name] for row in turns if name in row["checks"]]
        if applied:
            checks[name] = {"applied": len(applied), "failed": applied.count(False)}
    errors = sum(1 for row in turns if row.get("error"))
    return {"categories": categories, "checks": checks, "errors": errors}


def _pct(value: float | None) -> str:
    return "   –  " if value is None else f"{100 * value:5.1f}%"


def format_summary(summary: dict, previous: dict | None = None) -> str:
    """A table per category; with ``previous``, each figure is followed by the previous run's and the change."""
    lines = []
    header = (
        f"{'category':16s} {'turns':>5s} {'turn pass':>9s} {'scen.':>5s} {'scen. pass':>10s} "
        f"{'code ok (of turns)':>18s}"
    )
    if previous:
        header = (
            f"{'category':16s} {'turns':>5s} {'turn pass (prev → now)':>24s} {'scenario pass (prev → now)':>27s}"
            f" {'code ok (prev → now)':>21s}"
        )
    lines.append(header)
    for name, now in summary["categories"].items():
        if name == ALL:
            lines.append("-" * len(header))
        if previous:
            before = previous["categories"].get(name, {})
            lines.append(
                f"{name:16s} {now['turns']:5d} {_pair(before.get('turn_pass'), now['turn_pass']):>24s} "
                f"{_pair(before.get('scenario_pass'), now['scenario_pass']):>27s} "
                f"{_pair(before.get('code_pass'), now['code_pass']):>21s}"
            )
        else:
            lines.append(
                f"{name:16s} {now['turns']:5d} {_pct(now['turn_pass']):>9s} {now['scenarios']:5d} "
                f"{_pct(now['scenario_pass']):>10s} {_pct(now['code_pass']):>8s} of {now['code_turns']:<4d}"
            )
    lines.append("")
    lines.append("failures per check (failed / turns it applies to):")
    for name, counts in summary["checks"].items():
        was = ""
        if previous and name in previous.get("checks", {}):
            was = f"   (previous {previous['checks'][name]['failed']} / {previous['checks'][name]['applied']})"
        lines.append(f"  {name:16s} {counts['failed']:4d} / {counts['applied']:<4d}{was}")
    if summary.get("errors"):
        lines.append(f"turns that got no answer (HTTP error or timeout): {summary['errors']}")
    return "\n".join(lines)


def _pair(before: float | None, now: float | None) -> str:
    delta = "" if before is None or now is None else f" ({100 * (now - before):+.1f})"
    return f"{_pct(before).strip()} → {_pct(now).strip()}{delta}"


def flips(previous_turns: Iterable[dict], turns: Iterable[dict]) -> tuple[int, int]:
    """(turns fixed, turns broken) between two runs, matched by scenario id and turn number."""
    before = {(row["scenario"], row["turn"]): row["passed"] for row in previous_turns}
    fixed = broken = 0
    for row in turns:
        was = before.get((row["scenario"], row["turn"]))
        if was is False and row["passed"]:
            fixed += 1
        elif was is True and not row["passed"]:
            broken += 1
    return fixed, broken


def _expected(expect: dict) -> str:
    parts = []
    for key in ("kind", "code", "choices_include", "topic", "priority", "desk", "language"):
        if expect.get(key) is not None:
            value = expect[key]
            parts.append(f"{key}={'|'.join(map(str, value)) if isinstance(value, (list, tuple)) else value}")
    return " ".join(parts) or "(generic checks only)"


def format_failures(turns: Iterable[dict], limit: int) -> str:
    """The first ``limit`` failing turns: id, turn, failed checks, expected vs got, first 160 chars of the reply."""
    lines = []
    for row in [row for row in turns if not row["passed"]][:limit]:
        got = row.get("got", {})
        lines.append(
            f"{row['scenario']} turn {row['turn']} [{', '.join(k for k, ok in row['checks'].items() if not ok)}]"
            f"  user: {row['user'][:100]!r}"
        )
        lines.append(f"    expected: {_expected(row.get('expect', {}))}")
        seen = f"kinds={'|'.join(got.get('kinds', []))} codes={'|'.join(got.get('codes', [])) or '-'}"
        if got.get("offered"):
            seen += f" offered={'|'.join(got['offered'])}"
        if got.get("topics"):
            seen += f" topic={'|'.join(got['topics'])}"
        seen += f" language={got.get('language')}"
        lines.append(f"    got:      {seen}")
        lines.append(f"    reply:    {row.get('error') or got.get('reply', '')[:EXCERPT_CHARS]!r}")
    return "\n".join(lines)
