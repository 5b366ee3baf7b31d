"""The action server's composition root: one ActionSettings, read at the entry point, reaches every action."""

from __future__ import annotations

import asyncio
import pickle

import pytest
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions import server
from assistant.actions.procedure_actions import ActionAnswerProcedure
from assistant.actions.settings import ActionSettings
from tests.assistant.conftest import make_tracker
from tests.assistant.stub_bridge import StubBridge


def test_every_action_of_the_served_executor_shares_one_provider_over_the_given_settings():
    settings = ActionSettings(_env_file=None, bridge_url="http://127.0.0.1:9")
    executor = server.build_executor(settings)
    providers = {id(function.__self__._services) for function in executor.actions.values()}
    assert len(providers) == 1
    assert next(iter(executor.actions.values())).__self__._services.settings is settings
    assert "action_answer_procedure" in executor.actions and "validate_dossier_form" in executor.actions


def test_the_settings_reach_the_worker_process_inside_the_pickled_executor():
    """Sanic hands the executor to its spawned worker pickled; the actions there still call the configured bridge."""
    with StubBridge() as bridge:
        settings = ActionSettings(_env_file=None, bridge_url=bridge.url, service_token="secret")
        worker_copy = pickle.loads(pickle.dumps(server.build_executor(settings)))
        hours = worker_copy.actions["action_opening_hours"]
        dispatcher = CollectingDispatcher()
        asyncio.run(hours(dispatcher, make_tracker("mấy giờ mở cửa", "ask_opening_hours"), {}))
    assert ("GET", "/api/desks") in bridge.requests
    assert bridge.headers[-1]["X-Service-Token"] == "secret"
    assert dispatcher.messages and dispatcher.messages[0]["text"]


def test_an_action_built_without_services_refuses_to_run_and_names_the_entry_point():
    action = ActionAnswerProcedure()  # what rasa-sdk's own package scan builds
    with pytest.raises(RuntimeError, match="python -m assistant.actions"):
        action.services  # noqa: B018


@pytest.mark.parametrize("option", [["--actions", "assistant.actions"], ["--auto-reload"], ["--grpc"]])
def test_options_that_would_load_the_actions_another_way_are_refused(option, capsys):
    with pytest.raises(SystemExit):
        server.parse_args([*option, "-p", "5055"])
    assert "not supported" in capsys.readouterr().err
