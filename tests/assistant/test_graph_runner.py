"""The in-order graph runner (assistant/components/graph_runner.py): the plan's order and calling convention on
toy graphs, and the same outputs as dask on the trained assistant model in real Rasa (.venv-rasa)."""
from __future__ import annotations

import pytest

from assistant.components.graph_runner import execution_plan, run_plan
from tests.assistant.rasa_probe import MODEL, run_probe


class RecordingNode:
    """A graph node that records what it received and returns ``(name, output)`` like Rasa's GraphNode."""

    def __init__(self, name: str, calls: list) -> None:
        self.name, self.calls = name, calls

    def __call__(self, *inputs):
        self.calls.append((self.name, inputs))
        return self.name, f"{self.name}<{','.join(str(i[1]) if isinstance(i, tuple) else i for i in inputs)}>"


NEEDS = {"tokens": ["__message__"], "features": ["tokens"], "intent": ["features", "tokens"],
         "unused": ["__message__"], "domain": [], "ranked": ["intent", "domain", "__missing__"]}


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


# Runs in .venv-rasa: loads the trained model (which installs the runner), then parses turns and predicts the next
# action on one-turn trackers with dask's runner and with ours, and prints whether each pair is identical.
_PROBE = r'''
import asyncio, json, logging, sys
logging.disable(logging.WARNING)
from rasa.engine.runner.dask import DaskGraphRunner
dask_run = DaskGraphRunner.run
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
agent = Agent.load(sys.argv[1])
processor = agent.processor
runner = processor.graph_runner
out = {"installed": DaskGraphRunner.run is not dask_run, "parse": [], "predict": []}

def with_runner(run, call):
    DaskGraphRunner.run = run
    try:
        return call()
    finally:
        DaskGraphRunner.run = ours

ours = DaskGraphRunner.run
texts = ["xin chào", "lam giay khai sinh can gi", "lệ phí bao nhiêu", "nộp ở quầy nào", "how much does it cost",
         "hồ sơ 000.00.20.H26-250801-0001 đến đâu rồi", "số 2", "cho tôi gặp cán bộ", "", "😀🙏"]
for text in texts:
    parse = lambda: asyncio.run(processor.parse_message(UserMessage(text)))
    a, b = with_runner(dask_run, parse), with_runner(ours, parse)
    out["parse"].append([a == b, a["intent"]["name"]])
    tracker = DialogueStateTracker.from_events("probe", [ActionExecuted("action_listen"),
                                                         UserUttered(text, a["intent"], a["entities"], a)],
                                               slots=processor.domain.slots)
    predict = lambda: runner.run(inputs={"__tracker__": tracker}, targets=[processor.model_metadata.core_target])
    pa, pb = with_runner(dask_run, predict), with_runner(ours, predict)
    first, second = next(iter(pa.values())), next(iter(pb.values()))
    out["predict"].append([first.probabilities == second.probabilities and first.policy_name == second.policy_name
                           and first.events == second.events, first.max_confidence_index, first.policy_name])
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def probe() -> dict:
    return run_probe(_PROBE, str(MODEL), needs_model=True)


def test_loading_the_model_installs_the_runner(probe):
    assert probe["installed"]


def test_parses_match_dask_on_real_turns(probe):
    assert [same for same, _ in probe["parse"]] == [True] * len(probe["parse"])
    assert probe["parse"][1][1] == "ask_documents"  # and they are real parses, not two empty results


def test_next_action_predictions_match_dask(probe):
    assert [same for same, _, _ in probe["predict"]] == [True] * len(probe["predict"])
    assert {policy for _, _, policy in probe["predict"]} & {"RulePolicy", "MemoizationPolicy"}
