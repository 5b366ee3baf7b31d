"""A cap on lookups waiting on the provincial dossier system at once.

The bridge answers its sync endpoints from one worker-thread pool (40 threads). If every lookup waited on a
hung provincial system, the pool would fill and even `GET /api/desks` would wait. With the cap, at most
`max_concurrent` threads wait on the province (each for at most the HTTP timeout, and the circuit breaker
stops even that after a few failures); any lookup beyond the cap fails at once as "source unavailable" (503).
"""

from __future__ import annotations

import logging
import threading

from assistant.bridge.dossiers.sources import DossierRecord, DossierSource, SourceUnavailable

log = logging.getLogger(__name__)


class BoundedDossierSource:
    """DossierSource wrapper: at most `max_concurrent` calls in the wrapped source; the rest fail fast."""

    def __init__(self, source: DossierSource, *, max_concurrent: int):
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.source = source
        self._slots = threading.BoundedSemaphore(max_concurrent)

    def find(self, code: str, id_last4: str) -> DossierRecord | None:
        if not self._slots.acquire(blocking=False):
            log.warning("provincial dossier source busy: lookup refused at once")
            raise SourceUnavailable("too many lookups waiting on the source")
        try:
            return self.source.find(code, id_last4)
        finally:
            self._slots.release()

    def close(self) -> None:
        close = getattr(self.source, "close", None)
        if close is not None:
            close()
