"""Rasa policies that send a turn to the action its context calls for, whatever intent it got: the answer to a
clarifying question to the procedure guide (PendingChoicePolicy), a question right after a dossier answer to the
dossier follow-up (DossierFollowupPolicy), a bare number right after a rating was asked to the rating
(RatingAnswerPolicy).

After the assistant asked "which of these procedures?" (the ``pending_options`` slot holds the offered codes and
the previous bot action is the one that asked), the citizen often answers in their own words: "bé nhà em mới lên
lớp 1, 6 tuổi thôi", "thẻ của bà bị in sai năm sinh". The intent classifier reads such answers as feedback, an
inform or small talk; this policy predicts ``action_answer_procedure`` instead, which resolves the turn against
the offered procedures (knowledge_base.turn). Intents that clearly ask for something else (a ticket, an officer,
goodbye, picking "số 2" …) are left to the rules. It learns nothing and outranks RulePolicy only when it applies.
"""

import re
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from knowledge_base.text import tokens

LISTEN = "action_listen"


def _says_any(text: Optional[Text], phrases: List[Text]) -> bool:
    """Whether the text holds one of the phrases as whole words, both accent-folded."""
    padded = f" {' '.join(tokens(text or ''))} "
    return any(f" {' '.join(tokens(p))} " in padded for p in phrases)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class PendingChoicePolicy(Policy):
    """Predicts the guide action for a turn answering a pending clarifying question."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "priority": 7,  # above RulePolicy (6): a rule for the misread intent must not win
            "slot": "pending_options",
            "action": "action_answer_procedure",
            "asked_by": ["action_answer_procedure", "action_choose_option"],
            "other_intents": [
                "choose_option",
                "request_human",
                "ask_queue_ticket",
                "ask_queue_status",
                "check_dossier_status",
                "ask_dossier_code_help",
                "ask_opening_hours",
                "greet",
                "goodbye",
                "thank",
                "cancel",
                "complain",
                "bot_challenge",
            ],
            # an entity that says the turn is a rating or a dossier code ("cho 4 điểm" after the question)
            "other_entities": ["rating", "dossier_code", "id_last4"],
            # feedback read as feedback and said as feedback ("góp ý: phòng chờ nóng quá") is left to the rules;
            # feedback read from an answer ("thẻ của bà bị in sai năm sinh") is not. Accent-folded, whole words.
            "feedback_intents": ["give_feedback"],
            "feedback_cues": [
                "gop y",
                "kien nghi",
                "de xuat",
                "de nghi phuong",
                "phuong nen",
                "feedback",
                "suggestion",
                "i suggest",
            ],
        }

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Nothing to learn: the condition is the dialogue state."""
        return self._resource

    def applies(self, tracker: DialogueStateTracker) -> bool:
        """A user turn right after the bot asked a clarifying question, with an intent that is not clearly else."""
        slot = self.config["slot"]
        if tracker.latest_action_name != LISTEN or (slot and not tracker.get_slot(slot)):
            return False
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if intent in self.config["other_intents"] or tracker.active_loop_name:
            return False
        if intent in self.config.get("feedback_intents", []) and _says_any(
            tracker.latest_message.text, self.config.get("feedback_cues", [])
        ):
            return False
        entities = {e.get("entity") for e in (tracker.latest_message.entities or [])}
        if entities & set(self.config["other_entities"]):
            return False
        if self._previous_bot_action(tracker) not in self.config["asked_by"]:
            return False
        kinds = self.config.get("asked_kinds")
        return not kinds or self._last_reply_kind(tracker) in kinds

    @staticmethod
    def _last_reply_kind(tracker: DialogueStateTracker) -> Optional[Text]:
        """The kind of the structured reply (assistant/payload.py) of the assistant's last message."""
        for event in reversed(tracker.events):
            if isinstance(event, BotUttered):
                reply = ((event.data or {}).get("custom") or {}).get("reply") or {}
                return reply.get("kind") if isinstance(reply, dict) else None
        return None

    @staticmethod
    def _previous_bot_action(tracker: DialogueStateTracker) -> Optional[Text]:
        for event in reversed(tracker.events):
            if isinstance(event, ActionExecuted) and event.action_name != LISTEN:
                return event.action_name
        return None

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Certainty for the guide action when the policy applies, zero for every action otherwise."""
        probabilities = self._default_predictions(domain)
        if self.applies(tracker):
            probabilities[domain.index_for_action(self.config["action"])] = 1.0
        elif self._answered(tracker):  # no rule follows the guide action for a misread intent: listen
            probabilities[domain.index_for_action(LISTEN)] = 1.0
        return self._prediction(probabilities)

    def _answered(self, tracker: DialogueStateTracker) -> bool:
        """The guide action just answered a turn whose intent is not one left to the rules (the guide action is
        always followed by listening, whichever rule or story ran it)."""
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        return tracker.latest_action_name == self.config["action"] and intent not in self.config["other_intents"]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class DossierFollowupPolicy(PendingChoicePolicy):
    """Sends a question asked right after a dossier answer to the dossier follow-up action, whatever intent it got.

    "thế giờ tôi mang gì đi lấy", "nộp tiền ở đâu", "vậy lên lấy được chưa" after a dossier status are about that
    dossier; the classifier reads them as out of scope or as a procedure question with no procedure. The action
    answers from the status just given, or hands the turn to the guide when it names a procedure.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **PendingChoicePolicy.get_default_config(),
            "slot": None,
            "action": "action_dossier_followup",
            "asked_by": ["action_dossier_status", "action_dossier_help"],
            # only after a status was given or the code help: a refusal is followed by another try at the digits
            "asked_kinds": ["dossier_status", "dossier_help"],
            "other_intents": [
                "choose_option",
                "request_human",
                "ask_queue_ticket",
                "ask_queue_status",
                "check_dossier_status",
                "ask_opening_hours",
                "greet",
                "goodbye",
                "thank",
                "cancel",
                "complain",
                "bot_challenge",
                "affirm",
                "deny",
                "rate_service",
                "give_feedback",
            ],
        }


