"""Evaluates search on a labelled question file: top-1, top-3 and MRR per question kind, per scorer."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from knowledge_base.text import clean

MODES = ("lexical", "dense", "fused")


def load_questions(path: Path) -> list[dict]:
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                questions.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    return questions


def rankings(search, question: str) -> dict[str, list[str]]:
    """Ranked codes for one question under each scorer (lexical only, dense only, fused)."""
    parts: dict = {}
    fused = search.fused_scores(clean(question), parts=parts)
    order = lambda scores: [c for c, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]  # noqa: E731
    ranked = {"fused": order(fused)}
    ranked["lexical"] = order(parts["lexical"]) if parts else ranked["fused"]
    ranked["dense"] = order(parts["dense"]) if parts else ranked["fused"]
    return ranked


def evaluate(search, questions: list[dict]) -> dict:
    sums: dict = defaultdict(lambda: defaultdict(lambda: {"n": 0, "top1": 0.0, "top3": 0.0, "mrr": 0.0}))
    calibration = {"confident": [0, 0], "ambiguous": [0, 0], "no_match": [0, 0]}  # [count, top-1 correct]
    out_of_scope = {"n": 0, "no_match": 0, "confident": 0}
    misses = []
    for q in questions:
        expected = set(q.get("codes") or [])
        if not expected:
            outcome = search.search(q["question"])
            out_of_scope["n"] += 1
            out_of_scope["no_match"] += outcome.confidence == "no_match"
            out_of_scope["confident"] += outcome.confidence == "confident"
            continue
        ranked = rankings(search, q["question"])
        for mode in MODES:
            rank = next((i for i, c in enumerate(ranked[mode][:10], 1) if c in expected), None)
            for kind in (q.get("kind", "other"), "all"):
                cell = sums[mode][kind]
                cell["n"] += 1
                cell["top1"] += rank == 1
                cell["top3"] += rank is not None and rank <= 3
                cell["mrr"] += 1 / rank if rank else 0.0
        outcome = search.search(q["question"])
        correct = bool(outcome.results) and outcome.results[0].code in expected
        calibration[outcome.confidence][0] += 1
        calibration[outcome.confidence][1] += correct
        if ranked["fused"][:1] and ranked["fused"][0] not in expected:
            misses.append(
                {
                    "id": q.get("id"),
                    "kind": q.get("kind"),
                    "question": q["question"],
                    "expected": sorted(expected),
                    "got": ranked["fused"][:3],
                }
            )
    table = {
        mode: {
            kind: {m: round(v / cell["n"], 3) if m != "n" else v for m, v in cell.items()}
            for kind, cell in sorted(kinds.items())
        }
        for mode, kinds in sums.items()
    }
    return {"metrics": table, "confidence": calibration, "out_of_scope": out_of_scope, "misses": misses}


def evaluate_file(search, path: Path) -> dict:
    return evaluate(search, load_questions(path))


def evaluate_turns(search, questions: list[dict]) -> dict:
    """Each question as a first turn through knowledge_base.turn.search_turn (what the assistant acts on).

    Per kind: ``top1`` = answered with an expected procedure; ``offered`` = answered with it or offering it
    among the clarifying choices; ``clarify`` = share of questions answered with a choice. Out-of-scope questions
    count how often the turn answered a ward procedure anyway (``answered``), and ``referred`` how often a
    question with ``all_level_codes`` was referred to one of them.
    """
    from knowledge_base.turn import search_turn

    sums: dict = defaultdict(lambda: {"n": 0, "top1": 0, "offered": 0, "clarify": 0})
    oos = {"n": 0, "answered": 0, "referrals_expected": 0, "referred": 0}
    misses = []
    for q in questions:
        outcome = search_turn(search, q["question"])
        expected = set(q.get("codes") or [])
        if not expected:
            oos["n"] += 1
            oos["answered"] += outcome.kind == "procedure"
            if q.get("all_level_codes"):
                oos["referrals_expected"] += 1
                oos["referred"] += outcome.kind == "not_at_ward" and outcome.code in q["all_level_codes"]
            continue
        right = outcome.kind == "procedure" and outcome.code in expected
        offered = right or any(c.code in expected for c in outcome.choices)
        for kind in (q.get("kind", "other"), "all"):
            cell = sums[kind]
            cell["n"] += 1
            cell["top1"] += right
            cell["offered"] += offered
            cell["clarify"] += outcome.kind == "clarify"
        if not right:
            misses.append(
                {
                    "id": q.get("id"),
                    "kind": q.get("kind"),
                    "question": q["question"],
                    "expected": sorted(expected),
                    "got": outcome.to_json(),
                }
            )
    table = {
        kind: {"n": c["n"], **{m: round(c[m] / c["n"], 3) for m in ("top1", "offered", "clarify")}}
        for kind, c in sorted(sums.items())
    }
    return {"turn": table, "out_of_scope": oos, "misses": misses}


def format_turn_report(report: dict) -> str:
    lines = [f"{'kind':<14}{'n':>5}  turn top1  offered  clarify"]
    for kind, cell in sorted(report["turn"].items(), key=lambda kv: (kv[0] == "all", kv[0])):
        lines.append(
            f"{kind:<14}{cell['n']:>5}  {cell['top1']:>9.3f}  {cell['offered']:>7.3f}  {cell['clarify']:>7.3f}"
        )
    oos = report["out_of_scope"]
    if oos["n"]:
        lines.append(
            f"out of scope: {oos['n']} questions, answered with a ward procedure {oos['answered']}, "
            f"referred to the right body {oos['referred']}/{oos['referrals_expected']}"
        )
    return "\n".join(lines)


def format_report(report: dict) -> str:
    lines = [f"{'kind':<14}{'n':>5}  " + "  ".join(f"{m + ' top1/top3/MRR':<26}" for m in MODES)]
    kinds = sorted({k for mode in report["metrics"].values() for k in mode}, key=lambda k: (k == "all", k))
    for kind in kinds:
        cells = []
        n = 0
        for mode in MODES:
            cell = report["metrics"].get(mode, {}).get(kind)
            if cell:
                n = cell["n"]
                cells.append(f"{cell['top1']:.3f} / {cell['top3']:.3f} / {cell['mrr']:.3f}      ")
        lines.append(f"{kind:<14}{n:>5}  " + "  ".join(cells))
    conf = report["confidence"]
    lines.append(
        "fused confidence (count, top-1 correct): " + ", ".join(f"{k} {v[0]} ({v[1]})" for k, v in conf.items())
    )
    oos = report["out_of_scope"]
    if oos["n"]:
        lines.append(f"out of scope: {oos['n']} questions, no_match {oos['no_match']}, confident {oos['confident']}")
    return "\n".join(lines)
