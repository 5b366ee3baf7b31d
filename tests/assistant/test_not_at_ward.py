"""Procedures not handled at the ward: the search's "elsewhere" hit, and an honest reply naming who handles it."""

from __future__ import annotations

import re

import pytest

from assistant.actions.bridge_client import BridgeUnavailable
from assistant.actions.not_at_ward import level_text, not_at_ward_reply, responsible_body
from assistant.actions.procedure_actions import ActionAnswerProcedure, ActionChooseOption
from assistant.actions.replies import Replies
from tests.assistant.conftest import make_tracker, run_action, slot_events
from tests.assistant.fakes import non_ward
from tests.assistant.replies_text import NOT_AT_WARD, NOT_AT_WARD_REMINDER, says_any

REPLIES = Replies.load()


def sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def answer(services, text: str, intent: str = "ask_procedure", **slots):
    messages, events = run_action(ActionAnswerProcedure(services), make_tracker(text, intent, slots=slots))
    assert len(messages) == 1
    return messages[0], slot_events(events)


def choose(services, text: str, slots: dict):
    tracker = make_tracker(text, "choose_option", slots={k: v for k, v in slots.items() if v is not None})
    messages, events = run_action(ActionChooseOption(services), tracker)
    assert len(messages) == 1
    return messages[0], slot_events(events)


def test_english_question_gets_the_english_reply(services):
    message, _ = answer(services, "where do I apply for a passport", "ask_where", language="en")
    text = message["text"]
    assert "(code 1.001456) is not handled at the ward" in text and "(province level)" in text
    assert "Where to submit: Phòng Quản lý xuất nhập cảnh Công an tỉnh." in text and "officer" in text
    assert not says_any(text, NOT_AT_WARD, "vi")


def test_empty_body_level_and_address_are_left_out_not_invented(services):
    message, _ = answer(services, "xin cấp phép nuôi cá sấu")
    assert message["text"] == " ".join(
        (
            REPLIES.say("not_ward_plain", "vi", name="Cấp phép nuôi cá sấu", code="9.000900"),
            REPLIES.say("not_ward_offer", "vi"),
        )
    )


def test_nothing_at_any_level_keeps_the_old_no_match_reply(services):
    message, slots = answer(services, "thủ tục nuôi rồng")
    assert message["text"] == REPLIES.say("no_match", "vi")
    assert slots["pending_offer"] == "human"


def test_a_record_that_turns_out_ward_level_is_answered_as_a_ward_procedure(services, bridge):
    bridge.procedures["1.001456"]["ward_level"] = True  # the catalogue was edited since the index was built
    message, slots = answer(services, "làm hộ chiếu cần giấy tờ gì", "ask_documents")
    assert "(mã 1.001456) cần:" in message["text"] and slots["procedure_code"] == "1.001456"


def test_bridge_down_while_fetching_the_record_is_the_polite_sorry(services, bridge):
    async def get_procedure(code):
        raise BridgeUnavailable("ConnectError")

    bridge.get_procedure = get_procedure
    message, slots = answer(services, "cấp phiếu lý lịch tư pháp")
    assert message["text"] == REPLIES.say("bridge_down", "vi")
    assert "procedure_code" not in slots


def test_body_falls_back_to_the_competent_body_and_long_lists_are_cut_between_names():
    record = non_ward("2.000001", "Thử", levels=["Cấp bộ", "Cấp tỉnh"], competent_body="Sở Tài chính")
    assert responsible_body(record) == "Sở Tài chính"
    assert level_text(record, REPLIES, "vi") == "cấp bộ, cấp tỉnh"
    assert level_text(record, REPLIES, "en") == "ministry level, province level"
    many = ", ".join(f"Chi cục Kiểm dịch thực vật vùng {n}" for n in ("I", "II", "III", "IV", "V"))
    body = responsible_body(non_ward("2.000002", "Thử", levels=[], performing_body=many))
    assert body == "Chi cục Kiểm dịch thực vật vùng I, Chi cục Kiểm dịch thực vật vùng II…"
    odd = non_ward("2.000003", "Thử", levels=["Cơ quan ngoài danh mục", "Cấp xã"])
    assert level_text(odd, REPLIES, "vi") == "cơ quan ngoài danh mục"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_reply_stays_short_with_long_catalogue_texts(language):
    record = non_ward(
        "2.000004",
        "Thủ tục " + "rất dài " * 30,
        levels=["Cấp tỉnh"],
        performing_body="Cơ quan A. Ghi chú thêm. " * 10,
        submission_address="Bộ phận Một cửa của Bộ; địa điểm tại số 10 phố X. Giờ làm việc 8:00. " * 5,
    )
    text = not_at_ward_reply(record, REPLIES, language)
    assert sentences(text) <= 3 and "2.000004" in text and len(text) < 400


def test_a_referred_procedure_stays_current_and_follow_ups_are_about_it(services, bridge):
    message, slots = answer(services, "làm hộ chiếu", "ask_procedure")
    assert "(mã 1.001456)" in message["text"] and says_any(message["text"], NOT_AT_WARD)
    assert slots["procedure_code"] == "1.001456" and slots["pending_offer"] == "human"
    message, slots = answer(services, "lệ phí bao nhiêu", "ask_fee", procedure_code="1.001456")
    assert "(mã 1.001456)" in message["text"] and "Công an cấp Tỉnh" in message["text"]
    assert says_any(message["text"], NOT_AT_WARD_REMINDER)
    message, slots = answer(services, "nộp ở quầy nào", "ask_where", procedure_code="1.001456")
    assert "Quầy" not in message["text"] and not bridge.called("route_desk")  # never a ward desk
    assert slots["pending_offer"] == "human"


def _passport_with_names() -> dict:
    record = non_ward(
        "1.001456",
        "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)",
        levels=["Cấp tỉnh"],
        performing_body="Công an cấp Tỉnh",
    )
    record["non_ward"] = {
        "name_en": "Ordinary passport, issued in Vietnam",
        "body": {
            "vi": "Phòng Quản lý xuất nhập cảnh, Công an tỉnh/thành phố",
            "en": "the immigration office of the provincial police",
        },
    }
    return record


def test_an_english_referral_says_the_english_name_with_the_official_name_once_in_brackets():
    from assistant.actions.card_view import in_language

    text = not_at_ward_reply(in_language(_passport_with_names(), "en"), REPLIES, "en")
    assert text.startswith("Procedure Ordinary passport, issued in Vietnam (“Cấp hộ chiếu phổ thông ở trong nước")
    assert text.count("Cấp hộ chiếu") == 1
    assert "the immigration office of the provincial police" in text


def test_the_everyday_body_is_said_in_the_reply_language_and_vietnamese_keeps_the_official_name():
    from assistant.actions.card_view import in_language

    record = _passport_with_names()
    view = in_language(record, "vi")
    assert "name_en" not in view
    assert responsible_body(view, "vi") == "Phòng Quản lý xuất nhập cảnh, Công an tỉnh/thành phố"
    text = not_at_ward_reply(view, REPLIES, "vi")
    assert "Ordinary passport" not in text and "Phòng Quản lý xuất nhập cảnh, Công an tỉnh/thành phố" in text
    del record["non_ward"]
    assert responsible_body(record, "vi") == "Công an cấp Tỉnh"  # without the file's words: the catalogue's body
