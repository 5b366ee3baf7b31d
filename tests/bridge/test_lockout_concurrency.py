"""The lockout holds under concurrency: 100 parallel guesses against a real server (uvicorn, real SQLite file).

The attempt is reserved in the same write transaction as the check, so at most `lookup_max_failures` guesses
reach the dossier source (counted by a recording source), whatever the interleaving.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import httpx
import pytest

from assistant.bridge.clients import address_key
from assistant.bridge.dossiers.seed import DEMO_DOSSIERS, seed_demo_dossiers
from assistant.bridge.dossiers.sources import LocalDossierSource
from assistant.bridge.main import create_app
from assistant.bridge.services import open_database
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.fakes import ManualClock, RecordingDossierSource
from tests.servers import serve

pytestmark = [
    pytest.mark.both_engines,  # SQLite and PostgreSQL (conftest.py)
    pytest.mark.slow,
]  # a real uvicorn server per test, up to 100 client threads at once

CODE, DIGITS = DEMO_DOSSIERS[0][0], DEMO_DOSSIERS[0][2]
GUESSES = 100
SERVICE_TOKEN = "concurrency-test-secret"


@pytest.fixture
def stack(settings, searcher, knowledge_defaults):
    """A real bridge on a free port over a seeded SQLite file; yields (url, recording source, app)."""
    settings = settings.model_copy(update={"service_token": SERVICE_TOKEN})
    db = open_database(settings)
    seed_demo_dossiers(db, pepper=settings.dossier_pepper)
    db.dispose()
    source = RecordingDossierSource(None)
    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
        dossier_source=source,
    )
    with serve(app) as url:
        services = app.state.services
        source.inner = LocalDossierSource(services.db, pepper=settings.dossier_pepper)
        yield url, source, services, settings


def _parallel(url: str, requests: list[tuple[str, dict]]) -> list[int]:
    """Send every (digits, headers) lookup at once from its own thread; the status codes in order."""
    start = threading.Barrier(len(requests))

    def one(item):
        digits, headers = item
        with httpx.Client(timeout=120, trust_env=False) as client:
            start.wait()
            return client.post(
                url + "/api/dossiers/lookup", json={"code": CODE, "id_last4": digits}, headers=headers
            ).status_code

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(one, requests))


def _wrong_guesses() -> list[str]:
    return [f"{n:04d}" for n in range(GUESSES + 1) if f"{n:04d}" != DIGITS][:GUESSES]


def test_100_parallel_wrong_guesses_from_one_address_reach_the_source_at_most_5_times(stack):
    url, source, services, settings = stack
    statuses = _parallel(url, [(digits, {}) for digits in _wrong_guesses()])
    assert len(source.received) <= settings.lookup_max_failures
    assert statuses.count(404) == len(source.received) and statuses.count(429) == GUESSES - len(source.received)
    # the right digits are not found inside the window: refused before the source is asked
    right = httpx.post(url + "/api/dossiers/lookup", json={"code": CODE, "id_last4": DIGITS}, trust_env=False)
    assert right.status_code == 429 and (CODE, DIGITS) not in source.received


def test_100_parallel_guesses_from_100_addresses_are_held_by_the_per_code_delay(stack):
    url, source, services, settings = stack
    services.dossiers.lockout.clock = ManualClock(datetime.now(timezone.utc))  # the delays cannot elapse
    forwarded = [
        {
            "X-Client-Id": address_key(f"10.1.{n // 250}.{n % 250}", secret=settings.dossier_pepper),
            "X-Service-Token": SERVICE_TOKEN,
        }
        for n in range(GUESSES + 1)
    ]
    statuses = _parallel(url, list(zip(_wrong_guesses(), forwarded)))
    assert len(source.received) <= settings.lookup_max_failures
    assert statuses.count(429) == GUESSES - len(source.received)
    right = httpx.post(
        url + "/api/dossiers/lookup", json={"code": CODE, "id_last4": DIGITS}, headers=forwarded[-1], trust_env=False
    )
    assert right.status_code == 429 and (CODE, DIGITS) not in source.received


def _from(address: str) -> httpx.Client:
    """A client whose connections come from `address` (any 127.x.y.z is a loopback address on Linux)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30, trust_env=False)


