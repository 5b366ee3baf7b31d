"""Staff bodies are refused before they are read: token first, then Content-Length, then the streamed count."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.bridge.body_guard import BodyGuard, LargeBody
from tests.bridge.process_support import start_bridge, stop

MB = 1024 * 1024


@dataclass(frozen=True)
class FakeIdentity:
    role: str

    def may(self, role: str) -> bool:
        order = ("viewer", "editor", "admin")
        return order.index(self.role) >= order.index(role)


class FakeApp:
    """Reads the whole body (as a route does) and answers 200 with its length."""

    def __init__(self):
        self.called = False

    async def __call__(self, scope, receive, send):
        self.called = True
        size, more = 0, True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps({"size": size}).encode()})


def run_guard(
    path: str,
    *,
    chunks: list[bytes],
    headers: dict[str, str] | None = None,
    tokens: dict | None = None,
    method: str = "POST",
) -> tuple[int, dict, int, FakeApp]:
    """Send one request through BodyGuard; returns (status, JSON body, body chunks the client had to give, app)."""
    app = FakeApp()

    async def identify(_app, token):
        return (tokens or {}).get(token)

    guard = BodyGuard(
        app, max_bytes=1000, large_paths={"/api/staff/import": LargeBody(10_000, role="admin")}, identify=identify
    )
    pending = list(chunks)
    pulled, sent = [0], []

    async def receive():
        if not pending:
            return {"type": "http.disconnect"}
        pulled[0] += 1
        body = pending.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message):
        sent.append(message)

    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": method, "path": path, "headers": raw_headers, "app": object()}
    asyncio.run(guard(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
    return status, body, pulled[0], app


def test_unauthenticated_staff_body_is_refused_without_reading_it():
    status, body, pulled, app = run_guard(
        "/api/staff/import", chunks=[b"x" * 5000] * 3, headers={"Content-Length": "15000"}
    )
    assert (status, body["error"], pulled, app.called) == (401, "unauthorized", 0, False)
    status, _, pulled, _ = run_guard(
        "/api/tickets/call-next", chunks=[b"{}"], headers={"Authorization": "Bearer wrong"}
    )
    assert (status, pulled) == (401, 0)


def test_declared_length_over_the_limit_is_refused_before_reading():
    tokens = {"v": FakeIdentity("viewer"), "a": FakeIdentity("admin")}
    # A viewer does not get the import path's larger limit.
    status, body, pulled, _ = run_guard(
        "/api/staff/import",
        chunks=[b"x" * 2000],
        tokens=tokens,
        headers={"Authorization": "Bearer v", "Content-Length": "2000"},
    )
    assert (status, body["error"], body["limit_bytes"], pulled) == (413, "body_too_large", 1000, 0)
    status, body, pulled, _ = run_guard(
        "/api/staff/import",
        chunks=[b"x" * 20_000],
        tokens=tokens,
        headers={"Authorization": "Bearer a", "Content-Length": "20000"},
    )
    assert (status, body["limit_bytes"], pulled) == (413, 10_000, 0)
    status, body, _, _ = run_guard(
        "/api/staff/import",
        chunks=[b"x" * 2000],
        tokens=tokens,
        headers={"Authorization": "Bearer a", "Content-Length": "2000"},
    )
    assert (status, body) == (200, {"size": 2000})


def test_large_limit_is_for_the_exact_path_only():
    tokens = {"a": FakeIdentity("admin")}
    status, body, _, _ = run_guard(
        "/api/staff/import/extra",
        chunks=[b"x" * 2000],
        tokens=tokens,
        headers={"Authorization": "Bearer a", "Content-Length": "2000"},
    )
    assert (status, body["limit_bytes"]) == (413, 1000)


def test_streamed_body_without_length_is_cut_off_at_the_limit():
    status, body, pulled, app = run_guard("/api/feedback", chunks=[b"x" * 400] * 50)
    assert (status, body["error"], app.called) == (413, "body_too_large", True)
    assert pulled == 3  # 1,200 bytes > 1,000: the rest of the body is never asked for
    status, body, _, _ = run_guard("/api/feedback", chunks=[b"x" * 400] * 2)
    assert (status, body) == (200, {"size": 800})


def test_public_paths_need_no_token_and_staff_reads_are_left_to_the_route():
    assert run_guard("/api/staff/audit", chunks=[b""], method="GET")[0] == 200
    assert run_guard("/api/tickets", chunks=[b"{}"])[0] == 200


def test_real_app_refuses_unauthenticated_import_and_keeps_admin_import(client, staff_headers):
    upload = {"file": ("catalogue.jsonl", b"{}\n" * 100_000, "application/x-ndjson")}
    response = client.post("/api/staff/import", files=upload)
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    response = client.post("/api/staff/import", files=upload, headers=staff_headers["editor"])
    assert response.status_code == 413 and response.json()["limit_bytes"] == 64 * 1024
    response = client.post(
        "/api/staff/import",
        headers=staff_headers["admin"],
        files={"file": ("catalogue.jsonl", b"{}\n" * 100_000, "application/x-ndjson")},
    )
    assert response.status_code == 200 and response.json()["error_count"] == 100_000


def test_streamed_json_body_over_the_limit_gets_the_same_413(client):
    def chunks():
        for _ in range(100):
            yield b" " * 1024

    response = client.post("/api/feedback", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "body_too_large"


def _peak_rss_kb(pid: int) -> int:
    """The process's peak resident set (VmHWM): a body buffered and freed again still shows here."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def _upload(url: str, path: str, size: int, *, declare_length: bool) -> str:
    """Send `size` bytes to `path` over a raw socket; returns the status line, or how the connection ended."""
    host, port = url.removeprefix("http://").split(":")
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\n"
    head += f"Content-Length: {size}\r\n" if declare_length else "Transfer-Encoding: chunked\r\n"
    chunk = b"x" * (256 * 1024)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall((head + "\r\n").encode())
        try:
            for _ in range(size // len(chunk)):
                sock.sendall(chunk if declare_length else b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if not declare_length:
                sock.sendall(b"0\r\n\r\n")
            return sock.recv(200).split(b"\r\n", 1)[0].decode()
        except (BrokenPipeError, ConnectionResetError) as exc:
            return type(exc).__name__


@pytest.mark.slow
def test_unauthenticated_100_mb_uploads_do_not_raise_the_bridge_peak_rss(tmp_path):
    process, url = start_bridge(tmp_path, stderr_path=tmp_path / "bridge.err")
    try:
        _upload(url, "/api/staff/import", 64 * 1024, declare_length=True)  # warm the code path first
        before = _peak_rss_kb(process.pid)
        endings = [_upload(url, "/api/staff/import", 100 * MB, declare_length=declared) for declared in (True, False)]
        endings += [_upload(url, "/api/staff/procedures", 100 * MB, declare_length=False)]
        after = _peak_rss_kb(process.pid)
    finally:
        stop(process)
    print(f"bridge peak RSS {before / 1024:.1f} MB → {after / 1024:.1f} MB after 3 × 100 MB; answers {endings}")
    assert all("401" in ending or ending in ("BrokenPipeError", "ConnectionResetError") for ending in endings), endings
    assert after - before <= 20 * 1024
