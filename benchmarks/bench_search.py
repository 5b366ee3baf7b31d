"""Search benchmark: accuracy per scorer on the test split, warm latency over 1,000 queries, build time, RSS.

Usage: .venv/bin/python benchmarks/bench_search.py [--split test] [--queries 1000] [--skip-build]
Prints figures; asserts nothing (tests check behaviour, this measures it).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base.evaluation import evaluate, format_report, load_questions  # noqa: E402
from knowledge_base.search.build import build_index, build_search  # noqa: E402
from knowledge_base.settings import SearchSettings  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--skip-build", action="store_true", help="don't time a full index build")
    args = parser.parse_args()

    settings = SearchSettings()
    started = time.perf_counter()
    search = build_search(settings)
    print(
        f"load (model + saved index + catalogue): {time.perf_counter() - started:.1f} s, "
        f"{len(search)} procedures, encoder {type(search.encoder).__name__} "
        f"(KB_ENCODER_BACKEND={settings.encoder_backend}), RSS {peak_rss_mb():.0f} MB"
    )

    questions = load_questions(ROOT / "knowledge_base" / "eval" / f"questions_{args.split}.jsonl")
    report = evaluate(search, questions)
    print(f"\naccuracy on the {args.split} split ({len(questions)} questions):")
    print(format_report(report))

    texts = [q["question"] for q in load_questions(ROOT / "knowledge_base" / "eval" / "questions_dev.jsonl")]
    texts += [q["question"] for q in questions]
    for text in texts[:20]:  # warm-up
        search.search(text)
    timings = []
    for i in range(args.queries):  # the engine keeps no query cache, so repeated texts cost the same
        t0 = time.perf_counter()
        search.search(texts[i % len(texts)])
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]  # noqa: E731
    print(
        f"\nwarm search latency over {len(timings)} queries: p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, "
        f"p99 {p(0.99):.1f} ms, mean {statistics.mean(timings):.1f} ms"
    )

    if not args.skip_build:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            figures = build_index(settings.model_copy(update={"index_dir": Path(tmp)}), encoder=search.encoder)
            print(
                f"\nindex build, all {figures['procedures']} procedures (2 name passages each) and "
                f"{figures['asks']} citizen asks: {time.perf_counter() - t0:.1f} s"
            )
    print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
