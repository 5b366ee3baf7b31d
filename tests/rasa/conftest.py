"""Fixtures for the tests that run inside Rasa: the repository paths and the trained assistant model."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "rasa" / "assistant.tar.gz"


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The trained model; a missing one fails the test (rasa_checks.sh trains it before running these)."""
    if not MODEL.exists():
        pytest.fail(f"no trained Rasa model at {MODEL}: run `make setup` or `bash assistant/scripts/rasa_checks.sh`")
    return MODEL


@pytest.fixture(scope="session")
def agent(model_path: Path):
    """The assistant model loaded once by Rasa's own ``Agent.load``."""
    from rasa.core.agent import Agent

    logging.getLogger("rasa").setLevel(logging.WARNING)
    return Agent.load(str(model_path))


def run(coroutine):
    """Run one coroutine to completion (Rasa's parse and store calls are async)."""
    return asyncio.run(coroutine)


def _stock_rasa() -> dict:
    """Rasa's own versions of every symbol assistant/components/patches.py replaces, taken before any test patches."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from assistant.components.patches import PATCHES

    stock = {
        "graph_runner": DaskGraphRunner.run,
        "event_lookup": Event.resolve_by_type,
        "action_reply_validation": RemoteAction._validate_action_result,
        "action_session": EndpointConfig.session,
        "rule_matching": RulePolicy._get_possible_keys,
        "past_states": DialogueStateTracker.past_states,
    }
    assert sorted(stock) == sorted(patch.name for patch in PATCHES), "a patch without its stock symbol here"
    for owner in (DaskGraphRunner, Event, RemoteAction, EndpointConfig, RulePolicy, DialogueStateTracker):
        assert not [name for name in vars(owner) if name.startswith("_le_tan_so")], f"{owner} already patched"
    return stock


STOCK = _stock_rasa()
