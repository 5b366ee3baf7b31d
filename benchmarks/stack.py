"""A fresh, private copy of the whole assistant for a benchmark: bridge + action server + Rasa on free 127.0.0.1
ports with a new temporary SQLite database (migrated, demo dossiers seeded), so it never collides with a running
`make run` (8000/5005/5055) nor inherits its queue tickets.

    with Stack.start() as stack:          # waits until every service is ready
        post(stack.bridge_url + "/api/chat", ...)

Each service is started the way scripts/run.sh starts it (same environment as scripts/lib.sh). Logs go to a
temporary folder, printed with their last lines when a service fails to start or dies; the folder is removed
after a clean stop unless ``keep_logs``. The Rasa command is built in one place, ``rasa_command``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MODEL = ROOT / "models" / "rasa" / "assistant.tar.gz"
BASE_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "SANIC_HOST": "127.0.0.1",
}
LOG_TAIL_CHARS = 3000


class StackError(RuntimeError):
    """A service could not be prepared or did not become ready; the message names its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rasa_command(port: int, model: Path, endpoints: Path | None = None) -> list[str]:
    """How Rasa is launched (kept in this one place; scripts/run.sh is the reference). Without ``endpoints`` the
    launcher picks the endpoints file from LETANSO_TRACKER_STORE."""
    return [
        str(RASA_PYTHON),
        "-m",
        "assistant.rasa_launcher",
        "run",
        "-i",
        "127.0.0.1",
        "-p",
        str(port),
        "--model",
        str(model),
        *(["--endpoints", str(endpoints)] if endpoints is not None else []),
        "--credentials",
        str(ROOT / "assistant" / "credentials.yml"),
    ]


@dataclass
class Service:
    """One started process, its readiness URL and its log."""

    name: str
    process: subprocess.Popen
    ready_url: str
    log: Path

    def tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:]
        except OSError:
            return "(no log)"


