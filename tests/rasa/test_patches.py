"""The list of Rasa patches (assistant/components/patches.py) and the launcher that installs it: every entry names
a real Rasa symbol and an existing test; nothing is patched when switched off or on another Rasa version."""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import replace
from importlib import import_module

import pytest

from assistant.components import patches
from assistant.components.patches import CHECKED_RASA_VERSION, PATCHES, install_all
from tests.rasa.conftest import ROOT, STOCK


def current(symbol: str):
    """The object now found at a dotted ``module.Class.attribute`` path."""
    module_name, class_name, attribute = symbol.rsplit(".", 2)
    return getattr(getattr(import_module(module_name), class_name), attribute)


def test_every_entry_names_a_rasa_symbol_a_module_a_gain_and_an_existing_test():
    assert [patch.name for patch in PATCHES] == [
        "graph_runner",
        "event_lookup",
        "action_reply_validation",
        "action_session",
        "rule_matching",
        "past_states",
    ]
    for patch in PATCHES:
        assert patch.symbol.startswith("rasa.") and current(patch.symbol) is not None
        assert patch.install.__module__ == f"assistant.components.{patch.name}"
        assert patch.gain
        assert (ROOT / patch.equivalence_test.split(" ")[0]).is_file(), patch.equivalence_test


@pytest.fixture
def recorded(monkeypatch) -> list:
    """The patch list with each ``install`` replaced by a recorder: which patches would have been installed."""
    calls: list = []
    monkeypatch.setattr(
        patches, "PATCHES", [replace(patch, install=lambda name=patch.name: calls.append(name)) for patch in PATCHES]
    )
    return calls


@pytest.mark.parametrize("value", ["1", "", "yes"])
def test_by_default_every_patch_is_installed(recorded, value):
    assert install_all({patches.SWITCH: value}) == [patch.name for patch in PATCHES]
    assert recorded == [patch.name for patch in PATCHES]


@pytest.mark.parametrize("value", ["0", "false", "off", " NO "])
def test_the_switch_turns_every_patch_off(recorded, value):
    assert install_all({patches.SWITCH: value}) == []
    assert recorded == []


def test_another_rasa_version_is_refused_with_a_warning(recorded, caplog):
    with caplog.at_level(logging.WARNING, logger="assistant.components.patches"):
        assert install_all({}, rasa_version="3.6.20") == []
    assert recorded == []
    assert "Rasa 3.6.20 is not 3.6.21" in caplog.text and "stock Rasa" in caplog.text


def test_install_all_replaces_every_symbol_once():
    assert install_all({patches.SWITCH: "1"}) == [patch.name for patch in PATCHES]
    replaced = {patch.symbol: current(patch.symbol) for patch in PATCHES}
    assert all(replaced[patch.symbol] is not STOCK[patch.name] for patch in PATCHES)
    install_all({})  # a second call changes nothing
    assert {patch.symbol: current(patch.symbol) for patch in PATCHES} == replaced


def launcher(*args: str, switch: str | None = None) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONPATH": str(ROOT),
    }
    if switch is not None:
        env[patches.SWITCH] = switch
    return subprocess.run(
        [sys.executable, "-m", "assistant.rasa_launcher", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_launcher_installs_the_list_then_runs_rasas_cli():
    result = launcher("--version")
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"Rasa Version      :         {CHECKED_RASA_VERSION}" in result.stdout
    assert (
        "Rasa patches: graph_runner, event_lookup, action_reply_validation, action_session, rule_matching, past_states"
    ) in result.stderr


def test_the_launcher_runs_stock_rasa_when_switched_off():
    result = launcher("--version", switch="0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Rasa patches: none (stock Rasa" in result.stderr
