"""Per-ward rate limits: all of one ward's public callers share an allowance per endpoint, refused with a 429 that
says it is the ward's service that is busy; other wards and our own services are not held back by it."""

from __future__ import annotations

import pytest

from assistant.bridge.rate_limit import RateLimit, RateLimiters, RateLimits, WardRateLimits
from tests.bridge.fakes import MonotonicClock
from tests.bridge.test_wards import write_ward

SECRET = "ward-limit-service-secret"
B = "dong-anh"
OFF = RateLimit(burst=0, per_minute=1)
PER_CLIENT_OFF = RateLimits(chat=OFF, search=OFF, tickets=OFF, feedback=OFF)
TWO = RateLimit(burst=2, per_minute=1)
WARD_TWO = RateLimits(chat=TWO, search=TWO, tickets=TWO, feedback=TWO)


@pytest.fixture
def settings(settings, tmp_path):
    write_ward(tmp_path / "wards", B, "Xã Đông Anh")
    return settings.model_copy(update={"wards_dir": tmp_path / "wards", "service_token": SECRET})


@pytest.fixture
def limited(client):
    clock = MonotonicClock()
    client.app.state.rate_limiters = RateLimiters(PER_CLIENT_OFF, ward_limits=WARD_TWO, clock=clock)
    return client, clock


def request(name: str, ward: str | None) -> tuple[str, str, dict]:
    named = {"ward": ward} if ward else {}
    return {
        "tickets": ("POST", "/api/tickets", {"json": {"desk": "Q1", **named}}),
        "search": ("GET", "/api/procedures/search", {"params": {"q": "khai sinh", **named}}),
        "chat": ("POST", "/api/chat", {"json": {"sender": "conv-123456", "message": "xin chào", **named}}),
        "feedback": ("POST", "/api/feedback", {"json": {"conversation_id": "conv-1", "rating": 5, **named}}),
    }[name]


@pytest.mark.parametrize("name", ["tickets", "search", "chat", "feedback"])
def test_a_ward_past_its_allowance_gets_429_and_the_other_ward_does_not(limited, name):
    client, clock = limited
    method, path, kwargs = request(name, None)
    assert [client.request(method, path, **kwargs).status_code < 400 for _ in range(2)] == [True, True]
    refused = client.request(method, path, **kwargs)
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "ward_too_many_requests" and body["ward"] == "cua-nam"
    assert refused.headers["Retry-After"] == "60" == str(body["retry_after_s"])
    assert "phường/xã" in body["message"] and "60 giây" in body["message"] and "60 seconds" in body["message"]
    method_b, path_b, kwargs_b = request(name, B)
    assert client.request(method_b, path_b, **kwargs_b).status_code < 400  # ward B has its own allowance
    clock.t += 60
    assert client.request(method, path, **kwargs).status_code < 400


def test_naming_the_default_ward_spends_the_same_allowance_as_naming_none(limited):
    client, _ = limited
    assert client.post("/api/tickets", json={"desk": "Q1"}).status_code == 201
    assert client.post("/api/tickets", json={"desk": "Q1", "ward": "cua-nam"}).status_code == 201
    assert client.get("/api/procedures/search", params={"q": "x"}).status_code == 200  # another endpoint's own
    assert client.post("/api/tickets", json={"desk": "Q1"}).json()["error"] == "ward_too_many_requests"


def test_an_unknown_ward_is_404_and_spends_nothing(limited):
    client, _ = limited
    for _ in range(3):
        unknown = client.post("/api/tickets", json={"desk": "Q1", "ward": "nowhere"})
        assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_ward"
    assert client.post("/api/tickets", json={"desk": "Q1"}).status_code == 201


def test_the_per_client_limit_answers_first(client):
    client.app.state.rate_limiters = RateLimiters(
        RateLimits(search=RateLimit(burst=1, per_minute=1)), ward_limits=WARD_TWO, clock=MonotonicClock()
    )
    assert client.get("/api/procedures/search", params={"q": "a"}).status_code == 200
    assert client.get("/api/procedures/search", params={"q": "a"}).json()["error"] == "too_many_requests"


def test_own_services_are_not_counted_against_the_ward(limited):
    client, _ = limited
    client.headers["X-Service-Token"] = SECRET  # as the action server sends it for a chat or kiosk turn
    codes = {client.post("/api/tickets", json={"desk": "Q1"}).status_code for _ in range(6)}
    assert codes == {201}


def test_ward_buckets_are_apart_from_client_buckets_of_the_same_name():
    limiters = RateLimiters(RateLimits(chat=RateLimit(burst=1, per_minute=1)), ward_limits=WARD_TWO)
    limiters.check("chat", "cua-nam")
    limiters.check_ward("chat", "cua-nam")
    limiters.check_ward("chat", "cua-nam")
    assert limiters.ward("chat").take("cua-nam") > 0 and limiters["chat"].take("cua-nam") > 0


def test_default_ward_allowances_are_far_above_one_citizen_s():
    ward, client = WardRateLimits(), RateLimits()
    for name in RateLimits.model_fields:
        assert getattr(ward, name).burst >= 20 * getattr(client, name).burst
        assert getattr(ward, name).per_minute >= 20 * getattr(client, name).per_minute
