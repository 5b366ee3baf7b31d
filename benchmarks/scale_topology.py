"""The province topology as native processes on this machine, for scripts/scale_check.sh: a throwaway PostgreSQL
cluster (bridge database + Rasa's tracker store), a throwaway redis-server (Rasa's lock store, the bridges' shared
rate limits), HAProxy with deploy/haproxy.cfg (the file docker compose uses), 2 bridges, 2 Rasa servers (SQL tracker
store, Redis lock store: LETANSO_TRACKER_STORE=sql) and 2 action servers, each on a free 127.0.0.1 port.

    with Topology(workdir) as topology:   # everything it started is stopped on leaving, also on failure or Ctrl-C
        topology.start()                  # or start(tracker_store="memory"): each Rasa keeps its own conversations
        topology.public_url, topology.bridges[0].url, ...

The database is migrated and seeded once by the same commands the compose file's one-off `migrate` job runs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from benchmarks.stack import BASE_ENV, MODEL, RASA_PYTHON, ROOT, rasa_command, stop_group
from tests.postgres_cluster import PostgresCluster
from tests.redis_server import RedisServer
from tests.servers import free_port

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
SECOND_WARD = "dong-anh"
UNLIMITED = '{"chat": {"burst": 0, "per_minute": 1}, "search": {"burst": 0, "per_minute": 1}, ' + (
    '"tickets": {"burst": 0, "per_minute": 1}, "feedback": {"burst": 0, "per_minute": 1}}'
)
"""Every request of the check comes from 127.0.0.1 and names the default ward: the per-client and per-ward limits
would refuse the load itself."""


class TopologyError(RuntimeError):
    """A service did not start or become ready; the message names its log."""


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    url: str
    ready_path: str
    log: Path

    def tail(self, chars: int = 2500) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def usage(self) -> dict:
        """Resident memory (MB) and CPU seconds used so far by the service's whole session (a server and the worker
        processes it spawned), from /proc; None once it has gone."""
        return session_usage(self.process.pid)


def session_usage(session: int) -> dict:
    rss_kb, ticks, found = 0, 0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # after the name: state, ppid, pgrp, session, …
                continue
            status = (entry / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        found = True
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        rss_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    if not found:
        return {"rss_mb": None, "cpu_s": None}
    return {"rss_mb": round(rss_kb / 1024), "cpu_s": round(ticks / os.sysconf("SC_CLK_TCK"), 1)}


def write_second_ward(folder: Path, code: str = SECOND_WARD, name: str = "Xã Đông Anh") -> None:
    """A second ward for BRIDGE_WARDS_DIR: the sample ward's desks under another code (both have a "Q3")."""
    from assistant.bridge.settings import BridgeSettings

    data = yaml.safe_load(BridgeSettings(_env_file=None).ward_config_path.read_text(encoding="utf-8"))
    data["ward"].update(code=code, name=name, name_en=None)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{code}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def memory_endpoints(path: Path, action_url: str) -> Path:
    """The committed in-memory endpoints (assistant/endpoints.yml, which names 127.0.0.1:5055) calling `action_url`."""
    committed = (ROOT / "assistant" / "endpoints.yml").read_text(encoding="utf-8")
    default = "http://127.0.0.1:5055/webhook"
    if default not in committed:
        raise TopologyError(f"assistant/endpoints.yml no longer names {default}: update memory_endpoints")
    path.write_text(committed.replace(default, action_url), encoding="utf-8")
    return path


