"""The keyed action-reply check (assistant/components/action_reply_validation.py) gives jsonschema's verdict on
Rasa's real reply schema for valid replies and each way of breaking one, and the installed method accepts and
rejects as Rasa's does (with Rasa's error message)."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from assistant.components import action_reply_validation
from assistant.components.action_reply_validation import build_reply_check
from tests.rasa.conftest import STOCK

SLOT = {"event": "slot", "timestamp": None, "name": "language", "value": "en"}
VALID = [
    {
        "events": [SLOT, {"event": "followup", "name": "utter_greet"}],
        "responses": [{"text": "Xin chào", "buttons": []}],
    },
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "reset_slots"}, {"event": "active_loop", "name": None}], "responses": []},
]
BROKEN = [
    {"events": [{**SLOT, "timestamp": "yesterday"}], "responses": []},  # wrong type inside a branch
    {"events": [{"event": "no_such_event"}], "responses": []},  # no branch
    {"events": [{"name": "language"}], "responses": []},  # no event key
    {"events": [{"event": "slot", "name": 1}], "responses": []},
    {"events": [{"event": "user", "parse_data": {"intent": {"name": 3}}}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [5], "responses": []},
    {"events": [], "responses": "not a list"},
    [],
    None,
]


def test_keyed_check_agrees_with_jsonschema_on_every_case():
    schema = RemoteAction.action_response_format_spec()
    whole = validator_for(schema)(schema)
    keyed = build_reply_check(schema)
    assert [whole.is_valid(case) for case in VALID] == [True] * len(VALID)  # the valid ones really are valid
    assert not any(whole.is_valid(case) for case in BROKEN)  # and each broken one really is broken
    assert [keyed(case) for case in VALID + BROKEN] == [whole.is_valid(case) for case in VALID + BROKEN]


@pytest.mark.parametrize("reply", BROKEN[:5], ids=["bad-timestamp", "no-branch", "no-event-key", "slot-name", "intent"])
def test_installed_method_rejects_with_rasas_error(reply):
    action_reply_validation.install()
    assert RemoteAction._validate_action_result is not STOCK["action_reply_validation"]
    action = RemoteAction("action_answer_procedure", None)
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(reply)
    with pytest.raises(ValidationError) as stock:
        STOCK["action_reply_validation"](action, reply)
    assert ours.value.message == stock.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_installed_method_accepts_valid_replies():
    action_reply_validation.install()
    action = RemoteAction("action_answer_procedure", None)
    assert [action._validate_action_result(reply) for reply in VALID] == [True] * len(VALID)
