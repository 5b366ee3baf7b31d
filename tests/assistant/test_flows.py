"""Dialogue flows: stated priority only, tickets to the named procedure's desk, the queue for this conversation's
ticket, spoken digits and codes, the forgotten-code help, ratings and complaints (recorded without words)."""

from __future__ import annotations

import pytest

from assistant.actions.dossier import find_dossier_code, find_id_last4, short_procedure_name
from assistant.actions.dossier_actions import ActionDossierHelp
from assistant.actions.feedback import FeedbackWords
from assistant.actions.feedback_actions import ActionGiveFeedback, ActionRecordComplaint, ActionRecordRating
from assistant.actions.priority import PriorityGroups
from assistant.actions.procedure_actions import ActionAnswerProcedure
from assistant.actions.service_actions import ActionDeclineOffer, ActionIssueTicket, ActionQueueStatus
from tests.assistant.conftest import make_tracker, run_action, slot_events
from tests.assistant.replies_text import says


def kind_of(message: dict) -> str:
    return message["custom"]["reply"]["kind"]


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("tôi 75 tuổi rồi cho tôi số", "elderly"),
        ("ông bảy mươi tám tuổi rồi", "elderly"),
        ("toi nam nay tam muoi hai tuoi", "elderly"),
        ("I'm 70, a ticket please", "elderly"),
        ("tôi đi xe lăn", "disabled"),
        ("em đang bầu 7 tháng", "pregnant"),
        ("I use a wheelchair", "disabled"),
        ("tôi đang bế con nhỏ", "small_child"),
        ("lấy số thứ tự", "none"),
        ("cho tôi số ưu tiên", "none"),
        ("tôi 45 tuổi", "none"),
        ("tôi 80 tuổi nhưng không cần ưu tiên, cho số thường", "none"),
        ("ông bà tôi ở quê", "none"),
        ("cháu lấy số cho ông nội", "elderly"),
        ("lấy giùm ông cái số con", "elderly"),
        ("số thứ tự cho cụ nhà tôi", "elderly"),
        ("lấy số cho mẹ tôi", "none"),
        ("cho ba số thứ tự", "none"),
        ("tôi là thương binh, mất một chân", "disabled"),
        ("lấy số thứ tự, tôi đang bế đứa nhỏ 2 tuổi", "small_child"),
        ("lấy số làm khai sinh cho đứa nhỏ", "none"),
        ("ừ cho bà cái số ưu tiên bà đi gậy", "elderly"),
    ],
)
def test_priority_only_when_stated(text, group):
    assert PriorityGroups.load().find(text) == group


@pytest.mark.parametrize(
    ("text", "earlier", "group"),
    [
        ("cho tôi lấy cái số ưu tiên nha cháu", ["ừm tôi năm nay bảy mươi chín tuổi rồi"], "elderly"),
        ("a priority number please", ["my wife is pregnant", "hello"], "pregnant"),
        ("cho tôi lấy số", ["tôi bảy mươi chín tuổi rồi"], "none"),  # not asked: a group said earlier stays there
        ("cho tôi số ưu tiên", ["tôi hỏi làm căn cước"], "none"),  # asked, but no reason ever stated
        ("số ưu tiên à, thôi không cần ưu tiên", ["tôi 80 tuổi"], "none"),
    ],
)
def test_a_priority_number_asked_for_takes_the_group_stated_earlier(text, earlier, group):
    assert PriorityGroups.load().find_in_conversation(text, None, earlier) == group


def test_refusing_priority_beats_a_wrong_entity():
    assert PriorityGroups.load().find("không ưu tiên gì đâu, số thường thôi", "elderly") == "none"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("một hai ba bốn", "1234"),
        ("bon ba hai mot", "4321"),
        ("năm sáu bảy tám", "5678"),
        ("one two three four", "1234"),
        ("4 số cuối là 1 2 3 4", "1234"),
        ("5678", "5678"),
        ("tạm trú năm hai", None),
        ("ba ba ba", None),
        ("12345", None),
    ],
)
def test_last_four_digits_also_spoken(text, digits):
    assert find_id_last4(text) == digits


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("000.00.20.h26-250806-0004", "000.00.20.H26-250806-0004"),
        ("000.00.20.H26 - 250808 - 0006", "000.00.20.H26-250808-0006"),
        ("mã là 000 00 20 H26 250801 0001", "000.00.20.H26-250801-0001"),
        ("hồ sơ số 12345", None),
    ],
)
def test_dossier_codes_lower_case_and_spaced(text, code):
    assert find_dossier_code(text) == code


def test_short_procedure_name_has_no_ellipsis():
    long = (
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong các trường hợp "
        "chuyển nhượng, cho thuê, cho thuê lại, thừa kế, tặng cho"
    )
    name = short_procedure_name(long)
    assert len(name) <= 60 and "…" not in name and name.startswith("Đăng ký biến động")
    assert short_procedure_name("Thủ tục đăng ký khai sinh") == "đăng ký khai sinh"


