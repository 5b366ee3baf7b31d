"""A throwaway Redis server for tests: Debian's `redis-server` on a free 127.0.0.1 port, no persistence, its
folder deleted afterwards. `scripts/setup.sh --for-tests` installs the package when missing (as root).

Tests about Redis skip without the binary, except when BRIDGE_REQUIRE_REDIS=1 (set by .ci/run) or CI=true:
then they fail, so CI never silently leaves them out (`redis_or_skip`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.servers import free_port, stop_process

MISSING = (
    "redis-server not found: install Debian's redis-server package (`apt-get install redis-server`; "
    "scripts/setup.sh --for-tests does it as root)"
)
REQUIRE_REDIS = any(os.environ.get(name, "").lower() in ("1", "true", "yes") for name in ("BRIDGE_REQUIRE_REDIS", "CI"))


class RedisUnavailable(RuntimeError):
    """No redis-server binary on this machine."""


class RedisServer:
    """`with RedisServer() as redis:` → `redis.url`, `redis.port`; stopped and deleted afterwards."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server") or (
            "/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None
        )
        if self.binary is None:
            raise RedisUnavailable(MISSING)
        self.root = Path(tempfile.mkdtemp(prefix="test-redis-"))
        self.port = 0
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.port = free_port()
        self._process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
                "--protected-mode",
                "yes",
            ],
            stdout=(self.root / "redis.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        import socket

        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {(self.root / 'redis.log').read_text()[-1000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc) -> None:
        self.stop()


def redis_or_skip() -> RedisServer:
    """A not yet started RedisServer; skips the test without the binary (fails instead when Redis is required)."""
    import pytest

    try:
        return RedisServer()
    except RedisUnavailable as exc:
        if REQUIRE_REDIS:
            pytest.fail(f"BRIDGE_REQUIRE_REDIS is set: {exc}", pytrace=False)
        pytest.skip(str(exc))