def test_a_public_client_cannot_name_itself_with_any_header(stack):
    """127.0.0.2 stands for a public address: X-Client-Id, a wrong X-Service-Token and X-Forwarded-For are all
    ignored, so rotating them shares the limit of the real address."""
    url, source, services, settings = stack
    with _from("127.0.0.2") as public:
        for n in range(settings.lookup_client_max_failures):
            headers = {
                "X-Client-Id": address_key(f"10.2.0.{n}", secret=settings.dossier_pepper),
                "X-Service-Token": f"guess-{n}",
                "X-Forwarded-For": f"198.51.100.{n}",
            }
            answer = public.post(
                url + "/api/dossiers/lookup",
                headers=headers,
                json={"code": f"000.00.20.H26-250801-{n + 500:04d}", "id_last4": "1111"},
            )
            assert answer.status_code == 404
        fresh = {
            "X-Client-Id": address_key("10.2.9.9", secret=settings.dossier_pepper),
            "X-Forwarded-For": "198.51.100.99",
        }
        refused = public.post(url + "/api/dossiers/lookup", json={"code": CODE, "id_last4": DIGITS}, headers=fresh)
        assert refused.status_code == 429
    with _from("127.0.0.3") as someone_else:  # another address is not held by 127.0.0.2's failures
        assert (
            someone_else.post(url + "/api/dossiers/lookup", json={"code": CODE, "id_last4": DIGITS}).status_code == 200
        )


def test_behind_a_reverse_proxy_on_this_host_each_citizen_keeps_their_own_limit(stack):
    """The proxy (127.0.0.1, uvicorn's FORWARDED_ALLOW_IPS) appends the citizen's address to X-Forwarded-For;
    the bridge keys on it, so one citizen's failures do not lock out the others behind the same proxy."""
    url, source, services, settings = stack
    with _from("127.0.0.1") as proxy:
        for n in range(settings.lookup_client_max_failures):
            answer = proxy.post(
                url + "/api/dossiers/lookup",
                headers={"X-Forwarded-For": "203.0.113.5"},
                json={"code": f"000.00.20.H26-250801-{n + 600:04d}", "id_last4": "1111"},
            )
            assert answer.status_code == 404
        spoofed_left = {"X-Forwarded-For": "192.0.2.1, 203.0.113.5"}  # a forged entry before the proxy's own
        assert (
            proxy.post(
                url + "/api/dossiers/lookup", json={"code": CODE, "id_last4": DIGITS}, headers=spoofed_left
            ).status_code
            == 429
        )
        assert (
            proxy.post(
                url + "/api/dossiers/lookup",
                json={"code": CODE, "id_last4": DIGITS},
                headers={"X-Forwarded-For": "203.0.113.6"},
            ).status_code
            == 200
        )


def test_honest_parallel_lookups_from_one_busy_address_are_queued_not_refused(stack):
    """30 right answers at once from one address (a kiosk, an office behind one router): pending attempts hold
    the others back only until they turn out to be successes."""
    url, source, services, settings = stack
    codes = [(code, digits) for code, _name, digits, *_ in DEMO_DOSSIERS]
    start = threading.Barrier(30)
    # The source answers only when as many lookups as the client limit are inside it at once: the others
    # certainly find that many pending attempts of this address in their way.
    source.hold = threading.Barrier(settings.lookup_client_max_failures, timeout=30)

    def one(n):
        code, digits = codes[n % len(codes)]
        with httpx.Client(timeout=120, trust_env=False) as client:
            start.wait()
            return client.post(url + "/api/dossiers/lookup", json={"code": code, "id_last4": digits}).status_code

    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(one, range(30)))
    assert statuses == [200] * 30 and len(source.received) == 30
    assert all(services.dossiers.lockout.failures(code) == 0 for code, _ in codes)