def test_ticket_for_the_procedure_named_in_the_request(services, bridge):
    tracker = make_tracker("cho tôi lấy số làm giấy khai sinh cho con", "ask_queue_ticket")
    messages, events = run_action(ActionIssueTicket(services), tracker)
    assert bridge.called("issue_ticket") == [{"procedure_code": "1.001193", "desk": None, "priority": "none"}]
    assert "lay so" not in bridge.called("turn")[0]["text"]  # ticket words are not searched
    reply = messages[0]["custom"]["reply"]
    assert reply["kind"] == "ticket" and reply["ticket"]["priority"] is False and reply["ticket"]["ahead"] == 2
    slots = slot_events(events)
    assert slots["procedure_code"] == "1.001193" and slots["ticket_id"] == "1"


def test_plain_ticket_request_asks_which_procedure_first(services, bridge):
    messages, events = run_action(ActionIssueTicket(services), make_tracker("lấy số thứ tự", "ask_queue_ticket"))
    assert bridge.called("issue_ticket") == [] and bridge.called("turn") == []  # nothing named: no search
    reply = messages[0]["custom"]["reply"]
    assert reply["kind"] == "ask_procedure" and says(messages[0]["text"], "ticket_which_procedure")
    assert [c["payload"] for c in reply["choices"]] == ["/ask_queue_ticket"]
    assert slot_events(events)["ticket_asked"] is True


def test_the_answer_to_which_procedure_gets_the_number_for_its_desk(services, bridge):
    tracker = make_tracker(
        "làm giấy khai sinh cho cháu",
        "ask_procedure",
        slots={"ticket_asked": True},
        previous_action="action_issue_ticket",
    )
    messages, events = run_action(ActionAnswerProcedure(services), tracker)
    assert bridge.called("issue_ticket") == [{"procedure_code": "1.001193", "desk": None, "priority": "none"}]
    assert kind_of(messages[0]) == "ticket" and slot_events(events)["ticket_asked"] is None


@pytest.mark.parametrize("text", ["/ask_queue_ticket", "tôi cũng không rõ nữa"])
def test_the_general_desk_button_or_naming_nothing_gets_a_general_number(services, bridge, text):
    tracker = make_tracker(
        text, "ask_queue_ticket", slots={"ticket_asked": True}, previous_action="action_issue_ticket"
    )
    run_action(ActionIssueTicket(services), tracker)
    assert bridge.called("issue_ticket") == [{"procedure_code": None, "desk": "Q0", "priority": "none"}]


def test_a_later_question_is_not_read_as_the_tickets_procedure(services, bridge):
    tracker = make_tracker(
        "làm giấy khai sinh cho cháu", "ask_procedure", slots={"ticket_asked": True}, previous_action="utter_greet"
    )
    messages, _ = run_action(ActionAnswerProcedure(services), tracker)
    assert bridge.called("issue_ticket") == [] and kind_of(messages[0]) == "procedure"


def test_a_stated_priority_needs_no_procedure(services, bridge):
    run_action(ActionIssueTicket(services), make_tracker("tôi 80 tuổi rồi, lấy số", "ask_queue_ticket"))
    assert [c["priority"] for c in bridge.called("issue_ticket")] == ["elderly"]


@pytest.mark.parametrize("text", ["ok give me a number for this one please", "cho tôi lấy số luôn nhé"])
def test_a_ticket_request_naming_nothing_keeps_the_current_procedure(services, bridge, text):
    tracker = make_tracker(text, "ask_queue_ticket", slots={"procedure_code": "1.001193"})
    run_action(ActionIssueTicket(services), tracker)
    assert bridge.called("issue_ticket") == [{"procedure_code": "1.001193", "desk": None, "priority": "none"}]
    assert bridge.called("search") == []  # only question words and fillers are left: nothing is searched


def test_queue_status_of_this_conversations_ticket(services, bridge):
    _, events = run_action(
        ActionIssueTicket(services), make_tracker("lấy số", "ask_queue_ticket", slots={"procedure_code": "1.001193"})
    )
    ticket_id = slot_events(events)["ticket_id"]
    bridge.tickets[int(ticket_id)].update(position=4, estimated_wait_minutes=24)
    messages, _ = run_action(
        ActionQueueStatus(services), make_tracker("còn mấy người", "ask_queue_status", slots={"ticket_id": ticket_id})
    )
    reply = messages[0]["custom"]["reply"]
    assert reply["kind"] == "queue_status" and reply["queue"]["ahead"] == 3 and reply["queue"]["wait_minutes"] == 24
    assert "3" in messages[0]["text"] and "24" in messages[0]["text"]
    bridge.tickets[int(ticket_id)].update(status="called", position=0)
    messages, _ = run_action(
        ActionQueueStatus(services), make_tracker("tới chưa", "ask_queue_status", slots={"ticket_id": ticket_id})
    )
    assert messages[0]["custom"]["reply"]["queue"]["status"] == "called" and says(messages[0]["text"], "queue_called")


