"""Rasa 3.6 checks every action-server reply with validators built once, one event branch at a time.

``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result, schema)``, which first re-checks
Rasa's own constant reply schema against the JSON-schema meta-schema (about 2.2 of the 3.3 ms each action call
spent validating, jsonschema 3.2.0, this machine). Then every event is tried against all 23 branches of the
schema's ``oneOf``, one per event type, although each branch pins ``event`` to its own constant.

``install()`` swaps in a method that validates with validators built once: the reply without the ``oneOf``, then
each event against the one branch its ``event`` names. Because the branch constants are distinct, an event
matches exactly one branch (what ``oneOf`` asks) exactly when it matches its own, so the verdict is the same. A
reply either check rejects goes through Rasa's original method, so errors read exactly as Rasa's; a schema whose
branches are not keyed that way is validated whole.
"""

import copy
from typing import Any, Callable, Dict, Text

_INSTALLED_FLAG = "_le_tan_so_fast_reply_validation"


def build_reply_check(schema: Dict[Text, Any]) -> Callable[[Any], bool]:
    """A function telling whether a reply is valid under ``schema`` (Rasa's action response format)."""
    from jsonschema.validators import validator_for

    validator = validator_for(schema)
    whole = validator(schema)
    try:
        items = schema["properties"]["events"]["items"]
        branches = items["oneOf"]
        keys = [branch["properties"]["event"]["const"] for branch in branches]
    except (KeyError, TypeError):
        return whole.is_valid
    if len(set(keys)) != len(keys):
        return whole.is_valid
    outer_schema = copy.deepcopy(schema)
    del outer_schema["properties"]["events"]["items"]["oneOf"]
    outer = validator(outer_schema)
    by_event = {key: validator(branch) for key, branch in zip(keys, branches)}

    def is_valid(reply: Any) -> bool:
        if not outer.is_valid(reply):
            return False
        events = reply.get("events", []) if isinstance(reply, dict) else []
        for event in events if isinstance(events, list) else []:
            branch = by_event.get(event.get("event"))
            if branch is None or not branch.is_valid(event):
                return False
        return True

    return is_valid


def install() -> None:
    """Patch ``rasa.core.actions.action.RemoteAction`` once per process (later calls do nothing)."""
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, _INSTALLED_FLAG, False):
        return
    is_valid = build_reply_check(RemoteAction.action_response_format_spec())
    original = RemoteAction._validate_action_result

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        if is_valid(result):
            return True
        return original(self, result)  # raises ValidationError with Rasa's explanation

    RemoteAction._validate_action_result = _validate_action_result
    setattr(RemoteAction, _INSTALLED_FLAG, True)
