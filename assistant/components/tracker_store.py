"""A tracker store that keeps no ID digits and forgets idle conversations (registered in assistant/endpoints.yml).

Rasa keeps every event of every conversation: the `id_last4` slot and the citizen's raw text stay in memory
even after the dossier form "clears" the slot. This store, a subclass of Rasa's InMemoryTrackerStore, redacts
what it is given before it keeps it:
- `SlotSet` events of the redacted slots (`id_last4`) lose their value;
- a user message answering a request for such a slot (`requested_slot` was `id_last4`) is replaced whole;
- in every other user message each run of 4 or more digits (also "1 2 3 4", "001.203.004.567") is masked —
  ID, phone and dossier numbers alike.
The current turn is not affected: Rasa saves the tracker after the turn's actions ran (the dossier lookup has
already read the slot, and cleared it). Conversations idle for more than `idle_minutes` are dropped.

Checked against Rasa 3.6.21 (`InMemoryTrackerStore.save` / `_retrieve`, tracker dialogue JSON); no Rasa
internals are patched.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)

REDACTED_TEXT = "[redacted]"
DIGITS_MASK = "[digits]"
_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d){3,}")


def mask_digit_runs(text: str) -> str:
    """Every run of 4+ digits, single spaces/dots/dashes between them allowed, becomes DIGITS_MASK."""
    return _DIGIT_RUN.sub(DIGITS_MASK, text)


def redact_events(events: list[dict[str, Any]], slots: frozenset[str]) -> list[dict[str, Any]]:
    """The same events (as dicts) with the values of `slots` and the user's digits removed."""
    requested: Any = None
    redacted = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "slot" and event.get("name") in slots and event.get("value") is not None:
            event = {**event, "value": None}
        elif kind == "user":
            event = _redact_user(event, whole=requested in slots)
        redacted.append(event)
    return redacted


def _redact_user(event: dict[str, Any], *, whole: bool) -> dict[str, Any]:
    def scrub(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        return REDACTED_TEXT if whole else mask_digit_runs(text)

    event = {**event, "text": scrub(event.get("text"))}
    parse_data = event.get("parse_data")
    if isinstance(parse_data, dict):
        parse_data = {**parse_data, "text": scrub(parse_data.get("text"))}
        if isinstance(parse_data.get("entities"), list):
            parse_data["entities"] = [_scrub_entity(entity, scrub) for entity in parse_data["entities"]]
        event["parse_data"] = parse_data
    return event


def _scrub_entity(entity: Any, scrub: Callable[[Any], Any]) -> Any:
    if not isinstance(entity, dict):
        return entity
    value = entity.get("value")
    return {**entity, "value": scrub(value) if isinstance(value, str) else value}


class RedactingTrackerStore(InMemoryTrackerStore):
    """InMemoryTrackerStore that stores redacted events and drops conversations idle for `idle_minutes`."""

    def __init__(
        self,
        domain: Domain,
        event_broker: EventBroker | None = None,
        *,
        idle_minutes: float = 30,
        redact_slots: Iterable[str] = ("id_last4",),
        sweep_every_s: float = 60,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("host", None)  # Rasa passes the endpoint's `url` as host; this store has none
        super().__init__(domain, event_broker, **kwargs)
        if float(idle_minutes) <= 0:
            raise ValueError("tracker_store idle_minutes must be positive")
        self.idle_s = float(idle_minutes) * 60
        self.redact_slots = frozenset(redact_slots)
        self.sweep_every_s = float(sweep_every_s)
        self._clock = clock
        self._last_active: dict[str, float] = {}
        self._last_sweep = clock()

    @classmethod
    def serialise_redacted(cls, tracker: DialogueStateTracker, slots: frozenset[str]) -> str:
        dialogue = tracker.as_dialogue().as_dict()
        dialogue["events"] = redact_events(dialogue.get("events") or [], slots)
        return json.dumps(dialogue)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Keep the redacted conversation (and stream only what was redacted, if a broker is configured)."""
        serialised = self.serialise_redacted(tracker, self.redact_slots)
        if self.event_broker:
            await self.stream_events(self.deserialise_tracker(tracker.sender_id, serialised) or tracker)
        now = self._clock()
        self.store[tracker.sender_id] = serialised
        self._last_active[tracker.sender_id] = now
        self._sweep(now)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        self._sweep(self._clock(), force=True, only=sender_id)
        return await super()._retrieve(sender_id, fetch_all_sessions)

    def _sweep(self, now: float, *, force: bool = False, only: str | None = None) -> None:
        """Drop idle conversations: all of them at most every `sweep_every_s`, or just `only` when asked."""
        if only is not None:
            stale = [only] if now - self._last_active.get(only, now) > self.idle_s else []
        elif force or now - self._last_sweep >= self.sweep_every_s:
            self._last_sweep = now
            stale = [sender for sender, at in self._last_active.items() if now - at > self.idle_s]
        else:
            return
        for sender in stale:
            self.store.pop(sender, None)
            self._last_active.pop(sender, None)
        if stale:
            log.debug("forgot %d idle conversation(s)", len(stale))

    def forget_idle(self) -> int:
        """Drop every idle conversation now; returns how many remain."""
        self._sweep(self._clock(), force=True)
        return len(self.store)
