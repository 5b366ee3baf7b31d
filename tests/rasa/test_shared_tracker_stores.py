"""The tracker stores several Rasa replicas share (assistant/components/shared_tracker_stores.py), inside real Rasa.

The SQL store runs on a SQLite file here (its logic is Rasa's SQLAlchemy code plus ours; PostgreSQL itself is
exercised by tests/assistant/test_rasa_replicas.py); the Redis store on a throwaway redis-server.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("rasa")

import sqlalchemy as sa  # noqa: E402
from rasa.core.tracker_store import TrackerStore  # noqa: E402
from rasa.shared.core.events import SlotSet, UserUttered  # noqa: E402
from rasa.utils.endpoints import read_endpoint_config  # noqa: E402

from assistant import rasa_stores  # noqa: E402
from assistant.components.shared_tracker_stores import (  # noqa: E402
    RedactingRedisTrackerStore,
    RedactingSQLTrackerStore,
)
from tests.rasa.test_tracker_store import (  # noqa: E402
    DIGITS,
    ID_NUMBER,
    PHONE,
    Clock,
    domain,  # noqa: F401  (fixture)
    dossier_conversation,
    run,
    stored_strings,
)
from tests.redis_server import redis_or_skip  # noqa: E402

SECRETS = (DIGITS, "48 21", ID_NUMBER, "004", PHONE, "345")


class WallClock(Clock):
    def __init__(self) -> None:
        import time

        self.t = time.time()


def sql_store(domain, tmp_path, **kwargs) -> RedactingSQLTrackerStore:  # noqa: F811
    return RedactingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasa.db"), **kwargs)


def stored_rows(store: RedactingSQLTrackerStore) -> list[str]:
    with store.engine.connect() as connection:
        return [row[0] for row in connection.execute(sa.text("SELECT data FROM events ORDER BY id"))]


def test_sql_store_writes_no_digits_and_gives_the_conversation_back(domain, tmp_path):  # noqa: F811
    store = sql_store(domain, tmp_path)
    tracker = dossier_conversation(domain)
    run(store.save(tracker))
    rows = stored_rows(store)
    assert len(rows) == len(tracker.events)
    strings = [text for row in rows for text in stored_strings(row)]
    for secret in SECRETS:
        assert not any(secret in text for text in strings), secret
    restored = run(store.retrieve("citizen-1"))
    assert len(restored.events) == len(tracker.events)
    texts = [e.text for e in restored.events if isinstance(e, UserUttered)]
    assert texts[2] == "[redacted]" and texts[3] == "cảm ơn, còn số 7 và 12 thì sao"
    assert [e.value for e in restored.events if isinstance(e, SlotSet) and e.key == "id_last4"] == [None, None]


def test_sql_store_appends_only_the_new_events_of_a_later_turn(domain, tmp_path):  # noqa: F811
    store = sql_store(domain, tmp_path)
    tracker = dossier_conversation(domain)
    run(store.save(tracker))
    tracker = run(store.retrieve("citizen-1"))
    tracker.update(UserUttered("số của tôi là 0912 345 678", {"name": "inform", "confidence": 1.0}))
    run(store.save(tracker))
    rows = stored_rows(store)
    assert len(rows) == len(tracker.events)
    assert json.loads(rows[-1])["text"] == "số của tôi là [digits]"


def test_sql_store_forgets_idle_conversations(domain, tmp_path):  # noqa: F811
    clock = WallClock()
    store = sql_store(domain, tmp_path, idle_minutes=30, clock=clock, sweep_every_s=0)
    run(store.save(dossier_conversation(domain, "old")))
    clock.t += 20 * 60
    assert run(store.retrieve("old")) is not None
    clock.t += 11 * 60  # the events were written "now": 31 minutes ago on this clock
    assert run(store.retrieve("old")) is None
    assert run(store.keys()) == []
    run(store.save(dossier_conversation(domain, "a")))
    clock.t += 31 * 60
    run(store.save(dossier_conversation(domain, "b")))  # saved with event timestamps of "now": swept as idle too
    assert store.forget_idle() == 0 and run(store.keys()) == []


@pytest.mark.parametrize(
    "choice, store_type", [("sql", RedactingSQLTrackerStore), ("redis", RedactingRedisTrackerStore)]
)
def test_the_shared_endpoint_files_expand_to_our_stores(choice, store_type, monkeypatch):
    plan = rasa_stores.plan_run(["run"], {"LETANSO_TRACKER_STORE": choice, "LETANSO_REDIS_PORT": "6391"})
    for name, value in plan.environment.items():
        monkeypatch.setenv(name, value)
    path = str(rasa_stores.ENDPOINT_FILES[choice])
    tracker = read_endpoint_config(path, "tracker_store")
    locks = read_endpoint_config(path, "lock_store")
    assert tracker.type == f"{store_type.__module__}.{store_type.__name__}"
    assert tracker.kwargs["idle_minutes"] == 30
    assert locks.type == "redis" and str(locks.kwargs["port"]) == "6391"
    assert read_endpoint_config(path, "action_endpoint").url == "http://127.0.0.1:5055/webhook"


def test_redis_store_writes_no_digits_and_expires(domain):  # noqa: F811
    with redis_or_skip() as server:
        store = TrackerStore.create(_redis_config(server.port), domain)
        assert isinstance(store, RedactingRedisTrackerStore)
        run(store.save(dossier_conversation(domain)))
        key = store.key_prefix + "citizen-1"
        strings = stored_strings(store.red.get(key))
        assert any("[redacted]" in text for text in strings)  # the conversation is there, redacted
        for secret in SECRETS:
            assert not any(secret in text for text in strings), secret
        assert 0 < store.red.ttl(key) <= 30 * 60
        restored = run(store.retrieve("citizen-1"))
        assert restored.get_slot("id_last4") is None
        assert len(restored.events) == len(dossier_conversation(domain).events)


def _redis_config(port: int):
    from rasa.utils.endpoints import EndpointConfig

    return EndpointConfig(
        url="127.0.0.1",
        type="assistant.components.shared_tracker_stores.RedactingRedisTrackerStore",
        port=port,
        db=0,
        key_prefix="test",
        idle_minutes=30,
    )
