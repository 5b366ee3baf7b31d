"""Token buckets for the public endpoints (tickets, search, chat, feedback) and their 429 answers: one per client,
and one per ward (all of a ward's citizens together, so one ward's traffic cannot starve the others'
in a province deployment).

Each client (or ward) has a bucket of `burst` tokens refilled at `per_minute`; a request takes one token or is
refused with the seconds until the next token. Buckets live in memory (a restart forgives everyone) and are
bounded: full buckets are forgotten first, then the least recently seen — or, with BRIDGE_REDIS_URL, in Redis,
shared by every bridge replica (assistant/bridge/shared_rate_limit.py).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import Protocol

from pydantic import BaseModel, Field

from assistant.bridge.errors import ApiError


class Clock(Protocol):
    def __call__(self) -> float:
        """Seconds on a monotonic scale."""


class RateLimit(BaseModel):
    """One endpoint's allowance per client."""

    burst: int = Field(ge=0, description="Requests allowed at once; 0 turns the limit off.")
    per_minute: float = Field(gt=0, description="Tokens refilled per minute.")


class RateLimits(BaseModel):
    """Allowances per endpoint (env `BRIDGE_RATE_LIMITS` as JSON,
    e.g. '{"tickets": {"burst": 2, "per_minute": 0.2}}')."""

    chat: RateLimit = RateLimit(burst=20, per_minute=20)
    """Turns of one citizen in the web chat (a turn takes a few seconds to read and type)."""
    search: RateLimit = RateLimit(burst=20, per_minute=30)
    tickets: RateLimit = RateLimit(burst=3, per_minute=0.2)
    """Three tickets at once, then one every five minutes."""
    feedback: RateLimit = RateLimit(burst=3, per_minute=2)


class WardRateLimits(RateLimits):
    """Allowances per endpoint for all of one ward's public callers together (env `BRIDGE_WARD_RATE_LIMITS` as
    JSON, same shape). Generous for a busy ward hall and its website: the limit is there for a ward whose traffic
    would take the province's capacity from the other wards, not for a citizen (the per-client limits are)."""

    chat: RateLimit = RateLimit(burst=600, per_minute=600)
    """Ten chat turns a second, sustained: hundreds of conversations at once in one ward."""
    search: RateLimit = RateLimit(burst=600, per_minute=600)
    tickets: RateLimit = RateLimit(burst=120, per_minute=60)
    """A ticket a second, sustained: a ward hall issues a few hundred a day."""
    feedback: RateLimit = RateLimit(burst=120, per_minute=60)


class TokenBucketLimiter:
    """Thread-safe buckets keyed by client for one endpoint."""

    def __init__(self, limit: RateLimit, *, clock: Clock = time.monotonic, max_clients: int = 10_000):
        self.limit, self._clock, self._max_clients = limit, clock, max_clients
        self._rate = limit.per_minute / 60.0
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds to wait for the next token."""
        if self.limit.burst <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.pop(client, (float(self.limit.burst), now))
            tokens = min(float(self.limit.burst), tokens + (now - at) * self._rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self._rate
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > self._max_clients:
                self._forget(now)
            return wait

    def _forget(self, now: float) -> None:
        refill_s = self.limit.burst / self._rate
        for client in [c for c, (_, at) in self._buckets.items() if now - at >= refill_s]:
            del self._buckets[client]
        while len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


def _retry_later(code: str, vi: str, en: str, wait_s: float, **extra: str) -> ApiError:
    """429 in the error envelope with Retry-After (whole seconds, at least 1); ``vi``/``en`` end with the wait."""
    retry_after = max(1, math.ceil(wait_s))
    return ApiError(
        429,
        code,
        f"{vi} Vui lòng thử lại sau {retry_after} giây. / {en} please try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
        retry_after_s=retry_after,
        **extra,
    )


def too_many_requests(wait_s: float) -> ApiError:
    """429 for a client that has used up its allowance."""
    return _retry_later("too_many_requests", "Ông/bà gửi yêu cầu quá nhanh.", "Too many requests;", wait_s)


def ward_too_busy(wait_s: float, ward: str) -> ApiError:
    """429 for a ward that has used up its shared allowance: the citizen did nothing wrong, so it says so."""
    return _retry_later(
        "ward_too_many_requests",
        "Hệ thống của phường/xã đang nhận quá nhiều yêu cầu cùng lúc.",
        "This ward's service is receiving too many requests right now;",
        wait_s,
        ward=ward,
    )


class Limiter(Protocol):
    def take(self, client: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds to wait for the next token."""


class RateLimiters:
    """Per-client and per-ward limiters for each endpoint name, built from the settings: in this process, or shared
    by every replica in Redis when `redis` (a redis-py client) is given (assistant/bridge/shared_rate_limit.py)."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        ward_limits: RateLimits | None = None,
        clock: Clock = time.monotonic,
        redis=None,
    ):
        ward_limits = WardRateLimits() if ward_limits is None else ward_limits

        def build(limit: RateLimit, name: str, prefix: str) -> Limiter:
            if redis is None:
                return TokenBucketLimiter(limit, clock=clock)
            from assistant.bridge.shared_rate_limit import RedisTokenBucket

            return RedisTokenBucket(limit, name, redis, prefix=prefix)

        self._limiters = {name: build(getattr(limits, name), name, "letanso:rate") for name in RateLimits.model_fields}
        self._ward_limiters = {
            name: build(getattr(ward_limits, name), name, "letanso:rate-ward") for name in RateLimits.model_fields
        }

    def check(self, name: str, client: str) -> None:
        """Raise the 429 ApiError when `client` has used up its allowance for `name`."""
        wait = self._limiters[name].take(client)
        if wait > 0:
            raise too_many_requests(wait)

    def check_ward(self, name: str, ward: str) -> None:
        """Raise the 429 ApiError `ward_too_many_requests` when the ward (its code) has used up its shared
        allowance for `name`."""
        wait = self._ward_limiters[name].take(ward)
        if wait > 0:
            raise ward_too_busy(wait, ward)

    def __getitem__(self, name: str) -> Limiter:
        return self._limiters[name]

    def ward(self, name: str) -> Limiter:
        return self._ward_limiters[name]
