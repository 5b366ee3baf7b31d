"""The turn grader on hand-made replies: each check passes on a right reply and fails on a wrong one."""

from __future__ import annotations

import pytest

from benchmarks.conversations.grading import contains_word, grade_turn, reply_language
from benchmarks.conversations.scenarios import Turn

BIRTH = "1.001193"


def turn(user: str = "làm giấy khai sinh cần gì", **expect) -> Turn:
    return Turn.model_validate({"user": user, "expect": expect})


def card(code: str = BIRTH, topic: str = "documents", **extra) -> dict:
    return {"code": code, "name": "đăng ký khai sinh", "topic": topic, **extra}


def message(text: str = "Thủ tục đăng ký khai sinh (mã 1.001193) cần: tờ khai.", buttons=(), **data) -> dict:
    return {"text": text, "buttons": list(buttons), "data": data or None}


def grade(expect_turn: Turn, messages: list[dict], language: str = "vi", **kwargs):
    return grade_turn(expect_turn, language, messages, **kwargs)


def test_kind_is_read_from_the_structured_reply_and_a_message_without_data_is_message():
    assert grade(turn(kind="procedure"), [message(kind="procedure", procedure=card())]).checks["kind"]
    assert not grade(turn(kind="procedure"), [message()]).checks["kind"]
    assert grade(turn(kind="message"), [message()]).checks["kind"]
    result = grade(turn(kind=["clarify", "ask_procedure"]), [message("Xin chào"), message(kind="ask_procedure")])
    assert result.checks["kind"] and result.got["kinds"] == ["message", "ask_procedure"]
    assert not grade(turn(kind="ticket"), []).checks["kind"]


def test_code_from_the_card_then_the_clarify_choices_then_the_first_code_cited_in_the_text():
    assert grade(turn(code=BIRTH), [message("…", kind="procedure", procedure=card())]).checks["code"]
    wrong_card = message("mã 1.001193", kind="procedure", procedure=card("1.000894"))
    assert not grade(turn(code=BIRTH), [wrong_card]).checks["code"]  # the card wins over the text
    choices = [
        {"title": "Khai sinh", "payload": "/c1", "code": BIRTH},
        {"title": "Khai tử", "payload": "/c2", "code": "1.000656"},
    ]
    assert grade(
        turn(code=["9.999999", "1.000656"]), [message("Bạn hỏi thủ tục nào?", kind="clarify", choices=choices)]
    ).checks["code"]
    assert grade(turn(code=BIRTH), [message()]).checks["code"]
    second_cited = message("Thủ tục X (mã 1.000656), khác với thủ tục mã 1.001193.")
    assert not grade(turn(code=BIRTH), [second_cited]).checks["code"]
    assert not grade(turn(code=BIRTH), [message("Xin lỗi, tôi chưa tìm thấy.")]).checks["code"]


def test_choices_include_reads_structured_choices_or_the_codes_beside_legacy_buttons():
    choices = [{"title": "Cấp căn cước", "payload": "/c1", "code": "1.014061"}]
    assert grade(
        turn(choices_include=["1.014061", "1.014062"]), [message("Chọn:", kind="clarify", choices=choices)]
    ).checks["choices_include"]
    assert not grade(turn(choices_include=["1.014062"]), [message("Chọn:", kind="clarify", choices=choices)]).checks[
        "choices_include"
    ]
    legacy = message("Bạn hỏi thủ tục nào?", buttons=[{"title": "Cấp đổi căn cước (1.014063)", "payload": "/c1"}])
    assert grade(turn(choices_include=["1.014063"]), [legacy]).checks["choices_include"]
    assert not grade(turn(choices_include=["1.014063"]), [message("mã 1.014063")]).checks["choices_include"]


def test_topic_comes_only_from_the_structured_card():
    assert grade(turn(topic="fee"), [message(kind="procedure", procedure=card(topic="fee"))]).checks["topic"]
    assert not grade(turn(topic="fee"), [message(kind="procedure", procedure=card(topic="time"))]).checks["topic"]
    assert not grade(turn(topic="fee"), [message("Lệ phí thủ tục (mã 1.001193) là 0 đồng.")]).checks["topic"]


def test_words_are_matched_without_case_or_accents_at_word_boundaries():
    reply = [message("Hồ sơ ĐANG XỬ LÝ, lệ phí 2.000 đồng.")]
    assert grade(turn(words_any=["dang xu ly", "không có"]), reply).checks["words_any"]
    assert not grade(turn(words_any=["bổ sung"]), reply).checks["words_any"]
    assert grade(turn(words_none=["giám hộ"]), reply).checks["words_none"]
    assert not grade(turn(words_none=["Đang xử lý"]), reply).checks["words_none"]
    assert not contains_word("phía trước", "phí") and not contains_word("12.000 đồng", "2.000")
    assert contains_word("Lệ phí: 2.000", "LE PHI")


def test_words_also_match_the_button_titles_shown_with_the_reply():
    reply = [message("Bạn muốn gặp cán bộ không?", buttons=[{"title": "Gặp cán bộ", "payload": "/handoff"}])]
    assert grade(turn(words_none=["gặp cán bộ"]), [message("Bạn muốn gặp ai?")]).checks["words_none"]
    assert not grade(turn(words_none=["gặp cán bộ"]), reply).checks["words_none"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Procedure đăng ký khai sinh (code 1.001193) needs: Tờ khai đăng ký khai sinh theo mẫu.", "en"),
        ("The fee for procedure Chứng thực bản sao (code 2.000815) is 2.000 VND.", "en"),
        ("Hello! How can I help you?", "en"),
        ("Thủ tục đăng ký khai sinh (mã 1.001193) nộp online tại dichvucong.gov.vn.", "vi"),
        ("Xin chào, tôi có thể giúp gì?", "vi"),
        ("", "none"),
    ],
)
def test_reply_language_ignores_vietnamese_names_quoted_in_english_replies(text, language):
    assert reply_language(text) == language


