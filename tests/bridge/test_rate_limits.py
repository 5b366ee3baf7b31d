"""Per-client rate limits (token buckets on a fake clock), priority only from conversations, capped search."""

from __future__ import annotations

import pytest

from assistant.bridge.guards import capped_query
from assistant.bridge.rate_limit import RateLimit, RateLimiters, RateLimits, TokenBucketLimiter
from tests.bridge.conftest import auth
from tests.bridge.fakes import MonotonicClock


def test_bucket_allows_a_burst_then_one_request_per_refill():
    clock = MonotonicClock()
    bucket = TokenBucketLimiter(RateLimit(burst=3, per_minute=6), clock=clock)  # one token every 10 s
    assert [bucket.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("a") == pytest.approx(10.0)
    assert bucket.take("b") == 0.0  # clients are counted apart
    clock.t += 4
    assert bucket.take("a") == pytest.approx(6.0)  # a refused request does not take a token
    clock.t += 6
    assert bucket.take("a") == 0.0
    assert bucket.take("a") == pytest.approx(10.0)
    clock.t += 3600
    assert [bucket.take("a") for _ in range(4)][-1] > 0  # refilled to the burst, not beyond


def test_burst_zero_turns_the_limit_off():
    bucket = TokenBucketLimiter(RateLimit(burst=0, per_minute=1), clock=MonotonicClock())
    assert all(bucket.take("a") == 0.0 for _ in range(1000))


def test_buckets_are_bounded_and_full_ones_are_forgotten_first():
    clock = MonotonicClock()
    bucket = TokenBucketLimiter(RateLimit(burst=2, per_minute=60), clock=clock, max_clients=3)
    for name in ("a", "b", "c"):
        bucket.take(name)
    clock.t += 10  # a, b and c are full again
    bucket.take("d"), bucket.take("d"), bucket.take("e")
    assert len(bucket) <= 3
    assert bucket.take("d") > 0  # the busy client was kept, not forgotten


LIMITS = RateLimits(
    chat=RateLimit(burst=2, per_minute=1),
    search=RateLimit(burst=2, per_minute=1),
    tickets=RateLimit(burst=2, per_minute=1),
    feedback=RateLimit(burst=2, per_minute=1),
)


@pytest.fixture
def limited(client):
    clock = MonotonicClock()
    client.app.state.rate_limiters = RateLimiters(LIMITS, clock=clock)
    return client, clock


REQUESTS = {
    "tickets": ("POST", "/api/tickets", {"json": {"desk": "Q1"}}),
    "search": ("GET", "/api/procedures/search", {"params": {"q": "khai sinh"}}),
    "chat": ("POST", "/api/chat", {"json": {"sender": "conv-123456", "message": "xin chào"}}),
    "feedback": ("POST", "/api/feedback", {"json": {"conversation_id": "conv-1", "rating": 5}}),
}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_public_endpoint_answers_429_with_retry_after_past_the_burst(limited, name):
    client, clock = limited
    method, path, kwargs = REQUESTS[name]
    assert [client.request(method, path, **kwargs).status_code < 400 for _ in range(2)] == [True, True]
    refused = client.request(method, path, **kwargs)
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"] == "too_many_requests" and refused.headers["Retry-After"] == "60" == str(body["retry_after_s"])
    assert "giây" in body["message"] and "seconds" in body["message"]
    clock.t += 60
    assert client.request(method, path, **kwargs).status_code < 400


def test_one_endpoint_s_limit_does_not_spend_another_s(limited):
    client, _ = limited
    for _ in range(3):
        client.get("/api/procedures/search", params={"q": "khai sinh"})
    assert client.post("/api/feedback", json={"conversation_id": "c-1", "rating": 4}).status_code == 201


def test_own_services_are_not_limited_here(make_client, settings):
    client = make_client(settings_override=settings.model_copy(update={"service_token": "test-service-secret"}))
    client.headers["X-Service-Token"] = "test-service-secret"  # as the action server sends it
    client.app.state.rate_limiters = RateLimiters(LIMITS, clock=MonotonicClock())
    codes = {client.get("/api/procedures/search", params={"q": "khai sinh"}).status_code for _ in range(10)}
    assert codes == {200}


def test_a_public_caller_may_not_declare_priority(client, staff_headers):
    refused = client.post("/api/tickets", json={"desk": "Q1", "priority": "elderly"})
    assert refused.status_code == 403 and refused.json()["error"] == "priority_needs_session"
    assert "kiosk" in refused.json()["message"]
    forged = client.post("/api/tickets", json={"desk": "Q1", "priority": "elderly"}, headers=auth("lts_forged"))
    assert forged.status_code == 403
    assert client.post("/api/tickets", json={"desk": "Q1"}).status_code == 201
    desk_officer = client.post(
        "/api/tickets", json={"desk": "Q1", "priority": "elderly"}, headers=staff_headers["viewer"]
    )
    assert desk_officer.status_code == 201 and desk_officer.json()["priority"] == "elderly"


def test_a_forged_or_missing_service_secret_is_a_public_caller(make_client, settings):
    client = make_client(settings_override=settings.model_copy(update={"service_token": "test-service-secret"}))
    client.headers["X-Service-Token"] = "guessed"
    assert client.post("/api/tickets", json={"desk": "Q1", "priority": "pregnant"}).status_code == 403


def test_a_conversation_through_the_action_server_may_declare_priority(make_client, settings):
    client = make_client(settings_override=settings.model_copy(update={"service_token": "test-service-secret"}))
    client.headers["X-Service-Token"] = "test-service-secret"  # as the action server sends it
    response = client.post("/api/tickets", json={"desk": "Q1", "priority": "pregnant"})
    assert response.status_code == 201 and response.json()["priority"] == "pregnant"


def test_long_search_queries_are_cut_at_a_word_boundary(client, searcher):
    story = "tôi muốn hỏi " + "chuyện nhà " * 100 + "đăng ký khai sinh"
    response = client.get("/api/procedures/search", params={"q": story})
    assert response.status_code == 200
    searched = searcher.queries[-1][0]
    assert len(searched) <= 300 and story.startswith(searched) and not searched.endswith(" ")
    assert client.get("/api/procedures/search", params={"q": "khai sinh"}).status_code == 200
    assert searcher.queries[-1][0] == "khai sinh"
    assert client.get("/api/procedures/search", params={"q": "x" * 2001}).status_code == 422


def test_capped_query_keeps_short_queries_as_they_are():
    assert capped_query("  đăng ký  ", 300) == "  đăng ký  "
    assert capped_query("a" * 500, 300) == "a" * 300  # no space to cut at
    assert capped_query("ab " * 200, 300).endswith("ab")
