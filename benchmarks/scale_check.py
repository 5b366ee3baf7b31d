"""The province scale check (issue 16's first bar): the whole topology as native processes on this machine
(benchmarks/scale_topology.py), then the checks that several replicas stay correct, then one JSON line.

Usage: bash scripts/scale_check.sh   (or PYTHONPATH=. .venv/bin/python benchmarks/scale_check.py [--keep-logs])
Prints progress on stderr and, as its last line, one JSON object; exit 0 only when `verdict` finds nothing wrong.
A benchmark-like script (minutes, two Rasa servers): not part of `make test`; the pure parts are tested in
tests/benchmarks/test_scale_check.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EDIT_VISIBLE_MS = 1000
MAX_SOURCE_HITS = 5
TICKET_PROCESSES, TICKET_THREADS, TICKETS_PER_THREAD = 2, 8, 50
CALLERS, WAITING_TO_CALL = 8, 200
GUESSES = 40


def verdict(result: dict) -> list[str]:
    """What is wrong in a scale check result, one line each (empty: the bar is met)."""
    problems = []
    p95 = result.get("edit_visible_other_replica_ms_p95")
    if p95 is None or p95 > EDIT_VISIBLE_MS or result.get("edit_visible_other_replica_missed", 1) > 0:
        problems.append(f"edits visible on the other replica: p95 {p95} ms (limit {EDIT_VISIBLE_MS} ms, none missed)")
    expected = TICKET_PROCESSES * TICKET_THREADS * TICKETS_PER_THREAD
    if result.get("ticket_errors") != 0 or not (
        result.get("tickets_issued") == result.get("tickets_distinct") == expected
    ):
        problems.append(
            f"tickets: {result.get('tickets_issued')} issued, {result.get('tickets_distinct')} distinct, "
            f"{result.get('ticket_errors')} errors (expected {expected} distinct, 0 errors)"
        )
    calls, distinct = result.get("call_next_calls"), result.get("call_next_distinct")
    if not calls or calls != distinct or calls != result.get("call_next_waiting"):
        problems.append(f"call next: {calls} calls, {distinct} distinct, {result.get('call_next_waiting')} waiting")
    hits = result.get("lockout_source_hits")
    if hits is None or hits > MAX_SOURCE_HITS:
        problems.append(f"lockout: {hits} wrong guesses reached the source (limit {MAX_SOURCE_HITS})")
    for name in ("conversation_survives_rasa_kill", "ward_isolation_ok", "alias_conflict_ok"):
        if result.get(name) is not True:
            problems.append(f"{name} is {result.get(name)}")
    return problems


def _issue_tickets(public_url: str, threads: int, per_thread: int) -> dict:
    """One worker process: `threads` threads each issuing `per_thread` tickets at Q1 through the balancer."""

    def one_thread(_n: int) -> tuple[list[str], list[str]]:
        numbers, errors = [], []
        with httpx.Client(timeout=60) as client:
            for _ in range(per_thread):
                try:
                    response = client.post(f"{public_url}/api/tickets", json={"desk": "Q1"})
                    if response.status_code == 201:
                        numbers.append(response.json()["number"])
                    else:
                        errors.append(str(response.status_code))
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
        return numbers, errors

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one_thread, range(threads)))
    return {"numbers": [n for ns, _ in results for n in ns], "errors": [e for _, es in results for e in es]}


def check_tickets(public_url: str) -> dict:
    started = time.monotonic()
    with ProcessPoolExecutor(TICKET_PROCESSES) as pool:
        reports = list(
            pool.map(
                _issue_tickets,
                [public_url] * TICKET_PROCESSES,
                [TICKET_THREADS] * TICKET_PROCESSES,
                [TICKETS_PER_THREAD] * TICKET_PROCESSES,
            )
        )
    numbers = [n for r in reports for n in r["numbers"]]
    errors = [e for r in reports for e in r["errors"]]
    return {
        "tickets_issued": len(numbers),
        "tickets_distinct": len(set(numbers)),
        "ticket_errors": len(errors),
        "ticket_error_kinds": sorted(set(errors)),
        "tickets_per_s": round(len(numbers) / (time.monotonic() - started), 1),
    }


def check_call_next(public_url: str, bridge_urls: list[str], token: str) -> dict:
    """WAITING_TO_CALL tickets at Q2, then CALLERS staff threads (alternately on each bridge) call next until none."""
    with httpx.Client(timeout=60) as client:
        for _ in range(WAITING_TO_CALL):
            client.post(f"{public_url}/api/tickets", json={"desk": "Q2"}).raise_for_status()
    start = threading.Barrier(CALLERS)

    def caller(n: int) -> tuple[list[int], list[str]]:
        called, errors = [], []
        with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
            start.wait()
            while True:
                response = client.post(
                    f"{bridge_urls[n % len(bridge_urls)]}/api/tickets/call-next", json={"desk": "Q2"}
                )
                if response.status_code == 204:
                    return called, errors
                if response.status_code != 200:
                    errors.append(str(response.status_code))
                    if len(errors) > 20:
                        return called, errors
                    continue
                called.append(response.json()["id"])

    with ThreadPoolExecutor(CALLERS) as pool:
        results = list(pool.map(caller, range(CALLERS)))
    called = [i for ids, _ in results for i in ids]
    return {
        "call_next_waiting": WAITING_TO_CALL,
        "call_next_calls": len(called),
        "call_next_distinct": len(set(called)),
        "call_next_errors": sum(len(e) for _, e in results),
    }


def check_lockout(bridge_urls: list[str], service_token: str, pepper: str) -> dict:
    """GUESSES wrong digits for one demo dossier at once, half on each bridge, each from its own citizen (as the
    action servers name them: X-Client-Id with the service secret), so only the per-code limit holds them back.
    A 404 is an answer from the dossier source (wrong digits); a 429 was refused before the source was asked."""
    from assistant.bridge.clients import address_key
    from assistant.bridge.dossiers.seed import DEMO_DOSSIERS

    code, _name, digits, *_ = DEMO_DOSSIERS[1]
    wrong = [f"{n:04d}" for n in range(GUESSES + 1) if f"{n:04d}" != digits][:GUESSES]
    start = threading.Barrier(GUESSES)

    def guess(n: int) -> int:
        headers = {
            "X-Client-Id": address_key(f"10.9.{n // 250}.{n % 250}", secret=pepper),
            "X-Service-Token": service_token,
        }
        with httpx.Client(timeout=120) as client:
            start.wait()
            return client.post(
                f"{bridge_urls[n % len(bridge_urls)]}/api/dossiers/lookup",
                json={"code": code, "id_last4": wrong[n]},
                headers=headers,
            ).status_code

    with ThreadPoolExecutor(GUESSES) as pool:
        statuses = list(pool.map(guess, range(GUESSES)))
    return {
        "lockout_guesses": GUESSES,
        "lockout_source_hits": statuses.count(404),
        "lockout_refused": statuses.count(429),
        "lockout_other_statuses": sorted(s for s in statuses if s not in (404, 429)),
    }


def check_ward_isolation(public_url: str, ward_a_token: str, second_ward: str) -> dict:
    """Two wards' "Q3" number their tickets separately; ward A's token cannot call ward B's Q3 and calls its own."""
    with httpx.Client(timeout=30) as client:
        issued = {"a": [], "b": []}
        for _ in range(3):
            for key, ward in (("a", None), ("b", second_ward)):
                response = client.post(f"{public_url}/api/tickets", json={"desk": "Q3", "ward": ward})
                response.raise_for_status()
                issued[key].append(response.json())
        numbers = {key: [t["number"] for t in tickets] for key, tickets in issued.items()}
        separate = numbers["a"] == numbers["b"] and len(set(numbers["a"])) == 3  # each ward counts from its own start
        headers = {"Authorization": f"Bearer {ward_a_token}"}
        refused = client.post(
            f"{public_url}/api/tickets/call-next", json={"desk": "Q3", "ward": second_ward}, headers=headers
        )
        b_waiting = all(
            client.get(f"{public_url}/api/tickets/{t['id']}").json()["status"] == "waiting" for t in issued["b"]
        )
        own = client.post(f"{public_url}/api/tickets/call-next", json={"desk": "Q3"}, headers=headers)
    own_id = own.json().get("id") if own.status_code == 200 else None
    return {
        "ward_ticket_numbers": numbers,
        "ward_other_call_status": refused.status_code,
        "ward_isolation_ok": bool(
            separate
            and refused.status_code == 403
            and refused.json().get("error") == "other_ward"
            and b_waiting
            and own_id == issued["a"][0]["id"]
        ),
    }


