"""Tracker stores several Rasa replicas share (SQL on PostgreSQL, or Redis), keeping no ID digits.

The same redaction as the in-memory `RedactingTrackerStore` (assistant/components/tracker_store.py) is applied
before anything is written, so the shared database never holds the `id_last4` slot, the digits the citizen
typed for it, or any run of 4+ digits in user text. Forgetting idle conversations:
- SQL: a conversation whose latest event is older than `idle_minutes` is deleted when it is next read, and all
  such conversations are deleted at most every `sweep_every_s` when any conversation is saved;
- Redis: the key expires `idle_minutes` after the last save (Rasa's own `record_exp`).
Picked by assistant/endpoints-sql.yml or assistant/endpoints-redis.yml (assistant/rasa_launcher.py chooses the
file from LETANSO_TRACKER_STORE). Checked against Rasa 3.6.21 (`SQLTrackerStore.save/_retrieve`,
`RedisTrackerStore.save`); no Rasa internals are patched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.components.tracker_store import redact_events

log = logging.getLogger(__name__)


def redacted_tracker(tracker: DialogueStateTracker, slots: frozenset[str], domain: Domain) -> DialogueStateTracker:
    """A copy of `tracker` with the same number of events, redacted (Rasa's SQL store appends by count)."""
    events = redact_events(tracker.as_dialogue().as_dict().get("events") or [], slots)
    return DialogueStateTracker.from_dict(tracker.sender_id, events, domain.slots)


def _idle_seconds(idle_minutes: float) -> float:
    if float(idle_minutes) <= 0:
        raise ValueError("tracker_store idle_minutes must be positive")
    return float(idle_minutes) * 60


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore (one `events` table) writing redacted events and deleting idle conversations."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        *,
        idle_minutes: float = 30,
        redact_slots: Iterable[str] = ("id_last4",),
        sweep_every_s: float = 60,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        self.idle_s = _idle_seconds(idle_minutes)
        self.redact_slots = frozenset(redact_slots)
        self.sweep_every_s = float(sweep_every_s)
        self._clock = clock
        self._last_sweep = 0.0
        super().__init__(domain, event_broker=event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if self.domain is None:  # Rasa always passes the domain when it builds the store from endpoints.yml
            raise ValueError("RedactingSQLTrackerStore needs the domain to rebuild redacted trackers")
        await super().save(redacted_tracker(tracker, self.redact_slots, self.domain))
        now = self._clock()
        if now - self._last_sweep >= self.sweep_every_s:
            self._last_sweep = now
            self.forget_idle(now)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        cutoff = self._clock() - self.idle_s
        with self.session_scope() as session:
            latest = (
                session.query(sa.func.max(self.SQLEvent.timestamp))
                .filter(self.SQLEvent.sender_id == sender_id)
                .scalar()
            )
            if latest is not None and latest < cutoff:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(
                    synchronize_session=False
                )
                session.commit()
                return None
        return await super()._retrieve(sender_id, fetch_events_from_all_sessions)

    def forget_idle(self, now: float | None = None) -> int:
        """Delete every conversation idle for longer than `idle_minutes`; returns how many events were deleted."""
        cutoff = (self._clock() if now is None else now) - self.idle_s
        idle = (
            sa.select(self.SQLEvent.sender_id)
            .group_by(self.SQLEvent.sender_id)
            .having(sa.func.max(self.SQLEvent.timestamp) < cutoff)
        )
        with self.session_scope() as session:
            deleted = session.execute(
                sa.delete(self.SQLEvent).where(self.SQLEvent.sender_id.in_(idle)),
                execution_options={"synchronize_session": False},
            ).rowcount
            session.commit()
        if deleted:
            log.debug("deleted %d events of idle conversations", deleted)
        return deleted or 0


class RedactingRedisTrackerStore(RedisTrackerStore):
    """Rasa's RedisTrackerStore writing the redacted conversation, each key expiring after `idle_minutes`."""

    def __init__(
        self,
        domain: Domain,
        event_broker: EventBroker | None = None,
        *,
        idle_minutes: float = 30,
        redact_slots: Iterable[str] = ("id_last4",),
        **kwargs: Any,
    ) -> None:
        kwargs.pop("record_exp", None)  # the expiry is idle_minutes: one setting for every store
        self.redact_slots = frozenset(redact_slots)
        super().__init__(domain, event_broker=event_broker, record_exp=round(_idle_seconds(idle_minutes)), **kwargs)

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        if self.domain is None:
            raise ValueError("RedactingRedisTrackerStore needs the domain to rebuild redacted trackers")
        await super().save(redacted_tracker(tracker, self.redact_slots, self.domain), timeout)
