"""Per-client token buckets kept in Redis, so the public endpoints' limits hold across bridge replicas.

Same rule as the in-process `TokenBucketLimiter` (assistant/bridge/rate_limit.py): `burst` tokens refilled at
`per_minute`, one per request. The check-and-take is one Lua script, so parallel requests on several replicas
never take the same token twice. Keys hold a hash of the client address (no address in Redis) and expire once the
bucket would be full again. If Redis cannot be reached the replica falls back to its own in-process bucket (the
service stays up, limited per replica) and logs that at most once a minute.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable

from assistant.bridge.rate_limit import RateLimit, TokenBucketLimiter

log = logging.getLogger(__name__)

TAKE = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return string.format('%.17g', wait)
"""
"""KEYS[1] bucket; ARGV burst, tokens per second, now (s) → seconds to wait (0: allowed). Numbers travel as
17-digit text, so the arithmetic is the same IEEE double arithmetic as the in-process bucket's."""


class RedisTokenBucket:
    """One endpoint's buckets in Redis (`take(client)` as TokenBucketLimiter.take)."""

    def __init__(
        self,
        limit: RateLimit,
        name: str,
        redis,
        *,
        prefix: str = "letanso:rate",
        clock: Callable[[], float] = time.time,
        fallback_clock: Callable[[], float] = time.monotonic,
    ):
        self.limit, self.name, self._redis, self._clock = limit, name, redis, clock
        self._prefix = f"{prefix}:{name}:"
        self._rate = limit.per_minute / 60.0
        self._script = redis.register_script(TAKE)
        self._fallback = TokenBucketLimiter(limit, clock=fallback_clock)
        self._warned_at = -math.inf

    def key(self, client: str) -> str:
        return self._prefix + hashlib.sha256(client.encode()).hexdigest()[:32]

    def take(self, client: str) -> float:
        if self.limit.burst <= 0:
            return 0.0
        try:
            wait = self._script(keys=[self.key(client)], args=[self.limit.burst, repr(self._rate), repr(self._clock())])
            return float(wait.decode() if isinstance(wait, bytes) else wait)
        except Exception as exc:  # noqa: BLE001 - any Redis failure: limit in this process instead
            now = time.monotonic()
            if now - self._warned_at >= 60:
                self._warned_at = now
                log.warning("rate limits: Redis unavailable (%s); limiting in this process only", type(exc).__name__)
            return self._fallback.take(client)