def test_a_request_with_only_everyday_words_goes_to_the_general_desk(services, bridge):
    tracker = make_tracker("cho lấy số, tôi chỉ hỏi chung thôi chưa biết làm thủ tục gì", "ask_queue_ticket")
    run_action(ActionIssueTicket(services), tracker)
    assert bridge.called("issue_ticket") == [{"procedure_code": None, "desk": "Q0", "priority": "none"}]


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("số của tôi là A015, bao giờ thì tới", True),
        ("tôi số B 003 còn lâu không", True),
        ("lấy số khác giúp tôi, số A015 lỡ rồi", False),
        ("cho tôi lấy số", False),
        ("quầy Q1 ở đâu", False),
    ],
)
def test_a_quoted_ticket_number_asks_where_it_stands(services, bridge, text, own):
    tracker = make_tracker(text, "ask_queue_ticket", slots={"procedure_code": "1.001193"})
    messages, _ = run_action(ActionIssueTicket(services), tracker)
    assert kind_of(messages[0]) == ("queue_status" if own else "ticket")
    assert (bridge.called("issue_ticket") == []) == own


def test_queue_status_without_a_ticket_offers_one(services, bridge):
    messages, events = run_action(
        ActionQueueStatus(services), make_tracker("how long do I wait", "ask_queue_status", slots={"language": "en"})
    )
    assert kind_of(messages[0]) == "queue_status" and slot_events(events)["pending_offer"] == "ticket"
    assert bridge.called("get_ticket") == [] and "queue number" in messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("cảm ơn, 5 sao nhé", 5),
        ("tôi cho năm sao", 5),
        ("cho 4 điểm", 4),
        ("rất hài lòng", 5),
        ("3 stars", 3),
        ("không hài lòng, 1 sao", 1),
        ("10 điểm", 5),
        ("cảm ơn", None),
        ("tôi muốn đánh giá", None),
    ],
)
def test_spoken_ratings(text, rating):
    assert FeedbackWords.load().rating(text) == rating


def test_rating_is_recorded_under_a_hashed_conversation_id(services, bridge):
    messages, _ = run_action(ActionRecordRating(services), make_tracker("ok tôi cho bốn sao", "rate_service"))
    (call,) = bridge.called("send_feedback")
    assert call["rating"] == 4 and call["conversation_id"].startswith("conv-")
    assert kind_of(messages[0]) == "feedback"
    messages, _ = run_action(ActionRecordRating(services), make_tracker("đánh giá", "rate_service"))
    assert len(bridge.called("send_feedback")) == 1 and len(messages[0]["buttons"]) == 5  # asked again


def test_complaint_records_category_and_desk_never_the_words(services, bridge):
    text = "cán bộ quầy 2 thái độ không tốt, quát tôi, tên chị ấy là Lan"
    messages, events = run_action(ActionRecordComplaint(services), make_tracker(text, "complain"))
    (call,) = bridge.called("record_complaint")
    assert call["category"] == "staff_attitude" and call["desk"] == "Q2" and "Lan" not in str(call)
    assert kind_of(messages[0]) == "complaint" and slot_events(events)["pending_offer"] == "human"


def test_a_question_misread_as_a_complaint_is_answered_as_a_procedure(services, bridge):
    messages, _ = run_action(ActionRecordComplaint(services), make_tracker("làm giấy khai sinh cho cháu", "complain"))
    assert bridge.called("record_complaint") == [] and bridge.called("turn")
    assert "1.001193" in messages[0]["text"]


def test_praise_asks_for_stars_and_a_hall_suggestion_is_recorded(services, bridge):
    messages, _ = run_action(ActionGiveFeedback(services), make_tracker("máy trả lời dễ hiểu lắm", "give_feedback"))
    assert kind_of(messages[0]) == "feedback" and len(messages[0]["buttons"]) == 5
    run_action(ActionGiveFeedback(services), make_tracker("nên có thêm ghế chờ ở sảnh", "give_feedback"))
    assert bridge.called("record_complaint")[0]["category"] == "facilities"


def test_dossier_help_only_when_the_code_or_receipt_is_meant(services, bridge):
    messages, _ = run_action(
        ActionDossierHelp(services), make_tracker("tôi làm mất giấy hẹn rồi", "ask_dossier_code_help")
    )
    assert messages[0]["response"] == "utter_dossier_help" and bridge.called("turn") == []
    run_action(ActionDossierHelp(services), make_tracker("quên tên cái giấy khai sinh rồi", "ask_dossier_code_help"))
    assert bridge.called("turn")


def test_never_mind_is_cancelled(services):
    messages, events = run_action(
        ActionDeclineOffer(services), make_tracker("thôi bỏ đi", "cancel", slots={"pending_offer": "ticket"})
    )
    assert kind_of(messages[0]) == "cancelled" and slot_events(events)["pending_offer"] is None


def test_every_fixed_reply_says_its_kind_in_its_language():
    from pathlib import Path

    import yaml

    from assistant.payload import ReplyPayload

    domain = yaml.safe_load((Path(__file__).parents[2] / "assistant" / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            payload = ReplyPayload.from_custom(variant.get("custom"))
            assert payload is not None, name
            language = next((c["value"] for c in variant.get("condition") or [] if c.get("name") == "language"), "vi")
            assert payload.language == language, name