def test_language_check_uses_the_scenario_language_unless_the_turn_overrides_it():
    english = [message("Procedure birth registration (code 1.001193) is free of charge.")]
    assert grade(turn(), english, language="en").checks["language"]
    assert not grade(turn(), english, language="vi").checks["language"]
    assert grade(turn(language="en"), english, language="vi").checks["language"]
    assert not grade(turn(), [], language="vi").checks["language"]


def test_priority_and_desk_come_from_the_ticket_or_the_desk_in_the_reply():
    desk = {"id": "Q5", "name": "Quầy 5"}
    ticket = message("Số U001", kind="ticket", ticket={"number": "U001", "desk": desk, "priority": True})
    assert grade(turn(priority=True, desk="Q5"), [ticket]).checks == {
        "priority": True,
        "desk": True,
        "language": True,
        "max_choices": True,
        "ellipsis_name": True,
    }
    result = grade(turn(priority=False, desk="Q1"), [ticket])
    assert not result.checks["priority"] and not result.checks["desk"]
    where = message("Nộp tại Quầy 1.", kind="procedure", procedure=card(topic="where", desk={"id": "Q1", "name": "Q"}))
    assert grade(turn(desk="Q1"), [where]).checks["desk"]
    assert not grade(turn(priority=False, desk="Q1"), [message("Số A001, Quầy 1")]).checks["desk"]


def test_priority_is_judged_on_a_ticket_or_when_only_a_ticket_is_acceptable():
    asked = message("Bạn đến làm thủ tục gì ạ?", kind="ask_procedure")
    assert "priority" not in grade(turn(kind=["ticket", "ask_procedure"], priority=False), [asked]).checks
    assert not grade(turn(kind="ticket", priority=False), [asked]).checks["priority"]
    assert not grade(turn(priority=True), [asked]).checks["priority"]


def test_at_most_three_choices_counting_buttons_when_there_is_no_structured_reply():
    four = [{"title": f"Thủ tục {i}", "payload": f"/c{i}"} for i in range(4)]
    assert not grade(turn(), [message("Chọn:", buttons=four)]).checks["max_choices"]
    assert grade(turn(), [message("Chọn:", buttons=four[:3])]).checks["max_choices"]
    # With a structured reply, only its choices count (suggestions such as "fee" or "time" are not choices).
    assert grade(turn(), [message("Chọn:", buttons=four, kind="procedure")]).checks["max_choices"]


def test_the_first_answer_about_a_procedure_must_be_short_enough_to_say():
    long_text = "Thủ tục đăng ký khai sinh (mã 1.001193) cần: " + "tờ khai, " * 40
    assert not grade(turn(), [message(long_text)]).checks["speech_length"]
    spoken = message(long_text, kind="procedure", procedure=card(), speech="Đăng ký khai sinh cần tờ khai.")
    assert grade(turn(), [spoken]).checks["speech_length"]
    assert "speech_length" not in grade(turn(), [message(long_text)], first_procedure_answer=False).checks
    assert "speech_length" not in grade(turn(), [message("Xin chào")]).checks


def test_no_ellipsis_inside_a_name():
    cut = message("Thủ tục đăng ký khai sinh cho người… (mã 1.001193) cần: tờ khai.")
    assert not grade(turn(), [cut]).checks["ellipsis_name"]
    assert grade(turn(), [message("Cần: tờ khai và 11 mục khác…")]).checks["ellipsis_name"]
    cut_card = message("…", kind="procedure", procedure=card(name="Đăng ký khai sinh cho…"))
    assert not grade(turn(), [cut_card]).checks["ellipsis_name"]
    cut_button = message("Chọn:", buttons=[{"title": "Cấp đổi giấy chứng nhận quyền...", "payload": "/c1"}])
    assert not grade(turn(), [cut_button]).checks["ellipsis_name"]


def test_a_turn_passes_only_when_every_applied_check_holds():
    right = [message(kind="procedure", procedure=card(topic="fee"))]
    assert grade(turn(kind="procedure", code=BIRTH, topic="fee"), right).passed
    result = grade(turn(kind="procedure", code=BIRTH, topic="time"), right)
    assert not result.passed and result.failed_checks == ["topic"]


def test_a_reply_without_language_evidence_passes_either_language_and_roman_numerals_are_not_english():
    assert grade(turn(), [message("OK, U006")], language="en").checks["language"]
    assert grade(turn(), [message("OK, U006")], language="vi").checks["language"]
    listed = message("Thủ tục X (mã 2.000575). Cần: (i) Giấy đề nghị; (ii) Bản sao. Bạn có thể hỏi thêm.")
    assert grade(turn(), [listed], language="vi").checks["language"]
    hours = message("Phường Cửa Nam is open Thứ Hai – Thứ Sáu: 8:00–12:00. Address: Bộ phận Một cửa.")
    assert grade(turn(), [hours], language="en").checks["language"]
