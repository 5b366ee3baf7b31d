"""The health probes' one shared HTTP client: a service that restarts on its port is seen again at once."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant.bridge.routers import health
from tests.servers import serve_in_thread


class Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # would keep connections alive if the client let it

    def do_GET(self):  # noqa: N802 (http.server API)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def _serve(port: int = 0) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), Ok)
    server.allow_reuse_address = True
    serve_in_thread(server)
    return server


def test_probes_share_one_client_and_see_a_restarted_service():
    server = _serve()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/health"
    assert health._reachable(url, 2) is True
    client = health._probe_client()
    server.shutdown()
    server.server_close()
    assert health._reachable(url, 1) is False  # nothing listening: not reachable, no exception
    again = _serve(port)
    try:
        assert health._reachable(url, 2) is True  # no stale kept-alive connection to the old process
        assert health._probe_client() is client
    finally:
        again.shutdown()
        again.server_close()
