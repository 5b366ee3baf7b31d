"""Start the bridge as a real subprocess on a free 127.0.0.1 port and wait until it answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.servers import free_port

REPO = Path(__file__).resolve().parents[2]


def start_bridge(
    data_dir: Path, *, stderr_path: Path, extra_env: dict | None = None, timeout_s: float = 60
) -> tuple[subprocess.Popen, str]:
    """The bridge app with the fake searcher, settings from env like the real `serve` command."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_") and k != "DATABASE_URL"}
    env.update(
        {
            "BRIDGE_DATA_DIR": str(data_dir),
            "BRIDGE_RASA_URL": "http://127.0.0.1:9",
            "BRIDGE_ACTION_SERVER_URL": "http://127.0.0.1:9/health",
            "BRIDGE_HEALTH_TIMEOUT_S": "0.2",
            "BRIDGE_DEMO_MODE": "true",
            **(extra_env or {}),
        }
    )
    with open(stderr_path, "ab") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.bridge.fake_search_server", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=err,
            stderr=err,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"bridge exited with {process.returncode}: {stderr_path.read_text(errors='replace')[-2000:]}"
            )
        try:
            if httpx.get(url + "/health", timeout=1).status_code in (200, 503):
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("bridge did not start in time")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
