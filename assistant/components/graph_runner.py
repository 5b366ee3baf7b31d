"""Runs Rasa's model graph node by node in a precomputed order instead of through ``dask.get``.

Rasa 3.6's ``DaskGraphRunner.run`` rebuilds the minimal schema and a dask task graph on every call, then lets
dask's synchronous scheduler order and execute it (thread-pool futures, callbacks, a priority order). Each turn
runs the graph three times (one parse, two policy predictions), and under the 10-sender benchmark that
bookkeeping is ~15% of stock Rasa's busy time (py-spy), more than any single component.

``install()`` replaces ``run`` with one that works out, once per runner and target list, which nodes are needed
and in which order (dependencies first, like dask's depth-first order), and then simply calls them. The calling
convention is dask's: each node receives its parents' ``(name, output)`` pairs, an input placeholder receives
``(input_name, value)``, and a need that names neither gets the bare name (``GraphNode.__call__`` documents
all three). Errors propagate as in dask's runner: a node's exception is raised unchanged, ``RuntimeError`` becomes
``GraphRunError``.
"""

from typing import Any, Callable, Dict, List, Optional, Text, Tuple

_INSTALLED_FLAG = "_le_tan_so_sequential_runner"
_PLAN_ATTRIBUTE = "_le_tan_so_plans"

# One step: node name, the instantiated node, the names of what it needs (in the schema's order).
Step = Tuple[Text, Callable[..., Tuple[Text, Any]], Tuple[Text, ...]]


def execution_plan(needs_by_node: Dict[Text, List[Text]], targets: List[Text]) -> List[Text]:
    """Node names needed for ``targets``, each after everything it needs; names not in the map are inputs.

    Depth-first from each target in turn, so the order is deterministic and every node appears once.
    Raises ``ValueError`` on a cycle (Rasa validates schemas against cycles, so this is a safety net).
    """
    order: List[Text] = []
    state: Dict[Text, int] = {}  # 1 = on the current path, 2 = placed

    def visit(name: Text) -> None:
        if name not in needs_by_node or state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ValueError(f"the graph has a cycle through {name!r}")
        state[name] = 1
        for parent in needs_by_node[name]:
            visit(parent)
        state[name] = 2
        order.append(name)

    for target in targets:
        visit(target)
    return order


def run_plan(steps: List[Step], inputs: Optional[Dict[Text, Any]], targets: List[Text]) -> Dict[Text, Any]:
    """Execute ``steps`` in order and return ``{target: output}``, exactly as ``dict(dask.get(...))`` does."""
    results: Dict[Text, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
    for name, node, needs in steps:
        results[name] = node(*(results.get(parent, parent) for parent in needs))
    return dict(results[target] for target in targets)


def install() -> None:
    """Patch ``rasa.engine.runner.dask.DaskGraphRunner.run`` once per process (later calls do nothing)."""
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    if getattr(DaskGraphRunner, _INSTALLED_FLAG, False):
        return

    def steps_for(runner: DaskGraphRunner, targets: List[Text]) -> List[Step]:
        plans: Dict[Tuple[Text, ...], List[Step]] = runner.__dict__.setdefault(_PLAN_ATTRIBUTE, {})
        key = tuple(targets)
        if key not in plans:
            nodes = runner._graph_schema.nodes
            needs_by_node = {name: list(node.needs.values()) for name, node in nodes.items()}
            plans[key] = [
                (name, runner._instantiated_nodes[name], tuple(needs_by_node[name]))
                for name in execution_plan(needs_by_node, targets)
            ]
        return plans[key]

    def run(
        self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
    ) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        steps = steps_for(self, run_targets)
        if inputs:  # Rasa's check that no input value names a node of the graph that runs
            self._add_inputs_to_graph(inputs, {name: None for name, _, _ in steps})
        try:
            return run_plan(steps, inputs, run_targets)
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    DaskGraphRunner.run = run
    setattr(DaskGraphRunner, _INSTALLED_FLAG, True)
