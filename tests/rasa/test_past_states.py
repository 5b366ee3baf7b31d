"""Past states from one recorded replay (assistant/components/past_states.py): the same lists as Rasa's own for
every tracker the stories, rules and test stories pass through (and one long conversation), with every argument;
a new event, another domain or a copy of the tracker is replayed again; callers may edit what they get."""

from __future__ import annotations

import copy
import itertools
import logging
import pickle

import pytest
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.components import past_states
from tests.rasa.conftest import ROOT, STOCK

stock_past_states = STOCK["past_states"]
CACHE = "_le_tan_so_prior_steps"


def _component(agent, kind):
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    found = [node._component for node in nodes if type(getattr(node, "_component", None)) is kind]
    assert len(found) == 1, kind
    return found[0]


@pytest.fixture(scope="module")
def trackers(agent) -> list:
    """Every prefix that ends before an action, in every training story, rule and test story; each whole story;
    and one long conversation made of twelve stories in a row."""
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    logging.getLogger("rasa").setLevel(logging.WARNING)
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "assistant" / "domain.yml"),
        training_data_paths=[str(ROOT / "assistant" / "data"), str(ROOT / "assistant" / "tests")],
    )
    slots = agent.domain.slots
    generated = TrainingDataGenerator(
        importer.get_stories(), agent.domain, augmentation_factor=0, remove_duplicates=True
    ).generate()
    out = []
    for tracker in generated:
        events = list(tracker.events)
        out += [
            DialogueStateTracker.from_events(tracker.sender_id, events[:index], slots=slots)
            for index, event in enumerate(events)
            if index and isinstance(event, ActionExecuted)
        ]
        out.append(DialogueStateTracker.from_events(tracker.sender_id, events, slots=slots))
    long = [event for tracker in generated[:12] for event in tracker.events]
    out.append(DialogueStateTracker.from_events("long", long, slots=slots))
    return out


def test_same_states_as_rasa_for_every_tracker_and_argument(agent, trackers):
    past_states.install()
    assert DialogueStateTracker.past_states is not stock_past_states
    only_rules = _component(agent, RulePolicy)._get_rule_only_data()
    assert only_rules, "the model has rule-only slots or loops: the hiding branch is exercised"
    compared = 0
    for tracker in trackers:
        for omit, ignore, rule_only in itertools.product((False, True), (False, True), (None, only_rules)):
            arguments = dict(omit_unset_slots=omit, ignore_rule_only_turns=ignore, rule_only_data=rule_only)
            assert tracker.past_states(agent.domain, **arguments) == stock_past_states(
                tracker, agent.domain, **arguments
            )
            compared += 1
    assert len(trackers) > 300 and compared == 8 * len(trackers)


def test_same_predictions_as_rasa(agent, trackers, monkeypatch):
    past_states.install()
    ours = DialogueStateTracker.past_states
    policies = [_component(agent, RulePolicy), _component(agent, MemoizationPolicy)]

    def predictions(method) -> list:
        monkeypatch.setattr(DialogueStateTracker, "past_states", method)
        return [
            (p.probabilities, p.events, p.policy_name)
            for tracker in trackers[::3]
            for p in (policy.predict_action_probabilities(tracker, agent.domain) for policy in policies)
        ]

    assert predictions(ours) == predictions(stock_past_states)


def _tracker(agent) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "probe",
        [
            ActionExecuted("action_listen"),
            UserUttered("xin chào", {"name": "greet", "confidence": 1.0}),
            ActionExecuted("utter_greet"),
            ActionExecuted("action_listen"),
        ],
        slots=agent.domain.slots,
    )


def test_a_new_event_is_seen(agent):
    past_states.install()
    tracker = _tracker(agent)
    before = tracker.past_states(agent.domain)
    tracker.update(UserUttered("lệ phí bao nhiêu", {"name": "ask_fee", "confidence": 1.0}))
    tracker.update(SlotSet("language", "vi"))
    after = tracker.past_states(agent.domain)
    assert after == stock_past_states(tracker, agent.domain) and after != before


def test_callers_may_edit_what_they_get(agent):
    past_states.install()
    tracker = _tracker(agent)
    first = tracker.past_states(agent.domain)
    expected = copy.deepcopy(first)
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
    first.clear()
    assert tracker.past_states(agent.domain) == expected


def test_copies_replay_on_their_own_and_another_domain_is_replayed(agent):
    past_states.install()
    tracker = _tracker(agent)
    tracker.past_states(agent.domain)
    assert tracker.__dict__[CACHE] is not None
    for copied in (copy.deepcopy(tracker), pickle.loads(pickle.dumps(tracker))):
        assert copied.__dict__.get(CACHE) is None
        assert copied.past_states(agent.domain) == stock_past_states(tracker, agent.domain)
    other = copy.deepcopy(agent.domain)
    assert tracker.past_states(other) == stock_past_states(tracker, other)
    assert tracker.__dict__[CACHE].domain() is other