def check_alias_conflict(bridge_urls: list[str], token: str) -> dict:
    """The same phrase saved to two meanings on A and B at the same moment: one 201, one 409, and both bridges
    then list the phrase under the winner's meaning only."""
    phrase = "giấy tờ kiểm tra quy mô tỉnh"
    bodies = [{"canonical": f"thủ tục kiểm tra quy mô {n}", "aliases": [phrase]} for n in (1, 2)]
    start = threading.Barrier(2)

    def save(n: int) -> httpx.Response:
        with httpx.Client(timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
            start.wait()
            return client.post(f"{bridge_urls[n]}/api/staff/aliases", json=bodies[n])

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(save, range(2)))
    statuses = [a.status_code for a in answers]
    winners = [bodies[n]["canonical"] for n, status in enumerate(statuses) if status == 201]
    holders: list[list[str]] = []
    deadline = time.monotonic() + 5
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        while time.monotonic() < deadline:
            holders = [
                sorted(
                    e["canonical"]
                    for e in client.get(f"{url}/api/staff/aliases").json()["aliases"]
                    if phrase in e["aliases"]
                )
                for url in bridge_urls
            ]
            if all(h == winners for h in holders):
                break
            time.sleep(0.1)
    return {
        "alias_statuses": sorted(statuses),
        "alias_conflict_ok": sorted(statuses) == [201, 409] and all(h == winners for h in holders),
    }


