"""HttpDossierSource against a real stub provincial server on 127.0.0.1: timeout, 5xx, breaker, cache."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.bridge.dossiers.http_source import CircuitBreaker, HttpDossierSource
from assistant.bridge.dossiers.sources import SourceUnavailable
from tests.bridge.fakes import MonotonicClock
from tests.servers import serve_in_thread

CODE = "000.00.20.H26-250801-0042"
RECORD = {
    "code": CODE,
    "status_code": 9,
    "procedure_code": "1.001193",
    "procedure_name": "Thủ tục đăng ký khai sinh",
    "received_at": "2025-08-01",
    "due_at": "2025-08-06",
    "pickup_desk_id": "Q1",
}


class StubProvince:
    """A provincial one-stop stub: mode 'ok', 'slow' (sleeps past the timeout), 'error' (HTTP 500) or 'garbage'."""

    def __init__(self):
        self.mode = "ok"
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append({"path": self.path, "body": body})
                if stub.mode == "slow":
                    time.sleep(1.0)
                if stub.mode == "error":
                    return self._send(500, b'{"error": "boom"}')
                if stub.mode == "garbage":
                    return self._send(200, b"<html>maintenance</html>")
                if body.get("code") == CODE and body.get("id_last4") == "1234":
                    return self._send(200, json.dumps(RECORD).encode())
                return self._send(404, b'{"error": "not_found"}')

            def _send(self, status, payload):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        serve_in_thread(self.server)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def province():
    stub = StubProvince()
    yield stub
    stub.close()


@pytest.fixture
def clock():
    return MonotonicClock()


@pytest.fixture
def source(province, clock):
    breaker = CircuitBreaker(failure_threshold=2, reset_after_s=30, clock=clock)
    adapter = HttpDossierSource(province.url, timeout_s=0.3, breaker=breaker, pepper="test")
    yield adapter
    adapter.close()


def test_live_answer_and_not_found(source, province):
    record = source.find(CODE, "1234")
    assert record.status_code == 9 and record.pickup_desk_id == "Q1" and not record.stale
    assert source.find(CODE, "9999") is None
    assert province.requests[0] == {"path": "/dossiers/lookup", "body": {"code": CODE, "id_last4": "1234"}}


def test_timeout_and_5xx_serve_the_cached_answer_only_with_the_right_digits(source, province):
    assert source.find(CODE, "1234") is not None
    province.mode = "slow"
    cached = source.find(CODE, "1234")
    assert cached.stale and cached.status_code == 9
    province.mode = "error"
    with pytest.raises(SourceUnavailable):  # wrong digits never unlock the cache, and look like "down", not 404
        source.find(CODE, "0000")


def test_unavailable_without_cache_raises(source, province):
    province.mode = "error"
    with pytest.raises(SourceUnavailable):
        source.find(CODE, "1234")


def test_breaker_opens_then_half_open_trial_closes_it(source, province, clock):
    province.mode = "error"
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            source.find(CODE, "1234")
    assert source.breaker.state == "open"
    calls = len(province.requests)
    province.mode = "ok"
    with pytest.raises(SourceUnavailable):
        source.find(CODE, "1234")  # open: not even tried
    assert len(province.requests) == calls
    clock.t += 31
    assert source.breaker.state == "half_open"
    assert source.find(CODE, "1234").status_code == 9  # the trial call goes through and succeeds
    assert source.breaker.state == "closed"
    assert len(province.requests) == calls + 1


def test_failed_half_open_trial_reopens(source, province, clock):
    province.mode = "garbage"
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            source.find(CODE, "1234")
    clock.t += 31
    with pytest.raises(SourceUnavailable):
        source.find(CODE, "1234")
    assert source.breaker.state == "open"


def test_bridge_answers_503_when_the_province_is_down_and_nothing_cached(settings, make_client, province):
    province.mode = "error"
    adapter = HttpDossierSource(province.url, timeout_s=0.3, pepper=settings.dossier_pepper)
    client = make_client(dossier_source=adapter)
    response = client.post("/api/dossiers/lookup", json={"code": CODE, "id_last4": "1234"})
    assert response.status_code == 503 and response.json()["error"] == "upstream_unavailable"
    province.mode = "ok"
    ok = client.post("/api/dossiers/lookup", json={"code": CODE, "id_last4": "1234"})
    assert ok.status_code == 200 and ok.json()["status"]["label"] == "Đã xử lý xong"
    province.mode = "slow"
    stale = client.post("/api/dossiers/lookup", json={"code": CODE, "id_last4": "1234"})
    assert stale.status_code == 200 and stale.json()["stale"] is True
    adapter.close()


def test_while_the_province_is_down_every_code_gets_the_same_answer(settings, make_client, province):
    adapter = HttpDossierSource(province.url, timeout_s=0.3, pepper=settings.dossier_pepper)
    client = make_client(dossier_source=adapter)
    assert client.post("/api/dossiers/lookup", json={"code": CODE, "id_last4": "1234"}).status_code == 200  # cached
    province.mode = "error"
    cached_wrong = client.post("/api/dossiers/lookup", json={"code": CODE, "id_last4": "0000"})
    uncached = client.post("/api/dossiers/lookup", json={"code": "000.00.20.H26-250801-0777", "id_last4": "0000"})
    assert cached_wrong.status_code == uncached.status_code == 503
    assert cached_wrong.json() == uncached.json()
    assert cached_wrong.headers.get("content-length") == uncached.headers.get("content-length")
    adapter.close()


def test_settings_select_the_http_source(settings, make_client, province):
    http_settings = settings.model_copy(
        update={"dossier_source": "http", "dossier_http_url": province.url, "dossier_http_timeout_s": 0.5}
    )
    client = make_client(settings_override=http_settings)
    assert client.post("/api/dossiers/lookup", json={"code": CODE, "id_last4": "1234"}).status_code == 200
    assert province.requests
