"""Adapter for a provincial one-stop system over HTTP, with timeout, circuit breaker and a per-code cache.

While the system is down only the right digits of a cached code get an answer; everything else, cached
code or not, is SourceUnavailable (the same 503 for every code).

Upstream contract (configure the URL with BRIDGE_DOSSIER_HTTP_URL):
`POST {url}/dossiers/lookup {"code", "id_last4"}` → 200 `{"code", "status_code", "procedure_code",
"procedure_name", "received_at": "YYYY-MM-DD"|null, "due_at": ..., "pickup_desk_id": ...}` or 404 when the
code is unknown or the digits are wrong. Timeouts, connection errors, 5xx and malformed answers count as
failures for the breaker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import httpx

from assistant.bridge.dossiers.codes import digits_match, hash_last4, new_salt
from assistant.bridge.dossiers.sources import DossierRecord, SourceUnavailable

log = logging.getLogger(__name__)


class CircuitBreaker:
    """closed → (N consecutive failures) → open → (after reset_after_s) → half-open: one trial call."""

    def __init__(
        self, *, failure_threshold: int = 3, reset_after_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ):
        self.failure_threshold, self.reset_after_s, self._clock = failure_threshold, reset_after_s, clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._clock() - self._opened_at >= self.reset_after_s else "open"

    def allow(self) -> bool:
        """May a call go upstream now? In half-open only one trial at a time."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half_open" and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial_running = 0, None, False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
            self._trial_running = False


def _parse_date(value) -> date | None:
    return date.fromisoformat(value) if value else None


class HttpDossierSource:
    """DossierSource backed by the provincial system; serves the last good answer per code when it is down."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 3.0,
        breaker: CircuitBreaker | None = None,
        pepper: str,
        client: httpx.Client | None = None,
    ):
        self._url = base_url.rstrip("/") + "/dossiers/lookup"
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout_s), trust_env=False)
        self.breaker = breaker or CircuitBreaker()
        self._pepper = pepper
        self._cache: dict[str, tuple[DossierRecord, str, str]] = {}
        self._lock = threading.Lock()

    def find(self, code: str, id_last4: str) -> DossierRecord | None:
        if not self.breaker.allow():
            return self._from_cache(code, id_last4, reason="circuit open")
        try:
            response = self._client.post(self._url, json={"code": code, "id_last4": id_last4})
            if response.status_code == 404:
                self.breaker.record_success()
                return None
            if response.status_code != 200:
                raise SourceUnavailable(f"upstream HTTP {response.status_code}")
            record = self._record(response.json())
        except (httpx.HTTPError, SourceUnavailable, ValueError, KeyError, TypeError) as exc:
            self.breaker.record_failure()
            return self._from_cache(code, id_last4, reason=type(exc).__name__)
        self.breaker.record_success()
        salt = new_salt()
        with self._lock:
            self._cache[code] = (record, salt, hash_last4(id_last4, salt=salt, pepper=self._pepper))
        return record

    def _from_cache(self, code: str, id_last4: str, *, reason: str) -> DossierRecord | None:
        with self._lock:
            cached = self._cache.get(code)
        if cached is None:
            log.warning("provincial dossier source unavailable (%s), nothing cached", reason)
            raise SourceUnavailable(reason)
        record, salt, stored = cached
        if not digits_match(id_last4, salt=salt, stored_hash=stored, pepper=self._pepper):
            # "Down", not "wrong digits": a 404 here while uncached codes get 503 would tell which codes exist.
            raise SourceUnavailable(reason)
        log.info("provincial dossier source unavailable (%s), served cached answer", reason)
        return replace(record, stale=True)

    @staticmethod
    def _record(data: dict) -> DossierRecord:
        status = data["status_code"]
        if not isinstance(status, int) or not 1 <= status <= 10:
            raise ValueError("status_code out of range")
        return DossierRecord(
            code=str(data["code"]),
            status_code=status,
            procedure_code=str(data.get("procedure_code") or ""),
            procedure_name=str(data.get("procedure_name") or ""),
            received_at=_parse_date(data.get("received_at")),
            due_at=_parse_date(data.get("due_at")),
            pickup_desk_id=data.get("pickup_desk_id"),
            ward=str(data["ward"]) if data.get("ward") else None,
        )

    def close(self) -> None:
        self._client.close()
