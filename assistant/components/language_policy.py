"""A Rasa policy that fills the ``language`` slot inside Rasa, so no turn pays an action-server call for it.

It never predicts an action (all probabilities are 0, lowest priority); its prediction only carries a
``SlotSet("language", "vi"|"en")`` event when the latest user message changes the language. Rasa applies
policy events before the predicted action runs, so fixed responses conditioned on the slot (``utter_greet``
…) and custom actions already see this turn's language. The detection itself is the plain function
``assistant.actions.language.language_of_turn``, shared with the action server.
"""

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.actions.language import language_of_turn


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LanguageSlotPolicy(Policy):
    """Sets the language slot from the latest user text; has nothing to learn and never wins a prediction."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 0, "slot": "language"}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn: the detection is rule-based."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Zero for every action, plus a SlotSet event when this turn's language differs from the slot."""
        slot = self.config["slot"]
        latest = tracker.latest_message
        events = []
        if latest is not None and latest.text is not None:
            current = tracker.get_slot(slot)
            language = language_of_turn(latest.text, current)
            if language != current:
                events.append(SlotSet(slot, language))
        return self._prediction(self._default_predictions(domain), events=events)