@dataclass
class Stack:
    """A running private stack. Build it with ``Stack.start()``; ``stop()`` (or leaving ``with``) ends it."""

    workdir: Path
    bridge_port: int
    actions_port: int
    rasa_port: int
    keep_logs: bool = False
    services: list[Service] = field(default_factory=list)

    @property
    def bridge_url(self) -> str:
        return f"http://127.0.0.1:{self.bridge_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.workdir / 'bridge.sqlite3'}"

    @classmethod
    def start(
        cls,
        *,
        model: Path = MODEL,
        python: str = sys.executable,
        keep_logs: bool = False,
        bridge_timeout: float = 300,
        actions_timeout: float = 120,
        rasa_timeout: float = 400,
        extra_env: dict[str, str] | None = None,
        log=print,
    ) -> Stack:
        """Prepare the database, start the three services and wait until each answers; StackError otherwise."""
        if not Path(model).is_file():
            raise StackError(f"{model}: no trained Rasa model (run `make setup` or `rasa train`)")
        if not RASA_PYTHON.exists():
            raise StackError(f"{RASA_PYTHON}: Rasa environment missing (run `make setup`)")
        stack = cls(
            Path(tempfile.mkdtemp(prefix="letanso-stack-")), free_port(), free_port(), free_port(), keep_logs=keep_logs
        )
        token = secrets.token_urlsafe(24)
        env = {
            **os.environ,
            **BASE_ENV,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": stack.database_url,
            "BRIDGE_DATA_DIR": str(stack.workdir),
            "BRIDGE_RASA_URL": stack.rasa_url,
            "BRIDGE_DEMO_MODE": "true",  # seeded demo dossiers, public demo pepper
            # The action server proves itself to the bridge with this stack's own service secret.
            "BRIDGE_SERVICE_TOKEN": token,
            "ACTIONS_SERVICE_TOKEN": token,
            # Every benchmark sender comes from 127.0.0.1: the per-address chat limit would throttle them all.
            "BRIDGE_RATE_LIMITS": '{"chat": {"burst": 0, "per_minute": 1}}',
            # and all of them name the default ward: its shared allowance is off too.
            "BRIDGE_WARD_RATE_LIMITS": '{"chat": {"burst": 0, "per_minute": 1}}',
            # For the same reason every wrong dossier digit of every scenario counts against one client, and
            # scenarios share the demo dossiers: the lockout would refuse later scenarios' right answers. The
            # lockout is measured by its own tests and benchmarks/bench_privacy.py, not here.
            "BRIDGE_LOOKUP_MAX_FAILURES": "1000",
            "BRIDGE_LOOKUP_CLIENT_MAX_FAILURES": "1000",
            "BRIDGE_ACTION_SERVER_URL": f"{stack.actions_url}/health",
            "ACTIONS_BRIDGE_URL": stack.bridge_url,
            "KB_TORCH_THREADS": os.environ.get("KB_TORCH_THREADS", "1"),
            **(extra_env or {}),
        }
        endpoints = stack.workdir / "endpoints.yml"
        # The committed endpoints (tracker store included) with this stack's action server port.
        committed = (ROOT / "assistant" / "endpoints.yml").read_text(encoding="utf-8")
        endpoints.write_text(
            committed.replace("http://127.0.0.1:5055/webhook", f"{stack.actions_url}/webhook"), encoding="utf-8"
        )
        log(
            f"stack: starting in {stack.workdir} (bridge :{stack.bridge_port}, actions :{stack.actions_port}, "
            f"rasa :{stack.rasa_port})"
        )
        try:
            stack._prepare_database(python, env)
            stack._launch(
                "bridge",
                [python, "-m", "assistant.bridge", "serve", "--host", "127.0.0.1", "--port", str(stack.bridge_port)],
                ROOT,
                env,
                f"{stack.bridge_url}/health",
            )
            stack._launch(
                "actions",
                [python, "-m", "assistant.actions", "-p", str(stack.actions_port)],
                ROOT,
                env,
                f"{stack.actions_url}/health",
            )
            # Rasa runs in the scratch folder (it writes there); PYTHONPATH lets it import assistant.components.
            stack._launch(
                "rasa",
                rasa_command(stack.rasa_port, Path(model), endpoints),
                stack.workdir,
                env,
                f"{stack.rasa_url}/webhooks/readiness/",
            )
            timeouts = {"bridge": bridge_timeout, "actions": actions_timeout, "rasa": rasa_timeout}
            started = time.monotonic()
            for service in stack.services:
                stack._wait_ready(service, timeouts[service.name])
                log(f"stack: {service.name} ready after {time.monotonic() - started:.0f} s")
        except BaseException:
            stack.keep_logs = True
            stack.stop()
            raise
        return stack

    def _prepare_database(self, python: str, env: dict[str, str]) -> None:
        for command in ("migrate", "seed-demo"):
            out = self.workdir / f"{command}.log"
            with out.open("w", encoding="utf-8") as handle:
                done = subprocess.run(
                    [python, "-m", "assistant.bridge", command],
                    cwd=ROOT,
                    env=env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    timeout=300,
                )
            if done.returncode != 0:
                raise StackError(
                    f"`assistant.bridge {command}` failed (exit {done.returncode}); see {out}:\n"
                    f"{out.read_text(encoding='utf-8', errors='replace')[-LOG_TAIL_CHARS:]}"
                )

    def _launch(self, name: str, command: list[str], cwd: Path, env: dict[str, str], ready_url: str) -> None:
        log_path = self.workdir / f"{name}.log"
        with log_path.open("w", encoding="utf-8") as handle:
            # A session of its own: stopping the stack ends the service and any child it spawned, nothing else.
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.services.append(Service(name, process, ready_url, log_path))

    def _wait_ready(self, service: Service, limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                raise StackError(
                    f"{service.name} exited with code {service.process.returncode}; log "
                    f"{service.log}:\n{service.tail()}"
                )
            try:
                with urllib.request.urlopen(service.ready_url, timeout=5) as response:
                    body = response.read()
                    if service.name != "rasa" or b'"model_loaded":true' in body:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise StackError(
            f"{service.name} not ready after {limit:.0f} s at {service.ready_url}; log {service.log}:\n{service.tail()}"
        )

    def check_alive(self) -> None:
        """StackError naming the first service that has died (with its log tail)."""
        for service in self.services:
            if service.process.poll() is not None:
                raise StackError(
                    f"{service.name} stopped (exit {service.process.returncode}); log {service.log}:\n{service.tail()}"
                )

    def stop(self, timeout: float = 20) -> None:
        """Stop the services (Rasa first), then remove the scratch folder unless logs are kept."""
        for service in reversed(self.services):
            stop_group(service.process, signal.SIGTERM, timeout)
        self.services.clear()
        if self.keep_logs:
            print(f"stack: logs kept in {self.workdir}", file=sys.stderr)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and not isinstance(exc, KeyboardInterrupt):
            self.keep_logs = True
        self.stop()


def stop_group(process: subprocess.Popen, sig: int, timeout: float) -> None:
    """Signal the process's own session (started with start_new_session) with `sig`; SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    for current, wait in ((sig, timeout), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, current)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
