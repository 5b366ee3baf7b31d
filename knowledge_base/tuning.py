"""Grid search of fusion weights and confidence thresholds on the dev split (never on test)."""

from __future__ import annotations

import itertools
from dataclasses import asdict, replace

from knowledge_base.evaluation import load_questions
from knowledge_base.search.engine import ProcedureSearch, SearchTuning
from knowledge_base.text import clean

GRID = {
    "dense_weight": [0.3, 0.4, 0.5, 0.6, 0.7],
    "dense_floor": [0.74, 0.78, 0.80],
    "dense_ceiling": [0.90, 0.92, 0.94],
    "lexical_cap": [1.0, 1.2, 1.5],
    "prior_weight": [0.04, 0.08, 0.12, 0.16],
}


PRECISION_WEIGHTS = [0.0, 0.15, 0.3, 0.5, 0.8]


def _cached_parts(search: ProcedureSearch, questions: list[dict]) -> list[tuple[dict, str, set]]:
    """Dense scores per question (the expensive part, computed once) plus the expanded query text."""
    rows = []
    for q in questions:
        parts: dict = {}
        text = clean(q["question"])
        search.fused_scores(text, parts=parts)
        rows.append((parts.get("dense", {}), search._expand(text), set(q.get("codes") or [])))
    return rows


def _with_lexical(search: ProcedureSearch, rows, allowed: set[str]) -> list[tuple[dict, dict, set]]:
    return [
        (dense, {c: v for c, v in search.lexical.score(expanded).items() if c in allowed}, expected)
        for dense, expanded, expected in rows
    ]


def _top1(search: ProcedureSearch, rows, tuning: SearchTuning) -> tuple[float, list]:
    search.tuning = tuning
    correct, tops = 0, []
    for dense, lexical, expected in rows:
        fused = search.fuse(dense, lexical)
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        tops.append((ranked, expected))
        correct += bool(expected) and bool(ranked) and ranked[0][0] in expected
    return correct / max(1, sum(1 for *_, e in rows if e)), tops


def _thresholds(tops) -> dict:
    """Confidence thresholds: 'confident' should be right ≥ 97% of the time; out-of-scope should be no_match."""
    best = None
    for confident_score, margin, none in itertools.product(
        [0.45, 0.5, 0.55, 0.6, 0.65, 0.7], [0.02, 0.04, 0.06, 0.08, 0.1], [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55]
    ):
        if none >= confident_score:
            continue
        conf_n = conf_ok = oos_n = oos_none = in_none = 0
        for ranked, expected in tops:
            s1 = ranked[0][1] if ranked else 0.0
            s2 = ranked[1][1] if len(ranked) > 1 else 0.0
            if not expected:
                oos_n += 1
                oos_none += s1 < none
                continue
            in_none += s1 < none
            if s1 >= confident_score and s1 - s2 >= margin:
                conf_n += 1
                conf_ok += ranked[0][0] in expected
        precision = conf_ok / conf_n if conf_n else 0.0
        in_n = sum(1 for _, e in tops if e)
        # reward answering confidently and correctly, rejecting out-of-scope, rarely rejecting real questions
        utility = conf_ok / in_n - 3 * (conf_n - conf_ok) / in_n + 0.5 * oos_none / max(1, oos_n) - 2 * in_none / in_n
        candidate = (
            utility,
            precision,
            {
                "confident_score": confident_score,
                "confident_margin": margin,
                "no_match_score": none,
                "confident_rate": round(conf_n / in_n, 3),
                "confident_precision": round(precision, 3),
                "oos_no_match": round(oos_none / max(1, oos_n), 3),
                "in_scope_no_match": round(in_none / in_n, 3),
            },
        )
        best = max(best, candidate, key=lambda c: (c[0], c[1])) if best else candidate
    return best[2]


def tune_thresholds(search: ProcedureSearch, paths) -> dict:
    """Confidence thresholds only, for the current fusion weights (quick)."""
    questions = [q for path in paths for q in load_questions(path)]
    allowed = search._allowed(False)
    rows = _with_lexical(search, _cached_parts(search, questions), allowed)
    return _thresholds(_top1(search, rows, search.tuning)[1])


def tune(search: ProcedureSearch, paths) -> dict:
    questions = [q for path in paths for q in load_questions(path)]
    cached = _cached_parts(search, questions)
    allowed = search._allowed(False)
    base, base_precision = search.tuning, search.lexical.precision_weight
    scored = []
    for precision in PRECISION_WEIGHTS:
        search.lexical.precision_weight = precision
        rows = _with_lexical(search, cached, allowed)
        for values in itertools.product(*GRID.values()):
            tuning = replace(base, **dict(zip(GRID, values)))
            scored.append((_top1(search, rows, tuning)[0], precision, values, tuning, rows))
    scored.sort(key=lambda s: -s[0])
    best_top1, best_precision, _, best, rows = scored[0]
    _, tops = _top1(search, rows, best)
    thresholds = _thresholds(tops)
    search.tuning, search.lexical.precision_weight = base, base_precision
    return {
        "dev_questions": len(questions),
        "dev_top1": round(best_top1, 3),
        "precision_weight": best_precision,
        "fusion": {k: getattr(best, k) for k in GRID},
        "thresholds": thresholds,
        "current": asdict(base),
        "runners_up": [(round(s, 3), p, dict(zip(GRID, v))) for s, p, v, *_ in scored[1:6]],
    }
