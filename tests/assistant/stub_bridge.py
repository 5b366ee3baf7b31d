"""A real HTTP stub of the bridge on 127.0.0.1 (stdlib http.server in a thread) serving the fake's canned data."""

from __future__ import annotations

import asyncio
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.assistant.fakes import FOUND_DOSSIER, RecordingBridge
from tests.servers import serve_in_thread


class StubBridge:
    """Serves the bridge API from a RecordingBridge; ``overrides[path] = (status, body)`` forces answers."""

    def __init__(self) -> None:
        self.fake = RecordingBridge()
        self.fake.dossiers[("000.00.20.H26-250801-0001", "1234")] = FOUND_DOSSIER
        self.overrides: dict[str, tuple[int, dict[str, Any]]] = {}
        self.requests: list[tuple[str, str]] = []
        self.headers: list[dict[str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._handle("GET", None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._handle("POST", json.loads(self.rfile.read(length) or b"{}"))

            def _handle(self, method: str, body: dict[str, Any] | None) -> None:
                url = urlparse(self.path)
                stub.requests.append((method, url.path))
                stub.headers.append(dict(self.headers))
                if url.path in stub.overrides:
                    self._send(*stub.overrides[url.path])
                    return
                status, payload = asyncio.run(stub._answer(method, url.path, parse_qs(url.query), body))
                self._send(status, payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    async def _answer(self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any] | None):
        fake = self.fake
        if path == "/api/procedures/search":
            return 200, await fake.search(query["q"][0], int(query.get("k", ["3"])[0]))
        if path == "/api/turn":
            return 200, await fake.turn(
                query["text"][0],
                current=(query.get("current") or [None])[0],
                options=query.get("options") or [],
                language=query.get("language", ["vi"])[0],
            )
        if path.startswith("/api/procedures/"):
            record = await fake.get_procedure(path.rsplit("/", 1)[1])
            return (200, record) if record else (404, {"error": "not_found", "message": "x"})
        if path == "/api/desks/route":
            route = await fake.route_desk(query["code"][0])
            return (200, route) if route else (404, {"error": "unknown_procedure", "message": "x"})
        if path == "/api/desks":
            return 200, await fake.list_desks()
        if path == "/api/tickets" and method == "POST":
            return 201, await fake.issue_ticket(
                procedure_code=body.get("procedure_code"), desk=body.get("desk"), priority=body.get("priority", "none")
            )
        if path == "/api/dossiers/lookup" and method == "POST":
            result = await fake.lookup_dossier(body["code"], body["id_last4"], self.headers[-1].get("X-Client-Id"))
            if result.outcome == "found":
                return 200, result.record
            return 404, {"error": "not_found", "message": "Không tìm thấy / Not found"}
        return 404, {"error": "not_found", "message": "x"}

    def __enter__(self) -> "StubBridge":
        serve_in_thread(self.server)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
