"""Thin actions over the recording bridge: intent → reply text, buttons and slot events."""

from __future__ import annotations

import pytest

from assistant.actions.base import turn_language
from assistant.actions.bridge_client import DossierLookup
from assistant.actions.dossier_actions import ActionDossierStatus
from assistant.actions.procedure_actions import ActionAnswerProcedure, ActionChooseOption
from assistant.actions.service_actions import (
    ActionDeclineOffer,
    ActionHandoffHuman,
    ActionIssueTicket,
    ActionOpeningHours,
)
from tests.assistant.conftest import make_tracker, run_action, slot_events
from tests.assistant.fakes import FOUND_DOSSIER
from tests.assistant.replies_text import REPLIES, says


@pytest.mark.parametrize(
    ("text", "intent", "expected_fragments"),
    [
        ("làm giấy khai sinh cho con cần gì", "ask_documents", ["1.001193", "Giấy tờ số 1", "2 mục khác"]),
        ("cho hoi lam giay khai sinh", "ask_procedure", ["1.001193", "lệ phí"]),
        ("lệ phí đăng ký kết hôn bao nhiêu", "ask_fee", ["1.000894", "miễn lệ phí"]),
        ("dang ky ket hon mat bao lau", "ask_processing_time", ["1.000894", "Trong ngày làm việc"]),
        ("làm khai sinh nộp ở quầy nào", "ask_where", ["1.001193", "Quầy 1", "Tầng 1", "số thứ tự"]),
        ("khai sinh có nộp online được không", "ask_online", ["1.001193", "trực tuyến", "dichvucong.gov.vn"]),
        ("các bước đăng ký khai sinh", "ask_steps", ["1.001193", "3 bước", "Bước 1"]),
        ("căn cứ pháp lý đăng ký kết hôn", "ask_legal_basis", ["1.000894", "123/2015/NĐ-CP"]),
        ("what documents do I need for birth registration", "ask_documents", ["code 1.001193", "needs"]),
        ("how much is marriage registration", "ask_fee", ["code 1.000894", "free of charge"]),
    ],
)
def test_procedure_question_is_answered_from_the_record(services, bridge, text, intent, expected_fragments):
    messages, events = run_action(ActionAnswerProcedure(services), make_tracker(text, intent))
    assert len(messages) == 1
    for fragment in expected_fragments:
        assert fragment in messages[0]["text"]
    slots = slot_events(events)
    assert slots["procedure_code"] in {"1.001193", "1.000894"}
    assert [c["text"] for c in bridge.called("turn")] == [text]  # one turn decision, on the citizen's words
    payload = messages[0]["custom"]["reply"] if "custom" in messages[0] else messages[0]["json_message"]["reply"]
    assert payload["kind"] == "procedure" and payload["procedure"]["code"] == slots["procedure_code"]
    assert len(payload["speech"]) <= 200 and "…" not in payload["speech"]
    assert [s["payload"] for s in payload["suggestions"]][:2] == ["/ask_fee", "/ask_processing_time"]


def test_follow_up_keeps_the_current_procedure_without_searching(services, bridge):
    tracker = make_tracker("mất bao lâu?", "ask_processing_time", slots={"procedure_code": "1.001193"})
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    assert "1.001193" in messages[0]["text"]
    assert bridge.called("search") == []
    assert slot_events(events)["procedure_code"] == "1.001193"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("lệ phí?", "ask_procedure"), ("fee?", "nlu_fallback"), ("có tốn tiền hông", "ask_processing_time")],
)
def test_an_elliptic_follow_up_is_answered_on_the_topic_its_words_ask(services, text, intent):
    tracker = make_tracker(text, intent, slots={"procedure_code": "1.000894"})
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    payload = messages[0]["custom"]["reply"] if "custom" in messages[0] else messages[0]["json_message"]["reply"]
    assert payload["procedure"]["code"] == "1.000894" and payload["procedure"]["topic"] == "fee"
    assert slot_events(events)["last_topic"] == "fee"


def test_details_list_everything_about_the_current_procedure_without_searching(services, bridge):
    tracker = make_tracker(
        "đọc hết cho tôi nghe", "ask_details", slots={"procedure_code": "1.001193", "last_topic": "documents"}
    )
    messages, _ = run_action(ActionAnswerProcedure(services), tracker)
    assert all(f"Giấy tờ số {i}" in messages[0]["text"] for i in range(1, 6))
    assert bridge.called("search") == []


