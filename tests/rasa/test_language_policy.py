"""LanguageSlotPolicy (assistant/components/language_policy.py) built as Rasa's graph builds it: it sets the
language slot when a turn changes the language and never predicts an action."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.components.language_policy import LanguageSlotPolicy
from tests.rasa.conftest import ROOT

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
def domain() -> Domain:
    return Domain.load(str(ROOT / "assistant" / "domain.yml"))


@pytest.fixture(scope="module")
def policy(tmp_path_factory, domain) -> LanguageSlotPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("policy"))
    context = ExecutionContext(GraphSchema({}), "test")
    config = LanguageSlotPolicy.get_default_config()
    created = LanguageSlotPolicy.create(config, storage, Resource("lang"), context)
    assert created.train([], domain) == Resource("lang")
    return LanguageSlotPolicy.load(config, storage, Resource("lang"), context)


def predict(policy: LanguageSlotPolicy, domain: Domain, text: str, previous):
    events = [ActionExecuted("action_listen")]
    if previous:
        events.append(SlotSet("language", previous))
    events.append(UserUttered(text, intent={"name": "greet", "confidence": 1.0}))
    tracker = DialogueStateTracker.from_events("test", events, slots=domain.slots)
    return policy.predict_action_probabilities(tracker, domain)


@pytest.mark.parametrize(("text", "previous", "expected"), CASES, ids=[repr(c[0])[:30] for c in CASES])
def test_slot_event_only_when_the_turn_changes_the_language(policy, domain, text, previous, expected):
    prediction = predict(policy, domain, text, previous)
    slot_events = [[e.key, e.value] for e in prediction.events if isinstance(e, SlotSet)]
    assert slot_events == ([["language", expected]] if expected else [])


def test_the_policy_never_predicts_an_action(policy, domain):
    for text, previous, _ in CASES:
        prediction = predict(policy, domain, text, previous)
        assert max(prediction.probabilities) == 0.0
        assert len(prediction.probabilities) > 10 and prediction.policy_priority == 0
