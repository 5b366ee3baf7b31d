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


def test_province_procedure_outranking_the_ward_names_the_body_and_code(services, bridge):
    message, slots = answer(services, "làm lý lịch tư pháp ở đâu", "ask_where")
    text = message["text"]
    assert text.startswith("Thủ tục Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam (mã 3.000333) không giải quyết")
    assert "do Công an tỉnh thực hiện (cấp tỉnh)" in text and "gặp cán bộ" in text
    assert "Nơi nộp" not in text  # the record gives no submission address: none is said
    assert sentences(text) == 2 and not message.get("buttons")
    # one ward-level search carries the answer ("elsewhere"): no second search at all levels
    assert [c["query"] for c in bridge.called("search")] == ["lý lịch tư pháp"]
    assert [c["code"] for c in bridge.called("get_procedure")] == ["3.000333"]
    assert bridge.called("route_desk") == []  # no ward desk is offered for it
    assert slots["procedure_code"] is None and slots["procedure_name"] is None
    assert slots["pending_offer"] == "human"


def test_weak_ward_hits_give_way_to_a_province_procedure(services, bridge):
    message, slots = answer(services, "làm hộ chiếu cần giấy tờ gì", "ask_documents")
    text = message["text"]
    assert "(mã 1.001456)" in text and "Công an cấp Tỉnh" in text and "(cấp tỉnh)" in text
    assert "Nơi nộp hồ sơ: Phòng Quản lý xuất nhập cảnh Công an tỉnh." in text
    assert "Cục quản lý xuất nhập cảnh" not in text  # the performing body is the one the citizen deals with
    assert sentences(text) == 3 and not message.get("buttons")
    assert slots["pending_options"] is None and slots["procedure_code"] is None


def test_a_confident_ward_hit_outranked_by_a_province_one_offers_both(services, bridge):
    message, slots = answer(services, "hộ chiếu mới", "ask_procedure")
    assert message["text"] == REPLIES.say("clarify", "vi")
    assert [b["title"] for b in message["buttons"]] == [
        "Cấp hộ chiếu phổ thông ở trong nước", bridge.procedures["2.000815"]["name"]]
    assert slots["pending_options"] == ["1.001456", "2.000815"]
    # picking the province one gets the honest reply; picking the ward one answers it as usual
    picked, picked_slots = choose(services, "số 1", slots)
    assert "(mã 1.001456) không giải quyết" in picked["text"] and picked_slots["procedure_code"] is None
    picked, picked_slots = choose(services, "số 2", slots)
    assert "(mã 2.000815)" in picked["text"] and picked_slots["procedure_code"] == "2.000815"


def test_english_question_gets_the_english_reply(services):
    message, _ = answer(services, "where do I apply for a passport", "ask_where", language="en")
    text = message["text"]
    assert "(code 1.001456) is not handled at the ward" in text and "(province level)" in text
    assert "Where to submit: Phòng Quản lý xuất nhập cảnh Công an tỉnh." in text and "officer" in text
    assert "không giải quyết" not in text


def test_empty_body_level_and_address_are_left_out_not_invented(services):
    message, _ = answer(services, "xin cấp phép nuôi cá sấu")
    assert message["text"] == ("Thủ tục Cấp phép nuôi cá sấu (mã 9.000900) không giải quyết tại bộ phận một cửa của "
                               "phường, xã. Bạn có muốn gặp cán bộ để được hướng dẫn thêm không?")


def test_a_confident_ward_answer_is_unchanged(services, bridge):
    message, slots = answer(services, "làm giấy khai sinh cho con cần gì", "ask_documents")
    assert message["text"].startswith("Thủ tục đăng ký khai sinh (mã 1.001193) cần: Giấy tờ số 1")
    assert slots["procedure_code"] == "1.001193"
    assert [c["query"] for c in bridge.called("search")] == ["khai sinh"]


def test_ambiguous_follow_up_about_the_current_procedure_still_answers_it(services, bridge):
    message, slots = answer(services, "lệ phí chứng thực bao nhiêu", "ask_fee", procedure_code="2.000843")
    assert "(mã 2.000843)" in message["text"] and slots["procedure_code"] == "2.000843"
    # even when a procedure handled elsewhere ranks above the ward ones
    message, slots = answer(services, "lệ phí chứng thực người dịch bao nhiêu", "ask_fee", procedure_code="2.000843")
    assert "(mã 2.000843)" in message["text"] and slots["procedure_code"] == "2.000843"


def test_nothing_at_any_level_keeps_the_old_no_match_reply(services):
    message, slots = answer(services, "thủ tục nuôi rồng")
    assert message["text"] == REPLIES.say("no_match", "vi")
    assert slots["pending_offer"] == "human"


def test_a_record_that_turns_out_ward_level_is_answered_as_a_ward_procedure(services, bridge):
    bridge.procedures["1.001456"]["ward_level"] = True  # the catalogue was edited since the index was built
    message, slots = answer(services, "làm hộ chiếu cần giấy tờ gì", "ask_documents")
    assert "(mã 1.001456) cần:" in message["text"] and slots["procedure_code"] == "1.001456"


def test_not_at_ward_reply_replaces_an_earlier_ward_procedure(services):
    message, slots = answer(services, "lệ phí làm lý lịch tư pháp bao nhiêu", "ask_fee", procedure_code="1.001193")
    assert "(mã 3.000333)" in message["text"] and "1.001193" not in message["text"]
    assert slots["procedure_code"] is None
    follow_up, _ = answer(services, "lệ phí bao nhiêu", "ask_fee", procedure_code=slots["procedure_code"])
    assert follow_up["text"] == REPLIES.say("ask_which_procedure", "vi")


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
    record = non_ward("2.000004", "Thủ tục " + "rất dài " * 30, levels=["Cấp tỉnh"],
                      performing_body="Cơ quan A. Ghi chú thêm. " * 10,
                      submission_address="Bộ phận Một cửa của Bộ; địa điểm tại số 10 phố X. Giờ làm việc 8:00. " * 5)
    text = not_at_ward_reply(record, REPLIES, language)
    assert sentences(text) <= 3 and "2.000004" in text and len(text) < 400


def test_one_word_naming_another_procedure_mid_conversation_switches_to_it(services, bridge):
    message, slots = answer(services, "how do I get a passport", "ask_procedure", procedure_code="1.001193",
                            language="en")
    assert "(code 1.001456) is not handled at the ward" in message["text"]
    assert slots["procedure_code"] is None


@pytest.mark.parametrize(("text", "searched"), [("khai sinh thì sao", True), ("certification?", True),
                                                ("mất bao lâu", False)])
def test_a_follow_up_that_does_not_surely_name_another_procedure_stays_on_the_current_one(
        services, bridge, text, searched):
    message, slots = answer(services, text, "ask_processing_time", procedure_code="1.001193")
    assert "1.001193" in message["text"]  # confident on the current one, ambiguous, or no procedure words
    assert bool(bridge.called("search")) is searched
    assert slots.get("procedure_code", "1.001193") == "1.001193"
