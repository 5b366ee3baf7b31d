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
            misses.append({"id": q.get("id"), "kind": q.get("kind"), "question": q["question"],
                           "expected": sorted(expected), "got": ranked["fused"][:3]})
    table = {
        mode: {kind: {m: round(v / cell["n"], 3) if m != "n" else v for m, v in cell.items()}
               for kind, cell in sorted(kinds.items())}
        for mode, kinds in sums.items()
    }
    return {"metrics": table, "confidence": calibration, "out_of_scope": out_of_scope, "misses": misses}


def evaluate_file(search, path: Path) -> dict:
    return evaluate(search, load_questions(path))


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
    lines.append("fused confidence (count, top-1 correct): " + ", ".join(f"{k} {v[0]} ({v[1]})" for k, v in conf.items()))
    oos = report["out_of_scope"]
    if oos["n"]:
        lines.append(f"out of scope: {oos['n']} questions, no_match {oos['no_match']}, confident {oos['confident']}")
    return "\n".join(lines)