def check_conversation(rasa_url: str, kill_serving: Callable[[str], str]) -> dict:
    """A dossier form started through the balancer continues after the Rasa replica serving it is killed
    (benchmarks/rasa_failover.py); `kill_serving(sender)` kills that replica and waits until the balancer moved."""
    from benchmarks.rasa_failover import dossier_form_survives

    sender = "scale-check-1"
    killed: list[str] = []
    result = dossier_form_survives(rasa_url, rasa_url, lambda: killed.append(kill_serving(sender)), sender=sender)
    return {
        "conversation_survives_rasa_kill": result.survived,
        "conversation_killed_replica": killed[0] if killed else None,
        "conversation_replies": list(result.replies) if not result.survived else [],
    }


def serving_replica(rasa_url: str, sender: str) -> str | None:
    """Which Rasa replica the balancer sends this sender's turns to (its X-Served-By on a harmless GET /)."""
    from assistant.bridge.web.dialogue import RasaRestClient, conversation_key

    try:
        response = httpx.get(
            rasa_url + "/", headers={RasaRestClient.ROUTING_HEADER: conversation_key(sender)}, timeout=5
        )
    except httpx.HTTPError:
        return None
    return response.headers.get("X-Served-By") if response.status_code == 200 else None


def check_edits(a: str, b: str, token: str) -> dict:
    from benchmarks.bench_replica_edits import run_edits, summary

    figures = run_edits(a, b, token, 20)
    record, search = summary(figures["b_record"]), summary(figures["b_search"])
    return {
        "edit_visible_other_replica_ms_p50": record["p50"],
        "edit_visible_other_replica_ms_p95": record["p95"],
        "edit_visible_other_replica_missed": record["missed"],
        "edit_searchable_other_replica_ms_p95": search["p95"],
    }


