"""The in-order graph runner (assistant/components/graph_runner.py): the plan's order and calling convention on
toy graphs, and the same parses and next-action predictions as dask's runner on the trained assistant model."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.components import graph_runner
from assistant.components.graph_runner import execution_plan, run_plan
from tests.rasa.conftest import STOCK, run


class RecordingNode:
    """A graph node that records what it received and returns ``(name, output)`` like Rasa's GraphNode."""

    def __init__(self, name: str, calls: list) -> None:
        self.name, self.calls = name, calls

    def __call__(self, *inputs):
        self.calls.append((self.name, inputs))
        return self.name, f"{self.name}<{','.join(str(i[1]) if isinstance(i, tuple) else i for i in inputs)}>"


NEEDS = {
    "tokens": ["__message__"],
    "features": ["tokens"],
    "intent": ["features", "tokens"],
    "unused": ["__message__"],
    "domain": [],
    "ranked": ["intent", "domain", "__missing__"],
}


def test_the_plan_places_every_needed_node_after_its_parents_once():
    order = execution_plan(NEEDS, ["ranked"])
    assert sorted(order) == ["domain", "features", "intent", "ranked", "tokens"]  # "unused" is not needed
    for node, parents in NEEDS.items():
        for parent in parents:
            if node in order and parent in NEEDS:
                assert order.index(parent) < order.index(node), (parent, node)


def test_the_plan_for_several_targets_is_deterministic():
    assert execution_plan(NEEDS, ["intent", "unused"]) == execution_plan(NEEDS, ["intent", "unused"])
    assert execution_plan(NEEDS, ["intent", "unused"]) == ["tokens", "features", "intent", "unused"]


def test_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        execution_plan({"a": ["b"], "b": ["a"]}, ["a"])


def test_nodes_get_parent_outputs_inputs_as_pairs_and_unknown_needs_by_name():
    calls: list = []
    steps = [(name, RecordingNode(name, calls), tuple(NEEDS[name])) for name in execution_plan(NEEDS, ["ranked"])]
    result = run_plan(steps, {"__message__": "hi"}, ["ranked", "tokens"])
    assert result["tokens"] == "tokens<hi>"
    assert result["ranked"] == "ranked<intent<features<tokens<hi>>,tokens<hi>>,domain<>,__missing__>"
    received = dict(calls)
    assert received["tokens"] == (("__message__", "hi"),)
    assert received["ranked"][2] == "__missing__"
    assert [name for name, _ in calls] == execution_plan(NEEDS, ["ranked"])


def test_a_node_error_propagates_unchanged():
    def broken(*_):
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        run_plan([("a", broken, ())], None, ["a"])


TEXTS = [
    "xin chào",
    "lam giay khai sinh can gi",
    "lệ phí bao nhiêu",
    "nộp ở quầy nào",
    "how much does it cost",
    "hồ sơ 000.00.20.H26-250801-0001 đến đâu rồi",
    "số 2",
    "cho tôi gặp cán bộ",
    "",
    "😀🙏",
]


@pytest.fixture(scope="module")
def both_runners(agent):
    """For each text: (parse, prediction) with dask's runner and with ours, on the same loaded model."""
    graph_runner.install()
    ours = DaskGraphRunner.run
    assert ours is not STOCK["graph_runner"]
    processor = agent.processor

    def with_runner(run_method, call):
        DaskGraphRunner.run = run_method
        try:
            return call()
        finally:
            DaskGraphRunner.run = ours

    results = []
    for text in TEXTS:
        parse = lambda: run(processor.parse_message(UserMessage(text)))  # noqa: E731
        stock_parse, our_parse = with_runner(STOCK["graph_runner"], parse), with_runner(ours, parse)
        tracker = DialogueStateTracker.from_events(
            "probe",
            [
                ActionExecuted("action_listen"),
                UserUttered(text, stock_parse["intent"], stock_parse["entities"], stock_parse),
            ],
            slots=processor.domain.slots,
        )

        def predict():
            targets = [processor.model_metadata.core_target]
            return next(iter(processor.graph_runner.run(inputs={"__tracker__": tracker}, targets=targets).values()))

        stock_prediction, our_prediction = with_runner(STOCK["graph_runner"], predict), with_runner(ours, predict)
        results.append(((stock_parse, our_parse), (stock_prediction, our_prediction)))
    return results


def test_parses_match_dask_on_real_turns(both_runners):
    for (stock, ours), _ in both_runners:
        assert ours == stock
    assert both_runners[1][0][0]["intent"]["name"] == "ask_documents"  # real parses, not two empty results


def test_next_action_predictions_match_dask(both_runners):
    for _, (stock, ours) in both_runners:
        assert (ours.probabilities, ours.policy_name, ours.events) == (
            stock.probabilities,
            stock.policy_name,
            stock.events,
        )
    assert {stock.policy_name for _, (stock, _) in both_runners} & {"RulePolicy", "MemoizationPolicy"}