@pytest.mark.parametrize(
    ("text", "words"), [("muốn ly hôn thì nộp ở đâu", "Tòa án"), ("where do I file for a divorce", "People's Court")]
)
def test_a_matter_outside_the_catalogue_says_who_handles_it(services, bridge, text, words):
    from knowledge_base.turn.outside import default_outside_matters

    matter = default_outside_matters().find("ly hôn")

    async def outside_turn(text, **kwargs):
        return {
            "kind": "not_at_ward",
            "code": None,
            "name": None,
            "choices": [],
            "elsewhere": None,
            "follow_up": False,
            "reason": "outside_catalogue",
            "topic": None,
            "matter": matter.to_json(),
        }

    bridge.turn = outside_turn
    tracker = make_tracker(text, "ask_where")
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    assert messages[0]["custom"]["reply"]["kind"] == "not_at_ward" and words in messages[0]["text"]
    slots = slot_events(events)
    assert slots["pending_offer"] == "human" and slots["outside_matter"] == "divorce"
    assert slots["procedure_code"] is None  # the matter is current now: "thế mất bao lâu" is asked about it


@pytest.mark.parametrize(
    ("text", "topic", "language", "words"),
    [
        ("thế mất bao lâu", "time", "vi", "tháng"),
        ("lệ phí bao nhiêu", "fee", "vi", "300.000"),
        ("how much does it cost", "fee", "en", "300,000"),
        ("có nộp online được không", "online", "vi", "trực tuyến"),
        ("thế có cần luật sư không", "overview", "vi", "Tòa án"),
    ],
)
def test_a_follow_up_after_an_outside_referral_is_answered_about_that_matter(
    services, bridge, text, topic, language, words
):
    from knowledge_base.turn.outside import default_outside_matters

    matter = default_outside_matters().get("divorce")
    seen = []

    async def follow_up_turn(text, **kwargs):
        seen.append(kwargs)
        return {
            "kind": "not_at_ward",
            "code": None,
            "name": "ly hôn",
            "choices": [],
            "elsewhere": None,
            "follow_up": True,
            "reason": "follow_up_outside",
            "topic": topic,
            "matter": matter.to_json(),
        }

    bridge.turn = follow_up_turn
    tracker = make_tracker(
        text,
        "ask_procedure",
        slots={"outside_matter": "divorce", "language": language, "recent_procedures": ["1.001193"]},
    )
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    assert seen[0]["matter"] == "divorce" and seen[0]["current"] is None
    assert messages[0]["custom"]["reply"]["kind"] == "not_at_ward" and words in messages[0]["text"]
    assert slot_events(events)["outside_matter"] == "divorce"


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [("vay ngân hàng thì làm thế nào", "vi", "ngân hàng"), ("how do I get a bank loan", "en", "your bank")],
)
def test_an_everyday_matter_is_said_to_be_out_of_scope_with_who_to_ask(services, bridge, text, language, words):
    from knowledge_base.turn.outside import default_outside_matters

    matter = default_outside_matters().get("bank_services")

    async def everyday_turn(text, **kwargs):
        return {
            "kind": "out_of_scope",
            "code": None,
            "name": matter.name["vi"],
            "choices": [],
            "elsewhere": None,
            "follow_up": False,
            "reason": "everyday_matter",
            "topic": None,
            "matter": matter.to_json(),
        }

    bridge.turn = everyday_turn
    tracker = make_tracker(text, "ask_procedure", slots={"language": language, "procedure_code": "1.001193"})
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    assert messages[0]["custom"]["reply"]["kind"] == "out_of_scope" and words in messages[0]["text"]
    assert "procedure_code" not in slot_events(events)  # the procedure being discussed stays current


def test_answering_a_procedure_leaves_the_outside_matter(services, bridge):
    tracker = make_tracker("làm giấy khai sinh cần gì", "ask_documents", slots={"outside_matter": "divorce"})
    _, events = run_action(ActionAnswerProcedure(services), tracker)
    slots = slot_events(events)
    assert slots["procedure_code"] == "1.001193" and slots["outside_matter"] is None


def test_a_details_request_that_says_a_topic_answers_that_topic(services, bridge):
    tracker = make_tracker(
        "het bn tien", "ask_details", slots={"procedure_code": "1.001193", "last_topic": "documents"}
    )
    messages, _ = run_action(ActionAnswerProcedure(services), tracker)
    assert messages[0]["custom"]["reply"]["procedure"]["topic"] == "fee"
    assert not any(f"Giấy tờ số {i}" in messages[0]["text"] for i in range(1, 6))


