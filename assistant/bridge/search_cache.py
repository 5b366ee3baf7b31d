"""Small LRU cache of search answers, keyed by the knowledge version (the last change id applied here) so any staff
edit, on any replica, invalidates it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class SearchCache:
    """Popular questions (kiosk buttons, repeated clarifications) are answered without re-running search."""

    def __init__(self, max_entries: int = 1024):
        self._max = max_entries
        self._entries: OrderedDict[Hashable, dict] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> dict | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def stats(self) -> dict[str, int]:
        """Counts since start: {"entries", "max_entries", "hits", "misses"} (benchmarks report the hit rate)."""
        with self._lock:
            return {"entries": len(self._entries), "max_entries": self._max, "hits": self.hits, "misses": self.misses}

    def put(self, key: Hashable, value: dict) -> None:
        if self._max <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
