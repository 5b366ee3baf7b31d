"""The keyed action-reply check (assistant/components/action_reply_validation.py) gives jsonschema's verdict on
Rasa's real reply schema, in real Rasa (.venv-rasa, Python 3.10), for valid replies and each way of breaking one."""
from __future__ import annotations

import json


from tests.assistant.rasa_probe import run_probe

_PROBE = r'''
import json, sys
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from assistant.components.action_reply_validation import build_reply_check
schema = RemoteAction.action_response_format_spec()
whole = validator_for(schema)(schema)
keyed = build_reply_check(schema)
cases = json.loads(sys.stdin.read())
print(json.dumps([[whole.is_valid(c), keyed(c)] for c in cases]))
'''

SLOT = {"event": "slot", "timestamp": None, "name": "language", "value": "en"}
CASES = [
    {"events": [SLOT, {"event": "followup", "name": "utter_greet"}], "responses": [{"text": "Xin chào", "buttons": []}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "reset_slots"}, {"event": "active_loop", "name": None}], "responses": []},
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
    verdicts = run_probe(_PROBE, stdin=json.dumps(CASES))
    assert [whole for whole, _ in verdicts][:4] == [True] * 4  # the valid ones really are valid
    assert not any(whole for whole, _ in verdicts[4:])  # and each broken one really is broken
    assert [keyed for _, keyed in verdicts] == [whole for whole, _ in verdicts]
