"""fast_json and domain_empty_check (assistant/components/) in real Rasa (.venv-rasa): the in-memory tracker store
keeps a tracker that decodes and reloads exactly as with json.dumps, and Domain.is_empty gives Rasa's answers."""
from __future__ import annotations

import pytest

from tests.assistant.rasa_probe import run_probe

_PROBE = r'''
import asyncio, json, logging
logging.disable(logging.WARNING)
from rasa.core.tracker_store import InMemoryTrackerStore, SerializedTrackerAsText
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from assistant.components import domain_empty_check, fast_json

domain = Domain.load("assistant/domain.yml")
before = [domain.is_empty(), Domain.empty().is_empty(), Domain.from_dict({"intents": ["greet"]}).is_empty()]
original_serialise = SerializedTrackerAsText.serialise_tracker
domain_empty_check.install()
fast_json.install()
after = [domain.is_empty(), Domain.empty().is_empty(), Domain.from_dict({"intents": ["greet"]}).is_empty()]

events = [ActionExecuted("action_listen"),
          UserUttered("làm giấy khai sinh <b>cho con</b> 😀 / ?", {"name": "ask_documents", "confidence": 0.8123456789012345},
                      [{"entity": "priority_group", "value": "elderly", "start": 0, "end": 3}]),
          SlotSet("procedure_code", "1.001193"), SlotSet("pending_options", ["1.001193", "2.000815"]),
          BotUttered("Thủ tục đăng ký khai sinh (mã 1.001193) cần: …", {"buttons": [{"title": "Số 1", "payload": "/x"}]}),
          ActionExecuted("action_listen")]
tracker = DialogueStateTracker.from_events("probe", events, slots=domain.slots)
ours, rasa = SerializedTrackerAsText.serialise_tracker(tracker), original_serialise(tracker)
store = InMemoryTrackerStore(domain)
async def round_trip():
    await store.save(tracker)
    return await store.retrieve("probe")
reloaded = asyncio.run(round_trip())
print(json.dumps({"before": before, "after": after, "same_value": json.loads(ours) == json.loads(rasa),
                  "text_differs": ours != rasa, "events_equal": list(reloaded.events) == list(tracker.events),
                  "slot": reloaded.get_slot("pending_options")}))
'''


@pytest.fixture(scope="module")
def probe() -> dict:
    return run_probe(_PROBE)


def test_domain_is_empty_answers_as_rasa_does(probe):
    assert probe["before"] == [False, True, False]
    assert probe["after"] == probe["before"]


def test_the_stored_tracker_decodes_to_the_same_value_and_reloads_whole(probe):
    assert probe["text_differs"]  # ujson wrote it (no ASCII escapes), so the patch is really in use
    assert probe["same_value"]
    assert probe["events_equal"]
    assert probe["slot"] == ["1.001193", "2.000815"]