def run(workdir: Path, log: Callable[[str], None], result: dict) -> None:
    """Start the topology, run every check into `result` (figures so far stay there if a check fails), stop it."""
    import yaml

    from assistant.bridge.settings import BridgeSettings
    from benchmarks.scale_topology import SECOND_WARD, Topology

    with Topology(workdir, log=log) as topology:
        phase = time.monotonic()
        topology.start()
        result["startup_s"] = round(time.monotonic() - phase, 1)
        env = topology.env
        editor = topology.run_bridge_command("token", "create", "--role", "editor", "--name", "scale check").split()[-1]
        default_ward = yaml.safe_load(BridgeSettings(_env_file=None).ward_config_path.read_text(encoding="utf-8"))
        default_ward = default_ward["ward"]["code"]
        ward_token = topology.run_bridge_command(
            "token", "create", "--role", "viewer", "--ward", default_ward, "--name", "scale check ward"
        ).split()[-1]
        bridges = [s.url for s in topology.bridges]

        def timed(name: str, check: Callable[[], dict]) -> None:
            began = time.monotonic()
            result.update(check())
            result[f"{name}_s"] = round(time.monotonic() - began, 1)
            log(f"{name}: done in {result[f'{name}_s']} s")

        timed("edits", lambda: check_edits(bridges[0], bridges[1], editor))
        timed("alias", lambda: check_alias_conflict(bridges, editor))
        timed("tickets", lambda: check_tickets(topology.public_url))
        timed("call_next", lambda: check_call_next(topology.public_url, bridges, editor))
        timed("wards", lambda: check_ward_isolation(topology.public_url, ward_token, SECOND_WARD))

        def kill_serving(sender: str) -> str:
            name = serving_replica(topology.rasa_url, sender)
            service = next(s for s in topology.rasas if s.name == name)
            result["usage_before_kill"] = topology.usage()
            topology.kill(service)
            began = time.monotonic()
            while serving_replica(topology.rasa_url, sender) in (name, None) and time.monotonic() - began < 30:
                time.sleep(0.2)
            result["rasa_failover_s"] = round(time.monotonic() - began, 1)
            return name

        timed("conversation", lambda: check_conversation(topology.rasa_url, kill_serving))
        pepper = BridgeSettings(_env_file=None, demo_mode=True).dossier_pepper  # the demo pepper of BRIDGE_DEMO_MODE
        timed("lockout", lambda: check_lockout(bridges, env["BRIDGE_SERVICE_TOKEN"], pepper))
        result["usage"] = topology.usage()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-logs", action="store_true", help="keep the services' logs (always kept on failure)")
    args = parser.parse_args(argv)
    # Ctrl-C and SIGTERM unwind through `Topology.__exit__`, so every service started is stopped (SIGINT also when
    # a parent shell started this in the background with SIGINT ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="scale-check-"))

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f} s] {message}", file=sys.stderr, flush=True)

    result: dict = {}
    failed, interrupted = True, False
    try:
        run(workdir, log, result)
        failed = False
    except KeyboardInterrupt:
        interrupted, result["error"] = True, "interrupted"
    except Exception as exc:  # the verdict still prints one JSON line naming the failure
        result["error"] = f"{type(exc).__name__}: {exc}"[:3000]
    finally:
        if failed or args.keep_logs:
            log(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result["wall_s"] = round(time.monotonic() - began, 1)
    problems = verdict(result) + ([result["error"]] if "error" in result else [])
    result["ok"] = not problems
    result["problems"] = problems
    print(json.dumps(result, ensure_ascii=False))
    return 130 if interrupted else 0 if not problems else 1


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
