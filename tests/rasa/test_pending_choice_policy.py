"""PendingChoicePolicy (assistant/components/pending_choice_policy.py) built as Rasa's graph builds it: right after
a clarifying question the answer goes to the guide whatever its intent, unless it clearly asks for something else."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.components.pending_choice_policy import DossierFollowupPolicy, PendingChoicePolicy, RatingAnswerPolicy
from tests.rasa.conftest import ROOT

GUIDE = "action_answer_procedure"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "assistant" / "domain.yml"))


@pytest.fixture(scope="module")
def policy(tmp_path_factory) -> PendingChoicePolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("policy"))
    context = ExecutionContext(GraphSchema({}), "test")
    config = PendingChoicePolicy.get_default_config()
    PendingChoicePolicy.create(config, storage, Resource("choice"), context).train([], Domain.empty())
    return PendingChoicePolicy.load(config, storage, Resource("choice"), context)


def tracker(
    domain, intent, *, asked_by=GUIDE, options=("1.014062", "1.014061"), entities=(), reply_kind=None, text="bé 6 tuổi"
):
    events = [
        ActionExecuted("action_listen"),
        UserUttered("làm căn cước cho con", intent={"name": "ask_procedure"}),
        ActionExecuted(asked_by),
    ]
    if reply_kind:
        events.append(BotUttered("…", data={"custom": {"reply": {"kind": reply_kind}}}))
    if options:
        events.append(SlotSet("pending_options", list(options)))
    events += [
        ActionExecuted("action_listen"),
        UserUttered(
            text,
            intent={"name": intent, "confidence": 0.9},
            entities=[{"entity": e, "value": "4"} for e in entities],
        ),
    ]
    return DialogueStateTracker.from_events("test", events, slots=domain.slots)


def predicted(policy, domain, tracker_) -> str | None:
    prediction = policy.predict_action_probabilities(tracker_, domain)
    best = max(prediction.probabilities)
    return domain.action_names_or_texts[prediction.probabilities.index(best)] if best > 0 else None


@pytest.mark.parametrize("intent", ["give_feedback", "rate_service", "inform", "affirm", "deny", "out_of_scope"])
def test_an_answer_to_a_clarifying_question_goes_to_the_guide_whatever_its_intent(policy, domain, intent):
    assert predicted(policy, domain, tracker(domain, intent)) == GUIDE


@pytest.mark.parametrize("intent", ["choose_option", "ask_queue_ticket", "request_human", "goodbye"])
def test_a_turn_that_clearly_asks_for_something_else_is_left_to_the_rules(policy, domain, intent):
    assert predicted(policy, domain, tracker(domain, intent)) is None


@pytest.mark.parametrize(
    ("text", "to_guide"),
    [
        ("Góp ý một chút: phòng chờ nóng quá", False),
        ("gop y la phuong nen lap quat", False),
        ("my suggestion is more chairs", False),
        ("thẻ của bà bị in sai năm sinh", True),  # feedback read from an answer: still the answer
    ],
)
def test_feedback_said_as_feedback_is_left_to_the_rules(policy, domain, text, to_guide):
    expected = GUIDE if to_guide else None
    assert predicted(policy, domain, tracker(domain, "give_feedback", text=text)) == expected


def test_without_a_pending_question_the_policy_predicts_nothing(policy, domain):
    assert predicted(policy, domain, tracker(domain, "give_feedback", options=())) is None
    assert predicted(policy, domain, tracker(domain, "give_feedback", asked_by="action_issue_ticket")) is None


def test_it_outranks_rules_only_by_priority(policy):
    assert policy.config["priority"] > 6  # RulePolicy's priority


def test_after_the_guide_answered_a_misread_turn_the_policy_listens(policy, domain):
    answered = tracker(domain, "rate_service")
    answered.update(ActionExecuted(GUIDE))
    assert predicted(policy, domain, answered) == "action_listen"


def test_a_rating_said_with_its_entity_is_left_to_the_rules(policy, domain):
    assert predicted(policy, domain, tracker(domain, "rate_service", entities=["rating"])) is None


@pytest.fixture(scope="module")
def followup_policy(tmp_path_factory) -> DossierFollowupPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("followup"))
    context = ExecutionContext(GraphSchema({}), "test")
    config = DossierFollowupPolicy.get_default_config()
    DossierFollowupPolicy.create(config, storage, Resource("followup"), context).train([], Domain.empty())
    return DossierFollowupPolicy.load(config, storage, Resource("followup"), context)


@pytest.mark.parametrize(
    ("asked_by", "kind"), [("action_dossier_status", "dossier_status"), ("action_dossier_help", "dossier_help")]
)
@pytest.mark.parametrize("intent", ["out_of_scope", "ask_where", "inform", "nlu_fallback"])
def test_a_question_right_after_a_dossier_answer_goes_to_the_dossier_followup(
    followup_policy, domain, asked_by, kind, intent
):
    after = tracker(domain, intent, asked_by=asked_by, options=(), reply_kind=kind)
    assert predicted(followup_policy, domain, after) == "action_dossier_followup"


@pytest.mark.parametrize("intent", ["check_dossier_status", "ask_queue_ticket", "goodbye", "thank", "rate_service"])
def test_after_a_dossier_answer_a_clear_other_request_is_left_to_the_rules(followup_policy, domain, intent):
    after = tracker(domain, intent, asked_by="action_dossier_status", options=(), reply_kind="dossier_status")
    assert predicted(followup_policy, domain, after) is None


def test_the_dossier_followup_needs_a_dossier_answer_just_before(followup_policy, domain):
    assert (
        predicted(
            followup_policy, domain, tracker(domain, "out_of_scope", asked_by=GUIDE, options=(), reply_kind="procedure")
        )
        is None
    )


def test_after_a_refusal_another_try_is_left_to_the_rules(followup_policy, domain):
    refused = tracker(domain, "inform", asked_by="action_dossier_status", options=(), reply_kind="dossier_refused")
    assert predicted(followup_policy, domain, refused) is None
    digits = tracker(
        domain,
        "inform",
        asked_by="action_dossier_status",
        options=(),
        reply_kind="dossier_status",
        entities=["id_last4"],
    )
    assert predicted(followup_policy, domain, digits) is None


STARS = [{"title": f"{n} sao", "payload": f'/rate_service{{"rating": "{n}"}}'} for n in range(5, 0, -1)]


@pytest.fixture(scope="module")
def rating_policy(tmp_path_factory) -> RatingAnswerPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("rating"))
    context = ExecutionContext(GraphSchema({}), "test")
    config = RatingAnswerPolicy.get_default_config()
    RatingAnswerPolicy.create(config, storage, Resource("rating"), context).train([], Domain.empty())
    return RatingAnswerPolicy.load(config, storage, Resource("rating"), context)


def rating_tracker(domain, text, *, buttons=STARS, intent="inform"):
    events = [
        ActionExecuted("action_listen"),
        UserUttered("đánh giá dịch vụ", intent={"name": "give_feedback"}),
        ActionExecuted("action_give_feedback"),
        BotUttered("Bạn chấm giúp tôi từ 1 đến 5 sao nhé.", data={"buttons": buttons}),
        ActionExecuted("action_listen"),
        UserUttered(text, intent={"name": intent, "confidence": 0.9}),
    ]
    return DialogueStateTracker.from_events("test", events, slots=domain.slots)


@pytest.mark.parametrize("text", ["4", "4 sao", "bốn sao", "5 stars", "2."])
def test_a_bare_rating_after_the_star_buttons_is_the_rating(rating_policy, domain, text):
    assert predicted(rating_policy, domain, rating_tracker(domain, text)) == "action_record_rating"


@pytest.mark.parametrize("text", ["9", "năm", "4 người", "mã hồ sơ 1234", "lấy số"])
def test_other_answers_after_the_star_buttons_are_left_to_the_rules(rating_policy, domain, text):
    assert predicted(rating_policy, domain, rating_tracker(domain, text)) is None


def test_a_bare_number_without_the_star_buttons_is_left_to_the_rules(rating_policy, domain):
    choices = [{"title": "Khai sinh", "payload": '/choose_option{"option": 1}'}]
    assert predicted(rating_policy, domain, rating_tracker(domain, "4", buttons=choices)) is None


def test_after_taking_the_rating_it_listens(rating_policy, domain):
    tracker_ = rating_tracker(domain, "4")
    tracker_.update(ActionExecuted("action_record_rating"))
    assert predicted(rating_policy, domain, tracker_) == "action_listen"
