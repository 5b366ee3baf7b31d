"""The province dialogue benchmark's pure parts: CPU of a process tree (reaped children included), one store's
figures from played turns, the side-by-side table, and the in-memory endpoints file the topology gives Rasa."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from benchmarks.bench_province_dialogue import SERVICES, figures, side_by_side, tree_ticks
from benchmarks.scale_topology import memory_endpoints

BURN = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
BURN_THEN_WAIT = f"""
import subprocess, sys, time
subprocess.run([sys.executable, "-c", {BURN!r}])
print("reaped", flush=True)
time.sleep(30)
"""


def test_tree_ticks_count_the_cpu_of_a_child_that_has_ended():
    parent = subprocess.Popen([sys.executable, "-c", BURN_THEN_WAIT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "reaped"
        ticks = tree_ticks([parent.pid])
        assert ticks * 1000 / os.sysconf("SC_CLK_TCK") >= 450  # the child's 0.5 s, counted after it was reaped
    finally:
        parent.kill()
        parent.wait()
    assert tree_ticks([parent.pid]) == 0  # gone: nothing


def turn(scenario: str, passed: bool, ms: float, error: str | None = None) -> dict:
    return {"scenario": scenario, "category": "ticket", "passed": passed, "checks": {}, "ms": ms, "error": error}


def test_figures_divide_each_service_s_cpu_by_the_turns_played():
    turns = [turn("a", True, 100.0), turn("a", True, 300.0), turn("b", False, 200.0), turn("c", False, 0.0, "HTTP 502")]
    hz = os.sysconf("SC_CLK_TCK")
    result = figures(turns, {"rasa": 2 * hz, "bridge": hz}, wall_s=2.0, machine=(100, 200))
    assert (result["turns"], result["errors"], result["error_kinds"]) == (4, 1, {"HTTP 502": 1})
    assert result["turn_pass"] == 0.5 and result["scenario_pass"] == 1 / 3
    assert (result["p50_ms"], result["p95_ms"]) == (200, 300)  # the failed request has no latency
    assert result["cpu_ms_per_turn"] == {"rasa": 500.0, "bridge": 250.0, "total": 750.0}
    assert result["turns_per_s"] == 2.0


def test_the_table_has_a_column_per_store_and_a_row_per_service():
    hz = os.sysconf("SC_CLK_TCK")
    one = figures([turn("a", True, 120.0)], {name: hz for name in SERVICES}, wall_s=1.0, machine=(1, 2))
    other = {**one, "p95_ms": 987}
    table = side_by_side({"memory": one, "sql": other}).splitlines()
    assert table[0].split() == ["memory", "sql"]
    assert any(line.startswith("p95 ms") and line.split()[-2:] == ["120", "987"] for line in table)
    for name in (*SERVICES, "total"):
        assert any(line.startswith(f"CPU ms/turn {name} ") for line in table)


def test_memory_endpoints_keep_the_committed_stores_and_call_the_given_action_server(tmp_path):
    path = memory_endpoints(tmp_path / "endpoints.yml", "http://127.0.0.1:4321/webhook")
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written["action_endpoint"]["url"] == "http://127.0.0.1:4321/webhook"
    assert written["tracker_store"]["type"] == "assistant.components.tracker_store.RedactingTrackerStore"
