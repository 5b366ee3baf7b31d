"""RulePolicy's rule search on compiled rules (assistant/components/rule_matching.py) finds the same rule keys as
Rasa's own on every state the training stories, rules and test stories pass through, with text and with intents,
and the policy then predicts the same; plus hand-made states for each branch of Rasa's state comparison."""

from __future__ import annotations

import logging

import pytest
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.components import rule_matching
from tests.rasa.conftest import ROOT, STOCK

stock_keys = STOCK["rule_matching"]


@pytest.fixture(scope="module")
def policy(agent) -> RulePolicy:
    """The trained model's RulePolicy, as the loaded graph holds it."""
    nodes = agent.processor.graph_runner._instantiated_nodes
    found = [node._component for node in nodes.values() if isinstance(getattr(node, "_component", None), RulePolicy)]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def prefix_trackers(agent) -> list:
    """A tracker for every point where the assistant acts, in every training story, rule and test story."""
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    logging.getLogger("rasa").setLevel(logging.WARNING)
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "assistant" / "domain.yml"),
        training_data_paths=[str(ROOT / "assistant" / "data"), str(ROOT / "assistant" / "tests")],
    )
    domain = agent.domain
    generated = TrainingDataGenerator(
        importer.get_stories(), domain, augmentation_factor=0, remove_duplicates=True
    ).generate()
    trackers = []
    for tracker in generated:
        events = list(tracker.events)
        trackers += [
            DialogueStateTracker.from_events(tracker.sender_id, events[:index], slots=domain.slots)
            for index, event in enumerate(events)
            if index and isinstance(event, ActionExecuted)
        ]
    return trackers


def test_same_rule_keys_as_rasa_on_every_story_state(policy, prefix_trackers, agent):
    rule_matching.install()
    ours = RulePolicy._get_possible_keys
    assert ours is not stock_keys
    only_rules = policy._get_rule_only_data()
    compared = found = 0
    for tracker in prefix_trackers:
        for use_text in (True, False):
            states = policy._prediction_states(tracker, agent.domain, use_text, rule_only_data=only_rules)
            for lookup in (policy.lookup[RULES], policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})):
                expected = stock_keys(policy, lookup, states)
                assert ours(policy, lookup, states) == expected
                compared, found = compared + 1, found + bool(expected)
    assert len(prefix_trackers) > 300 and found > 300, (compared, found)  # real rules matched, not empty sets


def test_same_predictions_as_rasa(policy, prefix_trackers, agent, monkeypatch):
    rule_matching.install()
    ours = RulePolicy._get_possible_keys

    def predictions(method) -> list:
        monkeypatch.setattr(RulePolicy, "_get_possible_keys", method)
        return [
            (p.probabilities, p.events, p.is_end_to_end_prediction, p.is_no_user_prediction)
            for p in (policy.predict_action_probabilities(t, agent.domain) for t in prefix_trackers[::3])
        ]

    assert predictions(ours) == predictions(stock_keys)


RULE = (
    '[{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}, '
    '"slots": {"language": ["vi"], "pending_offer": "%s"}}]' % SHOULD_NOT_BE_SET
)
STARTER = '[{}, {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]'
LISTEN = {"action_name": "action_listen"}


@pytest.mark.parametrize(
    "states",
    [
        [{PREVIOUS_ACTION: LISTEN, "user": {"intent": "greet"}, "slots": {"language": ("vi",)}}],
        [{PREVIOUS_ACTION: LISTEN, "user": {"intent": "greet"}, "slots": {"language": ("en",)}}],
        [
            {
                PREVIOUS_ACTION: LISTEN,
                "user": {"intent": "greet"},
                "slots": {"language": ("vi",), "pending_offer": (1.0,)},
            }
        ],
        [
            {
                PREVIOUS_ACTION: LISTEN,
                "user": {"intent": "greet"},
                "slots": {"language": ("vi",), "pending_offer": SHOULD_NOT_BE_SET},
            }
        ],
        [{PREVIOUS_ACTION: LISTEN, "user": {"intent": "bye"}, "slots": {"language": ("vi",)}}],
        [{}, {PREVIOUS_ACTION: LISTEN, "user": {"intent": "greet"}, "slots": {"language": ("vi",)}}],
        [{"user": {"intent": "greet"}}, {PREVIOUS_ACTION: LISTEN, "user": {"intent": "greet"}}],
        [{PREVIOUS_ACTION: {"action_name": "utter_greet"}}, {PREVIOUS_ACTION: LISTEN, "user": {"intent": "greet"}}],
        [{"user": {"intent": "greet"}}],
        [],
    ],
    ids=[
        "fits",
        "other-slot-value",
        "forbidden-slot-set",
        "forbidden-slot-marker",
        "other-intent",
        "starter",
        "starter-without-action",
        "not-a-starter",
        "no-previous-action",
        "no-states",
    ],
)
def test_each_branch_of_the_state_comparison(states):
    rule_matching.install()
    lookup = {RULE: "utter_greet", STARTER: "utter_greet"}
    bare = RulePolicy.__new__(RulePolicy)  # the comparison reads no trained state
    assert RulePolicy._get_possible_keys(bare, lookup, states) == stock_keys(bare, lookup, states)


def test_a_rule_key_is_compiled_newest_state_first_with_tuples():
    compiled = rule_matching.compile_rule(STARTER, PREVIOUS_ACTION, SHOULD_NOT_BE_SET)
    assert compiled == [
        (True, [(PREVIOUS_ACTION, "action_name", "action_listen", False), ("user", "intent", "greet", False)]),
        (False, []),
    ]
    ((_, checks),) = rule_matching.compile_rule(RULE, PREVIOUS_ACTION, SHOULD_NOT_BE_SET)
    assert ("slots", "language", ("vi",), False) in checks
    assert ("slots", "pending_offer", SHOULD_NOT_BE_SET, True) in checks