@dataclass
class Topology:
    workdir: Path
    log: object = print
    services: list[Service] = field(default_factory=list)
    cluster: PostgresCluster | None = None
    redis: RedisServer | None = None
    ports: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def by_name(self, prefix: str) -> list[Service]:
        return [s for s in self.services if s.name.startswith(prefix)]

    @property
    def bridges(self) -> list[Service]:
        return self.by_name("bridge")

    @property
    def rasas(self) -> list[Service]:
        return self.by_name("rasa")

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['public']}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['rasa']}"

    def start(self, replicas: int = 2, *, tracker_store: str = "sql", extra_env: dict[str, str] | None = None) -> None:
        """Start everything and wait until each service is ready. ``tracker_store``: "sql" (conversations in
        PostgreSQL, locks in Redis: any Rasa replica can continue a conversation) or "memory" (the committed
        in-memory endpoints with the balancer's action server address; the balancer's sender hash keeps each
        conversation on its replica). ``extra_env`` is added to every service's environment."""
        if tracker_store not in ("sql", "memory"):
            raise ValueError(f"tracker_store {tracker_store!r}: expected sql or memory")
        if not MODEL.is_file() or not RASA_PYTHON.exists():
            raise TopologyError(f"{MODEL} or {RASA_PYTHON} missing: run `make setup` first")
        if shutil.which("haproxy") is None:
            raise TopologyError("haproxy not found: scripts/scale_check.sh installs Debian's haproxy package as root")
        started = time.monotonic()
        self.cluster = PostgresCluster()
        self.cluster.start()
        self.redis = RedisServer()
        self.redis.start()
        import psycopg

        dsn = f"host=127.0.0.1 port={self.cluster.port} user=bridge dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE DATABASE rasa")
        self.log(f"postgresql :{self.cluster.port}, redis :{self.redis.port} after {time.monotonic() - started:.0f} s")
        for name in ("public", "internal", "rasa", "actions"):
            self.ports[name] = free_port()
        ports = {kind: [free_port() for _ in range(replicas)] for kind in ("bridge", "rasa", "actions")}
        write_second_ward(self.workdir / "wards")
        secret = secrets.token_urlsafe(24)
        self.env = {
            **os.environ,
            **BASE_ENV,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.cluster.new_database("scale"),
            "BRIDGE_WARDS_DIR": str(self.workdir / "wards"),
            "BRIDGE_DEMO_MODE": "true",
            "BRIDGE_REDIS_URL": f"redis://127.0.0.1:{self.redis.port}/2",
            "BRIDGE_RATE_LIMITS": UNLIMITED,
            "BRIDGE_WARD_RATE_LIMITS": UNLIMITED,
            "BRIDGE_LOG_LEVEL": "WARNING",
            "BRIDGE_RASA_URL": self.rasa_url,
            "BRIDGE_ACTION_SERVER_URL": f"http://127.0.0.1:{self.ports['actions']}/health",
            "LETANSO_SERVICE_TOKEN": secret,
            "BRIDGE_SERVICE_TOKEN": secret,
            "ACTIONS_SERVICE_TOKEN": secret,
            "ACTIONS_BRIDGE_URL": f"http://127.0.0.1:{self.ports['internal']}",
            "KB_TORCH_THREADS": os.environ.get("KB_TORCH_THREADS", "1"),
            "LETANSO_TRACKER_STORE": tracker_store,
            "LETANSO_ACTION_SERVER_URL": f"http://127.0.0.1:{self.ports['actions']}/webhook",
            "LETANSO_TRACKER_DB_HOST": "127.0.0.1",
            "LETANSO_TRACKER_DB_PORT": str(self.cluster.port),
            "LETANSO_TRACKER_DB_USER": "bridge",
            "LETANSO_TRACKER_DB_NAME": "rasa",
            "LETANSO_REDIS_HOST": "127.0.0.1",
            "LETANSO_REDIS_PORT": str(self.redis.port),
            **(extra_env or {}),
        }
        endpoints = None  # sql: the launcher picks assistant/endpoints-sql.yml from LETANSO_TRACKER_STORE
        if tracker_store == "memory":
            endpoints = memory_endpoints(self.workdir / "endpoints-memory.yml", self.env["LETANSO_ACTION_SERVER_URL"])
        for command in ("migrate", "seed-demo"):  # the compose file's one-off `migrate` job
            self.run_bridge_command(command)
        self._haproxy(ports)
        for n, port in enumerate(ports["rasa"], 1):  # the slowest to load: first
            self._launch(
                f"rasa{n}",
                rasa_command(port, MODEL, endpoints),
                port,
                "/webhooks/readiness/",
                cwd=self.workdir,
            )
        for n, port in enumerate(ports["actions"], 1):
            self._launch(
                f"actions{n}",
                [sys.executable, "-m", "assistant.actions", "-p", str(port)],
                port,
                "/health",
            )
        for n, port in enumerate(ports["bridge"], 1):
            data = self.workdir / f"bridge{n}"
            data.mkdir()
            self._launch(
                f"bridge{n}",
                [sys.executable, "-m", "assistant.bridge", "serve", "--host", "127.0.0.1", "--port", str(port)],
                port,
                "/ready",
                extra_env={"BRIDGE_DATA_DIR": str(data)},
            )
        for service in self.services:
            self._wait_ready(service, 420 if service.name.startswith("rasa") else 300)
            self.log(f"{service.name} ready after {time.monotonic() - started:.0f} s")
        self._wait_balanced(30)
        self.log(f"the balancer sends to every bridge and Rasa after {time.monotonic() - started:.0f} s")

    def run_bridge_command(self, *args: str) -> str:
        """`python -m assistant.bridge ARGS` against the shared database; its standard output."""
        done = subprocess.run(
            [sys.executable, "-m", "assistant.bridge", *args],
            cwd=ROOT,
            env={**self.env, "BRIDGE_DATA_DIR": str(self.workdir)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise TopologyError(f"assistant.bridge {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout

    def _haproxy(self, ports: dict[str, list[int]]) -> None:
        env = {
            **self.env,
            "LETANSO_LB_BIND": "127.0.0.1",
            "LETANSO_PUBLIC_PORT": str(self.ports["public"]),
            "LETANSO_INTERNAL_PORT": str(self.ports["internal"]),
            "LETANSO_RASA_PORT": str(self.ports["rasa"]),
            "LETANSO_ACTIONS_PORT": str(self.ports["actions"]),
        }
        for kind, kind_ports in ports.items():
            for n, port in enumerate(kind_ports, 1):
                env[f"LETANSO_{kind.upper()}_{n}"] = f"127.0.0.1:{port}"
        log = self.workdir / "haproxy.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                [shutil.which("haproxy") or "haproxy", "-db", "-f", str(HAPROXY_CONFIG)],
                cwd=self.workdir,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.services.append(Service("haproxy", process, self.public_url, "", log))
        time.sleep(0.3)
        if process.poll() is not None:
            raise TopologyError(f"haproxy exited with {process.returncode}: {log.read_text()[-2000:]}")

    def _launch(
        self,
        name: str,
        command: list[str],
        port: int,
        ready_path: str,
        *,
        cwd: Path = ROOT,
        extra_env: dict | None = None,
    ) -> None:
        log = self.workdir / f"{name}.log"
        with log.open("w") as handle:
            # a session of its own: stopping it ends it and its children, and a Ctrl-C reaches only this driver
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env={**self.env, **(extra_env or {})},
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.services.append(Service(name, process, f"http://127.0.0.1:{port}", ready_path, log))

    def _wait_ready(self, service: Service, limit_s: float) -> None:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise TopologyError(f"{service.name} exited with {service.process.returncode}:\n{service.tail()}")
            try:
                response = httpx.get(service.url + service.ready_path, timeout=5)
                if response.status_code == 200 and (
                    not service.name.startswith("rasa") or response.json().get("model_loaded")
                ):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise TopologyError(f"{service.name} not ready after {limit_s:.0f} s; log {service.log}:\n{service.tail()}")

    @property
    def postgres_pid(self) -> int | None:
        """The PostgreSQL server's main process (its backends are its children), from postmaster.pid."""
        try:
            return int((self.cluster.root / "data" / "postmaster.pid").read_text().split()[0])
        except (AttributeError, OSError, ValueError, IndexError):
            return None

    def _wait_balanced(self, limit_s: float) -> None:
        """Until the balancer has seen every bridge and Rasa replica ready (`rise 2` checks after each came up): the
        replicas answering their own address is not enough, a request through the balancer may still find none."""
        from assistant.bridge.web.dialogue import RasaRestClient

        wanted = {s.name for s in self.bridges} | {s.name for s in self.rasas}
        seen: set[str] = set()
        deadline = time.monotonic() + limit_s
        with httpx.Client(timeout=5, trust_env=False) as client:
            while time.monotonic() < deadline:
                for n in range(8):
                    try:
                        for response in (
                            client.get(self.public_url + "/health"),
                            client.get(self.rasa_url + "/", headers={RasaRestClient.ROUTING_HEADER: f"probe-{n}"}),
                        ):
                            if response.status_code == 200:
                                seen.add(response.headers.get("X-Served-By", ""))
                    except httpx.HTTPError:
                        pass
                if wanted <= seen:
                    return
                seen.clear()
                time.sleep(0.5)
        raise TopologyError(f"the balancer did not reach {sorted(wanted - seen)} within {limit_s:.0f} s")

    def usage(self) -> dict[str, dict]:
        return {service.name: service.usage() for service in self.services if service.name != "haproxy"}

    def kill(self, service: Service) -> None:
        """SIGKILL, as a crashed machine would: no goodbye to the balancer, the lock store or the database."""
        stop_group(service.process, signal.SIGKILL, 10)

    def stop(self) -> None:
        # the balancer first (no new requests), then the servers behind it
        for service in sorted(reversed(self.services), key=lambda s: s.name != "haproxy"):
            stop_group(service.process, signal.SIGTERM, 20)
        if self.redis is not None:
            self.redis.stop()
        if self.cluster is not None:
            self.cluster.stop()

    def __enter__(self) -> Topology:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()