# "4", "4 sao", "bốn sao", "5 stars", "năm điểm": a rating and nothing else. A bare number word ("năm" is also
# "year") counts only with its unit; a digit counts alone.
_RATING_ONLY = re.compile(
    r"^\s*(?:[1-5]\s*(?:sao|điểm|diem|stars?)?|(?:một|mot|hai|ba|bốn|bon|tư|tu|năm|nam|one|two|three|four|five)\s*"
    r"(?:sao|điểm|diem|stars?))\s*[.!ạa]*\s*$",
    re.IGNORECASE,
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RatingAnswerPolicy(PendingChoicePolicy):
    """Sends a bare rating ("4", "bốn sao") right after the assistant asked for one to the rating action.

    The classifier reads a lone digit as the last digits of an ID (a dossier lookup) or as a choice; after "chấm
    giúp tôi từ 1 đến 5 sao" (the message carries the star buttons) it is the rating. Outside a form only.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "priority": 7,
            "action": "action_record_rating",
            "button_payload": "/rate_service",
        }

    def applies(self, tracker: DialogueStateTracker) -> bool:
        if tracker.latest_action_name != LISTEN or tracker.active_loop_name or not tracker.latest_message:
            return False
        if not _RATING_ONLY.match(tracker.latest_message.text or ""):
            return False
        return self._rating_asked(tracker)

    def _rating_asked(self, tracker: DialogueStateTracker) -> bool:
        """Whether the assistant's last message offered the star buttons."""
        for event in reversed(tracker.events):
            if isinstance(event, BotUttered):
                buttons = (event.data or {}).get("buttons") or []
                return any(str(b.get("payload", "")).startswith(self.config["button_payload"]) for b in buttons)
        return False

    def _answered(self, tracker: DialogueStateTracker) -> bool:
        """The rating action just took a bare rating this policy sent it (no rule follows it for that intent)."""
        text = tracker.latest_message.text if tracker.latest_message else None
        return tracker.latest_action_name == self.config["action"] and bool(_RATING_ONLY.match(text or ""))