def test_new_procedure_in_a_follow_up_replaces_the_current_one(services, bridge):
    tracker = make_tracker("lệ phí kết hôn bao nhiêu", "ask_fee", slots={"procedure_code": "1.001193"})
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    assert "1.000894" in messages[0]["text"]
    assert slot_events(events)["procedure_code"] == "1.000894"


def test_fee_set_by_the_province_is_never_a_number(services):
    tracker = make_tracker("lệ phí bao nhiêu", "ask_fee", slots={"procedure_code": "2.000884"})
    messages, _ = run_action(ActionAnswerProcedure(services), tracker)
    text = messages[0]["text"]
    assert says(text, "fee_province") and not says(text, "fee_amount")


def test_ambiguous_question_offers_three_buttons_and_remembers_them(services):
    messages, events = run_action(ActionAnswerProcedure(services), make_tracker("tôi cần chứng thực", "ask_procedure"))
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [f'/choose_option{{"option_number": "{i}"}}' for i in (1, 2, 3)]
    assert buttons[1]["title"] == "Chứng thực chữ ký"
    assert slot_events(events)["pending_options"] == ["2.000815", "2.000843", "2.000884"]


@pytest.mark.parametrize(
    ("text", "entity", "expected_code"),
    [
        ("số 2", "2", "2.000843"),
        ("cái thứ ba", None, "2.000884"),
        ('/choose_option{"option_number": "1"}', "1", "2.000815"),
    ],
)
def test_choosing_an_option_answers_the_pending_topic(services, text, entity, expected_code):
    entities = [{"entity": "option_number", "value": entity}] if entity else []
    tracker = make_tracker(
        text,
        "choose_option",
        entities=entities,
        slots={"pending_options": ["2.000815", "2.000843", "2.000884"], "last_topic": "fee"},
    )
    messages, events = run_action(ActionChooseOption(services), tracker)
    assert expected_code in messages[0]["text"]
    assert slot_events(events)["procedure_code"] == expected_code
    assert slot_events(events)["pending_options"] is None


def test_same_named_options_are_told_apart_by_code(services, bridge):
    bridge.procedures["2.000843"]["name"] = bridge.procedures["2.000815"]["name"]
    messages, _ = run_action(ActionAnswerProcedure(services), make_tracker("chứng thực", "ask_procedure"))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[0].endswith("(2.000815)") and titles[1].endswith("(2.000843)") and "(" not in titles[2]


def test_choosing_out_of_range_asks_again(services):
    tracker = make_tracker("số 7", "choose_option", slots={"pending_options": ["2.000815", "2.000843"]})
    messages, events = run_action(ActionChooseOption(services), tracker)
    assert "số 1" in messages[0]["text"] and events == []


def test_no_match_is_honest_and_offers_a_human(services):
    tracker = make_tracker("thủ tục nuôi rồng", "ask_procedure")
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    assert says(messages[0]["text"], "no_match")
    assert slot_events(events)["pending_offer"] == "human"


def test_bridge_down_is_a_polite_sorry(services, bridge):
    bridge.down = True
    messages, events = run_action(ActionAnswerProcedure(services), make_tracker("làm khai sinh", "ask_procedure"))
    assert says(messages[0]["text"], "bridge_down")
    assert "procedure_code" not in slot_events(events)


@pytest.mark.parametrize("text", ["", "   ", "<script>alert(1)</script>", "😀😀", "a" * 5000])
def test_odd_input_gets_a_polite_reply_without_echo(services, text):
    messages, _ = run_action(ActionAnswerProcedure(services), make_tracker(text, "nlu_fallback"))
    assert len(messages) == 1 and messages[0]["text"]
    assert "<script>" not in messages[0]["text"] and "aaaa" not in messages[0]["text"]


def test_the_turn_carries_the_current_procedure_pending_choices_and_earlier_procedures(services, bridge):
    tracker = make_tracker(
        "cái thứ hai thì sao",
        "ask_fee",
        slots={
            "procedure_code": "1.001193",
            "pending_options": ["2.000815", "2.000843"],
            "recent_procedures": ["1.004884"],
        },
    )
    run_action(ActionAnswerProcedure(services), tracker)
    assert bridge.called("turn") == [
        {
            "text": "cái thứ hai thì sao",
            "current": "1.001193",
            "options": ["2.000815", "2.000843"],
            "recent": ["1.004884"],
            "language": "vi",
            "matter": None,
        }
    ]


