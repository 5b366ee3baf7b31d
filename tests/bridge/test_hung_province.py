"""A hung provincial dossier system ties up at most a few of the bridge's threads: lookups beyond the cap fail
at once with 503 and `GET /api/desks` answers while the province still holds its connections."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from assistant.bridge.dossiers.codes import EXAMPLE_CODE
from assistant.bridge.dossiers.sources import SourceUnavailable
from assistant.bridge.main import create_app
from assistant.bridge.source_guard import BoundedDossierSource
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.servers import free_port, serve


class HangingProvince:
    """Accepts connections and never answers until released; records how many it held at most."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.held: list[socket.socket] = []
        self.most_held = 0
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", self.port), backlog=128)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self.released.is_set():
            try:
                connection, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self.held.append(connection)
                self.most_held = max(self.most_held, len(self.held))

    def release(self) -> None:
        self.released.set()
        with self._lock:
            for connection in self.held:
                connection.close()
        self._server.close()


@pytest.fixture
def province():
    hanging = HangingProvince()
    yield hanging
    hanging.release()


@pytest.mark.slow  # a real uvicorn bridge and a hanging province server
def test_desks_answer_while_the_province_hangs(settings, searcher, knowledge_defaults, province):
    hung_settings = settings.model_copy(
        update={
            "dossier_source": "http",
            "dossier_http_url": province.url,
            "dossier_http_timeout_s": 60.0,
            "dossier_http_max_concurrent": 2,
            "breaker_failure_threshold": 1000,
            "service_token": "test-secret",
        }
    )
    app = create_app(
        hung_settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
    )
    with (
        serve(app) as url,
        httpx.Client(base_url=url, timeout=120, trust_env=False) as client,
        ThreadPoolExecutor(max_workers=60) as pool,
    ):

        def lookup(n: int) -> int:
            # 60 citizens, each with their own dossier, relayed by our action server: the lockout (per code and
            # per client) has nothing to say, so every answer shows what the provincial cap does.
            code = EXAMPLE_CODE[:-4] + f"{n + 1:04d}"
            return client.post(
                "/api/dossiers/lookup",
                json={"code": code, "id_last4": f"{n % 10000:04d}"},
                headers={"X-Client-Id": f"a-{n:020x}", "X-Service-Token": "test-secret"},
            ).status_code

        pending = [pool.submit(lookup, n) for n in range(60)]
        # Everything beyond the cap is answered while the province still holds the first lookups.
        refused = [future.result(timeout=30) for future in pending if not _is_held(future)]
        desks = httpx.get(url + "/api/desks", timeout=15, trust_env=False)
        assert not province.released.is_set()
        assert desks.status_code == 200 and desks.json()["desks"]
        province.release()
        held = [future.result(timeout=30) for future in pending]
    assert province.most_held <= 2
    assert set(refused) == {503} and len(refused) >= 58
    assert set(held) == {503}


def _is_held(future) -> bool:
    """True for the (at most two) lookups still waiting on the province once all the others are answered."""
    try:
        future.result(timeout=5)
    except TimeoutError:
        return True
    return False


class RecordingSource:
    def __init__(self):
        self.calls, self.entered, self.leave = 0, threading.Event(), threading.Event()

    def find(self, code: str, id_last4: str):
        self.calls += 1
        self.entered.set()
        self.leave.wait(10)
        return None


def test_bounded_source_refuses_beyond_the_cap_and_frees_its_slot():
    inner = RecordingSource()
    bounded = BoundedDossierSource(inner, max_concurrent=1)
    worker = threading.Thread(target=bounded.find, args=("c", "1234"))
    worker.start()
    assert inner.entered.wait(10)
    with pytest.raises(SourceUnavailable):
        bounded.find("c", "1234")
    inner.leave.set()
    worker.join(10)
    assert bounded.find("c", "1234") is None and inner.calls == 2
