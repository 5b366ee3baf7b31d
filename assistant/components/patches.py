"""Every change the assistant makes to Rasa's internals, in one list, installed by one call.

Rasa 3.6 is extended the supported way where it can be (registered graph components: the featurizer, the intent
classifier, the language policy). Six hot spots of Rasa's own per-turn code are replaced instead; each entry below
names the replaced symbol, the Rasa version it was checked against, what it measurably saves and the test (run by
``.venv-rasa``'s pytest, ``tests/rasa/``) that shows it gives Rasa's own results.

``install_all()`` is called once, by ``assistant.rasa_launcher`` before Rasa's command line starts. It patches
nothing when ``LETANSO_RASA_PATCHES=0`` (stock Rasa then runs the same model and stories) or when the installed
Rasa is not the version the list was checked against (a warning says so): an internal that moved or changed
meaning must be re-checked, not patched blind.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Callable, List, Mapping, Optional

from assistant.components import (
    action_reply_validation,
    action_session,
    event_lookup,
    graph_runner,
    past_states,
    rule_matching,
)

CHECKED_RASA_VERSION = "3.6.21"
SWITCH = "LETANSO_RASA_PATCHES"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RasaPatch:
    """One replaced Rasa internal."""

    name: str
    """Short name, also the module in ``assistant/components/`` that holds it."""
    symbol: str
    """The dotted Rasa attribute that is replaced."""
    gain: str
    """What it saved, as measured (CPU per turn under ``benchmarks/bench_dialogue.py``, or a profile's share)."""
    equivalence_test: str
    """The test in ``tests/rasa/`` that compares it with Rasa's own behaviour."""
    install: Callable[[], None]
    """Replaces the symbol; idempotent (a second call does nothing)."""


PATCHES: List[RasaPatch] = [
    RasaPatch(
        name="graph_runner",
        symbol="rasa.engine.runner.dask.DaskGraphRunner.run",
        gain="dask's per-call scheduling is ~15% of stock Rasa's busy time (py-spy, 10 senders); "
        "with the classifier's direct probabilities (sparse_intent_classifier.py), 8.3 -> 5.5 CPU ms per turn",
        equivalence_test="tests/rasa/test_graph_runner.py (parses and predictions equal to dask's on the model)",
        install=graph_runner.install,
    ),
    RasaPatch(
        name="event_lookup",
        symbol="rasa.shared.core.events.Event.resolve_by_type",
        gain="~1.5 of ~11 CPU ms per turn (cProfile; ~5 ms with 100+ event trackers)",
        equivalence_test="tests/rasa/test_event_lookup.py (same class as Rasa's for every event type name)",
        install=event_lookup.install,
    ),
    RasaPatch(
        name="action_reply_validation",
        symbol="rasa.core.actions.action.RemoteAction._validate_action_result",
        gain="0.58 -> 0.06 ms per action call (jsonschema 3.2.0)",
        equivalence_test="tests/rasa/test_action_reply_validation.py (jsonschema's verdicts and Rasa's errors)",
        install=action_reply_validation.install,
    ),
    RasaPatch(
        name="action_session",
        symbol="rasa.utils.endpoints.EndpointConfig.session",
        gain="~0.8 of ~8 CPU ms per turn (a TCP connect per action call on both sides; py-spy, 10 senders)",
        equivalence_test="tests/rasa/test_action_session.py (one connection, same replies, closed kept one resent)",
        install=action_session.install,
    ),
    RasaPatch(
        name="rule_matching",
        symbol="rasa.core.policies.rule_policy.RulePolicy._get_possible_keys",
        gain="rule search 0.21 -> 0.09 ms per predicted action (RULES + loop rules, the 550 story states; in process)",
        equivalence_test="tests/rasa/test_rule_matching.py (same rule keys as Rasa's on every state of the stories "
        "and rules, same predictions)",
        install=rule_matching.install,
    ),
    RasaPatch(
        name="past_states",
        symbol="rasa.shared.core.trackers.DialogueStateTracker.past_states",
        gain="0.30 -> 0.14 ms per prediction (memoization + rule policy, story trackers; a 106-event one 3.7 -> 1.3; "
        "in process)",
        equivalence_test="tests/rasa/test_past_states.py (same states as Rasa's for every story tracker and argument, "
        "same predictions)",
        install=past_states.install,
    ),
]


def patches_wanted(environ: Mapping[str, str]) -> bool:
    """False when the switch is set to 0 / false / no / off."""
    return environ.get(SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def install_all(environ: Optional[Mapping[str, str]] = None, rasa_version: Optional[str] = None) -> List[str]:
    """Install every patch and return their names, or install none and return ``[]`` (switched off, other Rasa)."""
    environ = os.environ if environ is None else environ
    if not patches_wanted(environ):
        return []
    if rasa_version is None:
        from rasa.version import __version__ as rasa_version
    if rasa_version != CHECKED_RASA_VERSION:
        logger.warning(
            "Rasa %s is not %s, which the assistant's Rasa patches were checked against: running stock "
            "Rasa (see assistant/components/patches.py).",
            rasa_version,
            CHECKED_RASA_VERSION,
        )
        return []
    for patch in PATCHES:
        patch.install()
    return [patch.name for patch in PATCHES]