def test_a_new_procedure_pushes_the_current_one_to_the_earlier_procedures(services, bridge):
    tracker = make_tracker(
        "lệ phí khai sinh",
        "ask_fee",
        slots={"procedure_code": "2.000815", "recent_procedures": ["1.004884", "2.000815"]},
    )
    _, events = run_action(ActionAnswerProcedure(services), tracker)
    slots = slot_events(events)
    assert slots["procedure_code"] == "1.001193"
    assert slots["recent_procedures"] == ["2.000815", "1.004884"]  # most recent first, the current one left out


def test_long_input_is_cut_before_search(services, bridge):
    run_action(ActionAnswerProcedure(services), make_tracker("khai sinh " * 600, "ask_procedure"))
    assert len(bridge.called("turn")[0]["text"]) <= 300


@pytest.mark.parametrize(
    ("text", "entity", "expected_priority"),
    [
        ("cho tôi lấy số", None, "none"),
        ("tôi là người già cho lấy số", "elderly", "elderly"),
        ("toi dang mang thai cho lay so", None, "pregnant"),
        ("I am with a small child", "small_child", "small_child"),
    ],
)
def test_ticket_carries_the_priority_group(services, bridge, text, entity, expected_priority):
    entities = [{"entity": "priority_group", "value": entity}] if entity else []
    tracker = make_tracker(text, "ask_queue_ticket", entities=entities, slots={"procedure_code": "1.001193"})
    messages, events = run_action(ActionIssueTicket(services), tracker)
    # a stated priority goes to the priority desk (Q5 in the fake ward), an ordinary ticket to the procedure's desk
    expected = (
        {"procedure_code": "1.001193", "desk": None, "priority": "none"}
        if expected_priority == "none"
        else {"procedure_code": None, "desk": "Q5", "priority": expected_priority}
    )
    assert bridge.called("issue_ticket") == [expected]
    data = messages[0]["custom"]["reply"]
    assert data["kind"] == "ticket" and data["ticket"]["priority"] == (expected_priority != "none")
    assert "Quầy 1" in messages[0]["text"] or "Q" in messages[0]["text"]
    assert (
        says(messages[0]["text"], "ticket_priority", "vi") or says(messages[0]["text"], "ticket_priority", "en")
    ) == (expected_priority != "none")
    assert slot_events(events)["pending_offer"] is None


def test_handoff_without_a_procedure_goes_to_the_general_desk(services, bridge):
    messages, _ = run_action(ActionHandoffHuman(services), make_tracker("cho gặp cán bộ", "request_human"))
    assert bridge.called("issue_ticket")[0]["desk"] == "Q0"
    assert says(messages[0]["text"], "handoff") and "A001" in messages[0]["text"]


def test_handoff_prefers_the_general_desk_wherever_it_is_listed(services, bridge):
    original = bridge.list_desks

    async def reversed_desks():
        listing = await original()
        return {**listing, "desks": listing["desks"][::-1]}

    bridge.list_desks = reversed_desks
    run_action(ActionHandoffHuman(services), make_tracker("gặp cán bộ", "request_human"))
    assert bridge.called("issue_ticket")[0]["desk"] == "Q0"


def test_handoff_with_a_procedure_goes_to_its_desk(services, bridge):
    tracker = make_tracker("talk to staff", "request_human", slots={"procedure_code": "1.001193", "language": "en"})
    messages, _ = run_action(ActionHandoffHuman(services), tracker)
    assert bridge.called("issue_ticket")[0]["procedure_code"] == "1.001193"
    assert "officer" in messages[0]["text"]


def test_opening_hours_and_decline(services):
    messages, _ = run_action(ActionOpeningHours(services), make_tracker("mấy giờ mở cửa", "ask_opening_hours"))
    assert "7:30" in messages[0]["text"] and "Địa chỉ: Số 1" in messages[0]["text"]
    messages, events = run_action(
        ActionDeclineOffer(services), make_tracker("không", "deny", slots={"pending_offer": "ticket"})
    )
    assert slot_events(events)["pending_offer"] is None and messages[0]["text"]


def test_opening_hours_leave_out_an_unknown_address(services, bridge, monkeypatch):
    async def no_address():
        return {"ward": {"name": "Phường Cửa Nam", "hours": "8:00–17:00", "demo": True}, "desks": []}

    monkeypatch.setattr(bridge, "list_desks", no_address)
    text = run_action(ActionOpeningHours(services), make_tracker("mấy giờ mở cửa", "ask_opening_hours"))[0][0]["text"]
    assert "8:00–17:00" in text and "Địa chỉ" not in text and not text.rstrip().endswith(": .")


