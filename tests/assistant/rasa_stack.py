"""The real action server and the trained Rasa model as processes on free ports, for the tests that talk to both
(test_dialogue_stack.py, test_rasa_api_closed.py). The bridge is the caller's (a stub); Rasa is launched as
benchmarks/stack.py launches it, with the committed endpoints (tracker store), credentials and channels."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.stack import BASE_ENV, MODEL, RASA_PYTHON, ROOT, rasa_command
from tests.servers import free_port, stop_process

needs_trained_rasa = pytest.mark.skipif(
    not MODEL.exists() or not RASA_PYTHON.exists(), reason="Rasa model not trained (make setup)"
)


@dataclass(frozen=True)
class RasaStack:
    url: str
    """Rasa's base URL."""
    log: Path
    """Rasa's output (the tests read which tracker store it loaded)."""


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, limit: float = 300) -> None:
    """Until `url` answers (Rasa's readiness: with its model loaded); RuntimeError with the log's tail otherwise."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if b'"model_loaded":true' in response.read() or url.endswith("/health"):
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {limit} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def actions_and_rasa(workdir: Path, *, bridge_url: str, extra_env: dict[str, str] | None = None) -> Iterator[RasaStack]:
    """Start the action server (asking `bridge_url`) and Rasa, wait until both answer, stop both afterwards."""
    actions_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    committed = (ROOT / "assistant" / "endpoints.yml").read_text(encoding="utf-8")
    endpoints.write_text(committed.replace("http://127.0.0.1:5055/webhook", f"http://127.0.0.1:{actions_port}/webhook"))
    assert f":{actions_port}/" in endpoints.read_text(), "the committed endpoints no longer name the action server"
    # PYTHONPATH: Rasa runs in the scratch directory and must import this checkout's assistant.components.
    env = {**os.environ, **BASE_ENV, "ACTIONS_BRIDGE_URL": bridge_url, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
    with actions_log.open("w") as out:
        actions = subprocess.Popen(
            [sys.executable, "-m", "assistant.actions", "-p", str(actions_port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    with rasa_log.open("w") as out:
        rasa = subprocess.Popen(
            rasa_command(rasa_port, MODEL, endpoints), cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_ready(f"http://127.0.0.1:{actions_port}/health", actions, actions_log, 120)
        wait_ready(f"http://127.0.0.1:{rasa_port}/webhooks/readiness/", rasa, rasa_log, 400)
        yield RasaStack(f"http://127.0.0.1:{rasa_port}", rasa_log)
    finally:
        stop_process(rasa)
        stop_process(actions)
