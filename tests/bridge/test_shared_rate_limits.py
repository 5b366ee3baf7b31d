"""Per-client rate limits in Redis (assistant/bridge/shared_rate_limit.py): the same rule as the in-process
buckets, one allowance across bridge replicas, and the in-process fallback when Redis is gone. Real redis-server."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis as redis_py

from assistant.bridge.main import create_app
from assistant.bridge.rate_limit import RateLimit, RateLimits, TokenBucketLimiter, WardRateLimits
from assistant.bridge.shared_rate_limit import RedisTokenBucket
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.fakes import MonotonicClock
from tests.redis_server import redis_or_skip
from tests.servers import free_port, serve

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def redis_server():
    with redis_or_skip() as server:
        yield server


@pytest.fixture
def redis(redis_server):
    client = redis_py.Redis.from_url(redis_server.url)
    client.flushdb()
    yield client
    client.close()


def test_redis_buckets_decide_exactly_as_the_in_process_ones(redis):
    """Differential: 300 random requests of 4 clients at random times, both implementations side by side."""
    limit = RateLimit(burst=3, per_minute=6)
    clock = MonotonicClock()
    local = TokenBucketLimiter(limit, clock=clock)
    shared = RedisTokenBucket(limit, "search", redis, clock=clock)
    rng = random.Random(7)
    for _ in range(300):
        clock.t += rng.choice([0, 0, 0.5, 3, 11])
        client = rng.choice("abcd")
        assert shared.take(client) == pytest.approx(local.take(client), abs=1e-6)


def test_keys_hold_no_address_and_expire(redis):
    bucket = RedisTokenBucket(RateLimit(burst=2, per_minute=1), "chat", redis)
    bucket.take("203.0.113.9")
    keys = [key.decode() for key in redis.keys("*")]
    assert keys == [bucket.key("203.0.113.9")] and "203.0.113.9" not in keys[0]
    assert 0 < redis.ttl(keys[0]) <= 121


def test_without_redis_each_replica_still_limits_by_itself():
    gone = redis_py.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.2, socket_timeout=0.2)
    bucket = RedisTokenBucket(RateLimit(burst=2, per_minute=1), "tickets", gone, fallback_clock=MonotonicClock())
    assert [bucket.take("x") == 0 for _ in range(3)] == [True, True, False]


def test_40_parallel_requests_over_two_bridges_get_one_allowance(
    settings, searcher, knowledge_defaults, redis_server, redis, tmp_path
):
    """Two real bridges (uvicorn) sharing one Redis: a citizen spreading 40 searches over both gets `burst` of them."""
    shared = settings.model_copy(
        update={"redis_url": redis_server.url, "rate_limits": RateLimits(search=RateLimit(burst=5, per_minute=0.01))}
    )
    apps = [
        create_app(
            shared,
            search_settings=default_search_settings(),
            kiosk_settings=default_kiosk_settings(),
            searcher=searcher,
            knowledge_sources=dict(knowledge_defaults),
        )
        for _ in range(2)
    ]
    with serve(apps[0]) as first, serve(apps[1]) as second:

        def search(n: int) -> int:
            url = (first, second)[n % 2]
            return httpx.get(
                url + "/api/procedures/search", params={"q": "khai sinh"}, trust_env=False, timeout=30
            ).status_code

        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(search, range(40)))
    assert codes.count(200) == 5 and codes.count(429) == 35


def test_a_ward_s_allowance_is_one_across_two_bridges(settings, searcher, knowledge_defaults, redis_server, redis):
    """Per-ward limits in the same Redis: 40 searches of one ward over both bridges get the ward's `burst`, refused
    as the ward's (not the citizen's: per-client limits are off here)."""
    off = RateLimit(burst=0, per_minute=1)
    shared = settings.model_copy(
        update={
            "redis_url": redis_server.url,
            "rate_limits": RateLimits(chat=off, search=off, tickets=off, feedback=off),
            "ward_rate_limits": WardRateLimits(search=RateLimit(burst=5, per_minute=0.01)),
        }
    )
    apps = [
        create_app(
            shared,
            search_settings=default_search_settings(),
            kiosk_settings=default_kiosk_settings(),
            searcher=searcher,
            knowledge_sources=dict(knowledge_defaults),
        )
        for _ in range(2)
    ]
    with serve(apps[0]) as first, serve(apps[1]) as second:

        def search(n: int) -> tuple[int, str | None]:
            response = httpx.get(
                (first, second)[n % 2] + "/api/procedures/search",
                params={"q": "khai sinh"},
                trust_env=False,
                timeout=30,
            )
            return response.status_code, response.json().get("error") if response.status_code != 200 else None

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(search, range(40)))
    assert answers.count((200, None)) == 5 and answers.count((429, "ward_too_many_requests")) == 35
    assert [key.decode() for key in redis.keys("letanso:rate-ward:search:*")]
