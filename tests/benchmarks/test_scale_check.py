"""The scale check's pure parts: the verdict on its figures, and the balancer configuration that the native check and
docker compose share (every address it names is given by the compose file; HAProxy itself accepts it)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from benchmarks.scale_check import verdict
from benchmarks.scale_topology import HAPROXY_CONFIG, ROOT

COMPOSE = ROOT / "deploy" / "docker-compose.yml"

PASSING = {
    "edit_visible_other_replica_ms_p95": 290.0,
    "edit_visible_other_replica_missed": 0,
    "tickets_issued": 800,
    "tickets_distinct": 800,
    "ticket_errors": 0,
    "call_next_waiting": 200,
    "call_next_calls": 200,
    "call_next_distinct": 200,
    "lockout_source_hits": 5,
    "conversation_survives_rasa_kill": True,
    "ward_isolation_ok": True,
    "alias_conflict_ok": True,
}


def test_a_result_meeting_every_bar_has_no_problems():
    assert verdict(PASSING) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"edit_visible_other_replica_ms_p95": 1000.1}, "edits visible"),
        ({"edit_visible_other_replica_missed": 1}, "edits visible"),
        ({"edit_visible_other_replica_ms_p95": None}, "edits visible"),
        ({"tickets_distinct": 799}, "tickets"),
        ({"tickets_issued": 799, "tickets_distinct": 799}, "tickets"),  # one lost: not all 800 issued
        ({"ticket_errors": 1}, "tickets"),
        ({"call_next_calls": 201}, "call next"),  # a ticket called twice
        ({"call_next_calls": 199, "call_next_distinct": 199}, "call next"),  # one never called
        ({"call_next_calls": 0, "call_next_distinct": 0}, "call next"),
        ({"lockout_source_hits": 6}, "lockout"),
        ({"conversation_survives_rasa_kill": False}, "conversation_survives_rasa_kill"),
        ({"ward_isolation_ok": None}, "ward_isolation_ok"),
        ({"alias_conflict_ok": False}, "alias_conflict_ok"),
    ],
)
def test_each_missed_bar_is_named(change, named):
    problems = verdict({**PASSING, **change})
    assert len(problems) == 1 and named in problems[0]


def test_a_run_that_failed_before_measuring_fails_every_bar():
    assert len(verdict({"error": "TopologyError: rasa1 exited"})) == 7


def _variables(text: str) -> set[str]:
    """The environment variables the configuration expands (comments aside)."""
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return {name for line in lines for name in re.findall(r"\$\{(\w+)\}", line)}


def test_compose_gives_the_balancer_every_address_its_configuration_names():
    config = HAPROXY_CONFIG.read_text(encoding="utf-8")
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    given = compose["services"]["haproxy"]["environment"]
    assert _variables(config) == set(given)
    # every replica the balancer sends to is a compose service listening on that port
    for name, value in given.items():
        if re.fullmatch(r"LETANSO_(BRIDGE|RASA|ACTIONS)_\d+", name):
            service, port = value.split(":")
            assert service in compose["services"], value
            assert port in " ".join(compose["services"][service]["command"]), value
    # the bridges, Rasa and the action servers reach each other through the balancer's internal ports
    bridge_env = compose["services"]["bridge-1"]["environment"]
    assert bridge_env["BRIDGE_RASA_URL"].endswith(f":{given['LETANSO_RASA_PORT']}")
    assert compose["services"]["actions-1"]["environment"]["ACTIONS_BRIDGE_URL"].endswith(
        f":{given['LETANSO_INTERNAL_PORT']}"
    )
    assert compose["services"]["rasa-1"]["environment"]["LETANSO_ACTION_SERVER_URL"].startswith(
        f"http://haproxy:{given['LETANSO_ACTIONS_PORT']}/"
    )


@pytest.mark.skipif(shutil.which("haproxy") is None and not shutil.which("/usr/sbin/haproxy"), reason="no haproxy")
def test_haproxy_accepts_the_shared_configuration_with_the_native_addresses(tmp_path):
    env = {name: f"127.0.0.1:{n}" for n, name in enumerate(sorted(_variables(HAPROXY_CONFIG.read_text())), 20000)}
    env |= {"LETANSO_LB_BIND": "127.0.0.1"}
    env |= {name: str(20100 + n) for n, name in enumerate(sorted(k for k in env if k.endswith("_PORT")))}
    done = subprocess.run(
        [shutil.which("haproxy") or "/usr/sbin/haproxy", "-c", "-f", str(HAPROXY_CONFIG)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