def test_dossier_found_explains_status_and_clears_the_digits(services, bridge):
    bridge.dossiers[("000.00.20.H26-250801-0001", "1234")] = FOUND_DOSSIER
    tracker = make_tracker(
        "1234",
        "inform",
        slots={"dossier_code": "000.00.20.H26-250801-0001", "id_last4": "1234"},
        metadata={"client": "a-0123456789abcdef0123"},
    )
    messages, events = run_action(ActionDossierStatus(services), tracker)
    text = messages[0]["text"]
    assert "Đang xử lý" in text and "06/08/2025" in text and "Quầy 1" in text and "1234" not in text
    assert slot_events(events)["id_last4"] is None and slot_events(events)["dossier_code"] is None
    # the client key the chat relay put in the message metadata, never the (caller-chosen) conversation id
    assert bridge.called("lookup_dossier")[0]["client_id"] == "a-0123456789abcdef0123"


def test_dossier_lookup_without_relay_metadata_names_no_client(services, bridge):
    for metadata in (None, {"client": "test-user"}, {"client": ["a-0123456789abcdef0123"]}):
        tracker = make_tracker(
            "1234", "inform", metadata=metadata, slots={"dossier_code": "000.00.20.H26-250801-0001", "id_last4": "1234"}
        )
        run_action(ActionDossierStatus(services), tracker)
    assert [call["client_id"] for call in bridge.called("lookup_dossier")] == [None, None, None]


@pytest.mark.parametrize(
    ("lookup", "reply"),
    [
        (DossierLookup("not_found"), REPLIES.say("dossier_not_found", "vi")),
        (DossierLookup("locked", retry_after_s=600), REPLIES.say("dossier_locked", "vi", minutes=10)),
        (DossierLookup("unavailable"), REPLIES.say("dossier_unavailable", "vi")),
        (DossierLookup("invalid_code"), REPLIES.say("dossier_not_found", "vi")),
    ],
)
def test_dossier_failures_are_polite_and_reveal_nothing(services, bridge, lookup, reply):
    bridge.dossier_default = lookup
    tracker = make_tracker("9999", "inform", slots={"dossier_code": "000.00.20.H26-250801-0002", "id_last4": "9999"})
    messages, _ = run_action(ActionDossierStatus(services), tracker)
    assert reply in messages[0]["text"] and "9999" not in messages[0]["text"]


def test_dossier_bridge_down_is_a_sorry(services, bridge):
    bridge.down = True
    tracker = make_tracker("1234", "inform", slots={"dossier_code": "000.00.20.H26-250801-0001", "id_last4": "1234"})
    messages, _ = run_action(ActionDossierStatus(services), tracker)
    assert says(messages[0]["text"], "dossier_unavailable")


@pytest.mark.parametrize(
    ("text", "previous", "expected"),
    [
        ("what documents do I need", None, "en"),
        ("làm khai sinh", "en", "vi"),
        ("2", "en", "en"),
        ('/choose_option{"option_number": "2"}', "vi", "vi"),
        ("cho hoi lam giay khai sinh", None, "vi"),
    ],
)
def test_actions_answer_in_the_language_of_the_turn(text, previous, expected):
    assert turn_language(make_tracker(text, "greet", slots={"language": previous})) == expected


def test_an_english_conversation_gets_the_dossier_status_and_desk_in_english(services, bridge):
    import copy

    found = copy.deepcopy(FOUND_DOSSIER)
    found.record["status"]["en"] = {
        "label": "Being processed",
        "explanation": "An officer is working on it.",
        "next_step": "Wait until the appointment date",
    }
    found.record["pickup_desk"]["name_en"] = "Desk 1 – Civil status, certification"
    bridge.dossiers[("000.00.20.H26-250801-0001", "1234")] = found
    tracker = make_tracker(
        "1234", "inform", slots={"dossier_code": "000.00.20.H26-250801-0001", "id_last4": "1234", "language": "en"}
    )
    messages, _ = run_action(ActionDossierStatus(services), tracker)
    text = messages[0]["text"]
    assert "Being processed" in text and "Desk 1" in text and "Đang xử lý" not in text
    dossier = messages[0]["custom"]["reply"]["dossier"]
    assert dossier["label"] == "Being processed" and dossier["pickup_desk"]["name"].startswith("Desk 1")
