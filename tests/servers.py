"""Real servers for tests: a free 127.0.0.1 port, an ASGI app run under uvicorn in a background thread, and
stopping a server subprocess."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from typing import Iterator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(app, port: int | None = None) -> Iterator[str]:
    """Run `app` under uvicorn in a background thread; yields its base URL and stops it afterwards.
    As `python -m assistant.bridge serve` does, uvicorn leaves X-Forwarded-For to the app (ForwardedFor)."""
    import uvicorn  # not at import time: tests/rasa (.venv-rasa, no uvicorn) use free_port and stop_process

    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="auto", proxy_headers=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    """Terminate a server subprocess; kill it if it has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def serve_in_thread(server) -> threading.Thread:
    """Start a socketserver's ``serve_forever`` in a daemon thread. It checks for ``shutdown()`` every 20 ms
    instead of the default 0.5 s, so stopping a stub does not add half a second to each test."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    return thread
