"""Two real Rasa servers sharing a PostgreSQL tracker store and a Redis lock store (LETANSO_TRACKER_STORE=sql, the
launcher's endpoints-sql.yml): a dossier form started on the first continues on the second after the first is
killed; the shared database holds no ID digits.

Slow (two Rasa servers load side by side); needs PostgreSQL's server binaries and redis-server (skipped without
them unless BRIDGE_REQUIRE_POSTGRES / BRIDGE_REQUIRE_REDIS or CI is set).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from benchmarks.rasa_failover import CODE, dossier_form_survives
from benchmarks.stack import MODEL, RASA_PYTHON, rasa_command
from tests.assistant.rasa_stack import wait_ready
from tests.assistant.stub_bridge import StubBridge
from tests.assistant.test_action_server import ROOT
from tests.bridge.conftest import REQUIRE_POSTGRES
from tests.redis_server import redis_or_skip
from tests.servers import free_port, stop_process

pytestmark = [
    pytest.mark.rasa,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not MODEL.exists() or not RASA_PYTHON.exists(), reason="Rasa model not trained (make setup)"),
]


def _cluster():
    from tests.postgres_cluster import ClusterUnavailable, PostgresCluster

    try:
        return PostgresCluster()
    except ClusterUnavailable as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"BRIDGE_REQUIRE_POSTGRES is set: {exc}", pytrace=False)
        pytest.skip(str(exc))


def _rasa(port: int, env: dict, log) -> subprocess.Popen:
    # no endpoints file: the launcher picks endpoints-sql.yml from LETANSO_TRACKER_STORE
    return subprocess.Popen(
        rasa_command(port, MODEL),
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def test_a_dossier_form_continues_on_another_rasa_after_the_first_is_killed(tmp_path):
    import psycopg

    redis = redis_or_skip()
    with _cluster() as cluster, redis, StubBridge() as bridge:
        with psycopg.connect(
            f"host=127.0.0.1 port={cluster.port} user=bridge dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE rasa")
        actions_port, ports = free_port(), (free_port(), free_port())
        env = {
            **os.environ,
            "SANIC_HOST": "127.0.0.1",
            "ACTIONS_BRIDGE_URL": bridge.url,
            "ACTIONS_SERVICE_TOKEN": "replica-test-secret",
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": str(ROOT),
            "LETANSO_TRACKER_STORE": "sql",
            "LETANSO_ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
            "LETANSO_TRACKER_DB_PORT": str(cluster.port),
            "LETANSO_TRACKER_DB_USER": "bridge",
            "LETANSO_TRACKER_DB_NAME": "rasa",
            "LETANSO_REDIS_PORT": str(redis.port),
        }
        actions_log = tmp_path / "actions.log"
        logs = (tmp_path / "rasa-a.log", tmp_path / "rasa-b.log")
        actions = subprocess.Popen(
            [sys.executable, "-m", "assistant.actions", "-p", str(actions_port)],
            cwd=ROOT,
            env=env,
            stdout=actions_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        first, second = (_rasa(port, env, log) for port, log in zip(ports, logs))
        try:
            wait_ready(f"http://127.0.0.1:{actions_port}/health", actions, actions_log, 120)
            for process, port, log in zip((first, second), ports, logs):
                wait_ready(f"http://127.0.0.1:{port}/webhooks/readiness/", process, log, 400)
            assert "LETANSO_TRACKER_STORE=sql" in logs[0].read_text()

            def kill_first() -> None:
                first.kill()
                first.wait(timeout=30)

            result = dossier_form_survives(f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", kill_first)
            assert result.survived, result.replies
            assert first.poll() is not None
            assert bridge.fake.called("lookup_dossier")[-1]["code"] == CODE

            with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=bridge dbname=rasa") as conn:
                rows = [row[0] for row in conn.execute("SELECT data FROM events WHERE sender_id = 'failover-1'")]
            assert len(rows) > 10
            # the digits the citizen typed are not kept (as a number of their own: a confidence 0.99...1234... is not)
            leaks = [row for row in rows if re.search(r"(?<![\d.])1234(?!\d)", row)]
            assert not leaks, leaks
        finally:
            for process in (first, second, actions):
                stop_process(process)
