"""A tracker's past states replayed once per prediction instead of once per policy call.

Rasa 3.6's ``DialogueStateTracker.past_states`` (``Domain.states_for_tracker_history``) replays every event of the
conversation into a fresh tracker (copying each slot at every step) and reads the state before each action. One
prediction asks it two or three times on the same tracker: MemoizationPolicy once (rule-only turns hidden),
RulePolicy once or twice (with text, then with intents, nothing hidden). That replay is ~20 % of stock Rasa's busy
time (cProfile on the CPU clock, 10 senders).

``install()`` keeps, on the tracker, what the replay read at each step (the state, the previous action, whether
the turn is a rule-only one) for as long as the tracker's events are unchanged, and builds each asked-for list from
it with Rasa's own loop and helpers: the same states, as fresh dicts every call (callers edit them in place).
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, List, Optional, Text, Tuple

_INSTALLED_FLAG = "_le_tan_so_past_states"
_CACHE_ATTRIBUTE = "_le_tan_so_prior_steps"

Step = Tuple[Dict[Text, Dict[Text, Any]], Optional[Dict[Text, Any]], bool, bool]
"""(the active state before the action, the previous action's sub-state, the action hides a rule-only turn,
the step keeps the hidden flag: a follow-up action or the active loop's own action)."""


class PriorSteps:
    """What one replay read, valid while the tracker's events and the domain are those it was made from.

    A copied tracker (``copy.copy``, ``deepcopy``, pickle) starts without it: the copy is replayed on its own."""

    def __init__(self, stamp: Tuple[int, int, int, bool], domain: Any, steps: List[Step]) -> None:
        self.stamp, self.domain, self.steps = stamp, weakref.ref(domain), steps

    def fits(self, stamp: Tuple[int, int, int, bool], domain: Any) -> bool:
        return self.stamp == stamp and self.domain() is domain

    def __copy__(self) -> None:
        return None

    def __deepcopy__(self, memo: Dict[int, Any]) -> None:
        return None

    def __reduce__(self) -> Tuple[Any, Tuple[()]]:
        return type(None), ()


def _stamp(tracker: Any, omit_unset_slots: bool) -> Tuple[int, int, int, bool]:
    events = tracker.events
    return id(events), len(events), id(events[-1]) if events else 0, omit_unset_slots


def prior_steps(domain: Any, tracker: Any, omit_unset_slots: bool) -> List[Step]:
    """One replay of the tracker's events (``generate_all_prior_trackers``), read the way Rasa's loop reads it."""
    steps: List[Step] = []
    for prior, hide_rule_turn in tracker.generate_all_prior_trackers():
        keeps_hidden = bool(prior.followup_action) or prior.latest_action_name == prior.active_loop_name
        steps.append(
            (
                domain.get_active_state(prior, omit_unset_slots=omit_unset_slots),
                domain._get_prev_action_sub_state(prior),
                bool(hide_rule_turn),
                keeps_hidden,
            )
        )
    return steps


def states_from_steps(
    domain: Any, steps: List[Step], ignore_rule_only_turns: bool, rule_only_data: Optional[Dict[Text, Any]]
) -> List[Dict[Text, Any]]:
    """``Domain.states_for_tracker_history``'s loop over recorded steps; every state and sub-state a new dict."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    states: List[Dict[Text, Any]] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for recorded, previous_action, hide_rule_turn, keeps_hidden in steps:
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = previous_action
            if not keeps_hidden:
                turn_was_hidden = hide_rule_turn
            if turn_was_hidden:
                continue
        state = {state_type: dict(sub_state) for state_type, sub_state in recorded.items()}
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = dict(last_ml_action_sub_state)
        states.append(domain._clean_state(state))
    return states


def install() -> None:
    """Patch ``DialogueStateTracker.past_states`` once per process (later calls do nothing)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    if getattr(DialogueStateTracker, _INSTALLED_FLAG, False):
        return

    def past_states(
        self: Any,
        domain: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[Dict[Text, Any]]:
        stamp = _stamp(self, omit_unset_slots)
        recorded = self.__dict__.get(_CACHE_ATTRIBUTE)
        if recorded is None or not recorded.fits(stamp, domain):
            recorded = PriorSteps(stamp, domain, prior_steps(domain, self, omit_unset_slots))
            self.__dict__[_CACHE_ATTRIBUTE] = recorded
        return states_from_steps(domain, recorded.steps, ignore_rule_only_turns, rule_only_data)

    past_states.__doc__ = DialogueStateTracker.past_states.__doc__
    DialogueStateTracker.past_states = past_states
    setattr(DialogueStateTracker, _INSTALLED_FLAG, True)
