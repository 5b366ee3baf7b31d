"""RulePolicy's search for the rules that fit a conversation, on rules parsed once instead of at every check.

Rasa 3.6's ``RulePolicy._get_possible_keys`` walks the conversation's states from the newest back to the very
first and, at every step, filters the surviving rule keys through ``_is_rule_applicable``, which rebuilds the
rule's reversed state list from its JSON key (``list(reversed(json.loads(...)))``, the parse itself cached) and
re-reads each expected value, converting lists to tuples, on every check. With ~150 rules and a dozen states per
turn that is ~18 % of stock Rasa's busy time (cProfile on the CPU clock, 10 senders).

``install()`` replaces it with the same filter on rules compiled once per rule key (reversed states, each a flat
list of the values it requires or forbids) and stops as soon as every surviving rule is shorter than the steps
already walked: from there Rasa's filter keeps every key, so the answer is the same set.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Set, Text, Tuple

_INSTALLED_FLAG = "_le_tan_so_rule_matching"

Check = Tuple[Text, Text, Any, bool]
"""(state type, key, value the rule states, True when the value is Rasa's SHOULD_NOT_BE_SET marker)."""
CompiledState = Tuple[bool, List[Check]]
"""(the rule state has a previous action, its checks)."""


def compile_rule(rule_key: Text, previous_action: Text, should_not_be_set: Text) -> List[CompiledState]:
    """The rule's states newest first, each reduced to what ``RulePolicy._does_rule_match_state`` compares."""
    compiled: List[CompiledState] = []
    for rule_state in reversed(json.loads(rule_key)):
        checks: List[Check] = []
        for state_type, sub_state in rule_state.items():
            for key, value in sub_state.items():
                if isinstance(value, list):  # JSON turned tuples into lists, as Rasa's own check says
                    value = tuple(value)
                if value:  # Rasa checks only values that are set
                    checks.append((state_type, key, value, value == should_not_be_set))
        compiled.append((bool(rule_state.get(previous_action)), checks))
    return compiled


def _state_fits(
    rule_state: CompiledState, conversation_state: Dict[Text, Any], previous_action: Text, should_not_be_set: Text
) -> bool:
    """``RulePolicy._is_rule_applicable`` for a turn the rule reaches, on a compiled rule state."""
    rule_has_previous, checks = rule_state
    conversation_has_previous = bool(conversation_state.get(previous_action))
    if not rule_has_previous or not conversation_has_previous:
        return not rule_has_previous and not conversation_has_previous
    for state_type, key, value, forbidden in checks:
        found = conversation_state.get(state_type, {}).get(key)
        if forbidden:
            if found and found != should_not_be_set:
                return False
        elif found != value:
            return False
    return True


def install() -> None:
    """Patch ``RulePolicy._get_possible_keys`` once per process (later calls do nothing)."""
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET

    if getattr(RulePolicy, _INSTALLED_FLAG, False):
        return
    compiled_rules: Dict[Text, List[CompiledState]] = {}

    def compiled(rule_key: Text) -> List[CompiledState]:
        rule = compiled_rules.get(rule_key)
        if rule is None:
            rule = compiled_rules[rule_key] = compile_rule(rule_key, PREVIOUS_ACTION, SHOULD_NOT_BE_SET)
        return rule

    def _get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[Dict[Text, Any]]) -> Set[Text]:
        possible = [(key, compiled(key)) for key in lookup]
        for turn_index, state in enumerate(reversed(states)):
            if all(turn_index >= len(rule) for _, rule in possible):
                break  # every rule left is satisfied by the turns already walked: Rasa keeps them all
            possible = [
                (key, rule)
                for key, rule in possible
                if turn_index >= len(rule) or _state_fits(rule[turn_index], state, PREVIOUS_ACTION, SHOULD_NOT_BE_SET)
            ]
        return {key for key, _ in possible}

    RulePolicy._get_possible_keys = _get_possible_keys
    setattr(RulePolicy, _INSTALLED_FLAG, True)
