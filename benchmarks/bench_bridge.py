"""Load figures for a running bridge: N concurrent clients on search and dossier lookup; p50/p95 and errors.

    .venv/bin/python -m assistant.bridge seed-demo          # the lookups use the demo dossiers
    BRIDGE_DEMO_MODE=true .venv/bin/python -m assistant.bridge serve &   # real search, demo pepper
    .venv/bin/python benchmarks/bench_bridge.py --clients 50 --rounds 20 [--staff-token TOKEN]

By default every search is a different string (a numbered suffix), so the bridge's answer cache does not
flatter the figures; --repeat asks the same 14 questions over and over (cache hits after the first round).
With --staff-token (editor) it also times "staff upsert of a new procedure → top-1 in search", then deletes it.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from assistant.bridge.dossiers.seed import DEMO_DOSSIERS  # noqa: E402

QUERIES = [
    "đăng ký khai sinh cho con",
    "dang ky khai sinh",
    "làm giấy chứng tử",
    "sao y giấy tờ",
    "đăng ký kết hôn",
    "nhập hộ khẩu",
    "làm lại căn cước",
    "sổ đỏ bị sai tên",
    "birth certificate",
    "chứng thực chữ ký",
    "xin trợ cấp bảo hiểm xã hội một lần",
    "đăng ký tạm trú",
    "hỏi về nuôi rồng",
    "xác nhận tình trạng hôn nhân",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


async def client_loop(client: httpx.AsyncClient, index: int, rounds: int, results: dict, repeat: bool) -> None:
    for n in range(rounds):
        if (index + n) % 2 == 0:
            kind, started = "search", time.perf_counter()
            try:
                query = QUERIES[(index + n) % len(QUERIES)] + ("" if repeat else f" {index}-{n}")
                response = await client.get("/api/procedures/search", params={"q": query})
                status = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
        else:
            code, _, digits = DEMO_DOSSIERS[(index + n) % len(DEMO_DOSSIERS)][:3]
            kind, started = "lookup", time.perf_counter()
            try:
                response = await client.post("/api/dossiers/lookup", json={"code": code, "id_last4": digits})
                status = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
        results[kind]["ms"].append((time.perf_counter() - started) * 1000)
        results[kind]["status"][status] += 1


async def load(url: str, clients: int, rounds: int, repeat: bool) -> dict:
    results = {kind: {"ms": [], "status": Counter()} for kind in ("search", "lookup")}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits, trust_env=False) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client, i, rounds, results, repeat) for i in range(clients)))
        results["wall_s"] = time.perf_counter() - started
    return results


def staff_edit_visibility(url: str, token: str) -> float | None:
    """Seconds from POST /api/staff/procedures until the new procedure is top-1 for its name (None if never within
    10 s)."""
    headers = {"Authorization": f"Bearer {token}"}
    name = "Cấp giấy phép nuôi chim hải âu trên mái nhà phường"
    with httpx.Client(base_url=url, timeout=30, trust_env=False) as client:
        record = copy.deepcopy(client.get("/api/procedures/1.001193").json())
        record.update(code="9.999999", name=name, field="Hộ tịch")
        started = time.perf_counter()
        client.post("/api/staff/procedures", json=record, headers=headers).raise_for_status()
        elapsed = None
        while time.perf_counter() - started < 10:
            results = client.get("/api/procedures/search", params={"q": name}).json().get("results", [])
            if results and results[0]["code"] == "9.999999":
                elapsed = time.perf_counter() - started
                break
        client.delete("/api/staff/procedures/9.999999", headers=headers)
        gone = all(
            r["code"] != "9.999999"
            for r in client.get("/api/procedures/search", params={"q": name}).json().get("results", [])
        )
        print(f"deleted again, no longer in search: {gone}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20, help="requests per client (bounded)")
    parser.add_argument("--repeat", action="store_true", help="repeat the same questions (measures the answer cache)")
    parser.add_argument("--staff-token", default=None)
    args = parser.parse_args()
    results = asyncio.run(load(args.url, args.clients, args.rounds, args.repeat))
    total = sum(len(results[k]["ms"]) for k in ("search", "lookup"))
    print(
        f"{args.clients} concurrent clients x {args.rounds} requests = {total} in {results['wall_s']:.1f} s "
        f"({total / results['wall_s']:.0f} req/s) against {args.url}, "
        f"{'repeated' if args.repeat else 'distinct'} questions"
    )
    for kind in ("search", "lookup"):
        ms, status = results[kind]["ms"], results[kind]["status"]
        ok = status.get(200, 0)
        print(
            f"  {kind:6s} n={len(ms):5d}  p50={statistics.median(ms):7.1f} ms  p95={percentile(ms, 0.95):7.1f} ms  "
            f"max={max(ms):7.1f} ms  ok={ok}  errors={len(ms) - ok}  statuses={dict(status)}"
        )
    if args.staff_token:
        elapsed = staff_edit_visibility(args.url, args.staff_token)
        print(
            "staff upsert → top-1 in search: "
            + (f"{elapsed * 1000:.0f} ms" if elapsed is not None else "NOT within 10 s")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
