"""Our Rasa components inside real Rasa (.venv-rasa, Python 3.10): LanguageSlotPolicy sets the language slot and
predicts nothing; loading it installs the faster action-reply validation, which accepts and rejects as Rasa does."""
from __future__ import annotations

import json

import pytest

from tests.assistant.rasa_probe import run_probe


# Runs in .venv-rasa: builds the policy as Rasa's graph would, feeds it one tracker per case, prints JSON.
_PROBE = r'''
import json, sys, tempfile
from pathlib import Path
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from assistant.components.language_policy import LanguageSlotPolicy

domain = Domain.load("assistant/domain.yml")
storage = LocalModelStorage(Path(tempfile.mkdtemp()))
context = ExecutionContext(GraphSchema({}), "probe")
policy = LanguageSlotPolicy.create(LanguageSlotPolicy.get_default_config(), storage, Resource("lang"), context)
assert policy.train([], domain) == Resource("lang")
policy = LanguageSlotPolicy.load(LanguageSlotPolicy.get_default_config(), storage, Resource("lang"), context)
out = []
for text, previous in json.loads(sys.stdin.read()):
    events = [ActionExecuted("action_listen")]
    if previous:
        events.append(SlotSet("language", previous))
    events.append(UserUttered(text, intent={"name": "greet", "confidence": 1.0}))
    tracker = DialogueStateTracker.from_events("probe", events, slots=domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    out.append({"events": [[e.key, e.value] for e in prediction.events if isinstance(e, SlotSet)],
                "max_probability": max(prediction.probabilities), "actions": len(prediction.probabilities),
                "priority": prediction.policy_priority})
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
action = RemoteAction("action_answer_procedure", None)
good = {"events": [{"event": "slot", "timestamp": None, "name": "language", "value": "en"}],
        "responses": [{"text": "Hello", "buttons": []}]}
bad = {"events": [{"event": "slot", "name": "language", "value": "en", "timestamp": "yesterday"}], "responses": []}
validation = {"patched": RemoteAction._validate_action_result.__module__, "good": action._validate_action_result(good)}
try:
    action._validate_action_result(bad)
    validation["bad"] = "accepted"
except ValidationError as error:
    validation["bad"] = error.message
print(json.dumps({"predictions": out, "validation": validation}))
'''

CASES = [
    ("what documents do I need", None, "en"),
    ("hello", "vi", "en"),
    ("làm khai sinh", "en", "vi"),
    ("cho hoi lam giay khai sinh", None, "vi"),
    ("2", "en", None),  # undecided: the slot keeps English, so no event
    ('/choose_option{"option_number": "2"}', "en", None),
    ("how much does it cost", "en", None),  # already English
    ("", None, "vi"),
]


@pytest.fixture(scope="module")
def probe() -> dict:
    return run_probe(_PROBE, stdin=json.dumps([[text, previous] for text, previous, _ in CASES]))


@pytest.fixture
def predictions(probe) -> list[dict]:
    return probe["predictions"]


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=[repr(c[0])[:30] for c in CASES])
def test_slot_event_only_when_the_turn_changes_the_language(predictions, index, case):
    _, _, expected = case
    assert predictions[index]["events"] == ([["language", expected]] if expected else [])


def test_the_policy_never_predicts_an_action(predictions):
    for prediction in predictions:
        assert prediction["max_probability"] == 0.0
        assert prediction["actions"] > 10 and prediction["priority"] == 0


def test_loading_the_policy_installs_the_reply_validator_with_rasas_verdicts(probe):
    validation = probe["validation"]
    assert validation["patched"] == "assistant.components.action_reply_validation"
    assert validation["good"] is True
    assert "timestamp" in validation["bad"] or "yesterday" in validation["bad"]
    assert "Failed to validate Action server response" in validation["bad"]
