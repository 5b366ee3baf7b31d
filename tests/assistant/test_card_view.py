"""Replies read the citizen answer card of the reply's language when the record carries one."""

from __future__ import annotations

import asyncio

from assistant.actions.card_view import in_language

CARDS = {
    "vi": {
        "code": "1.001193",
        "language": "vi",
        "short_name": "Làm giấy khai sinh",
        "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh do bệnh viện cấp"],
        "variants": [],
        "fee": "Miễn lệ phí",
        "fee_amount_vnd": 0,
        "time": "Trong ngày",
        "where": "Bộ phận một cửa",
        "desk_field": "Hộ tịch",
        "online": True,
        "portal_url": "https://dichvucong.gov.vn/p/1",
        "notes": ["Mang bản chính để đối chiếu"],
        "staff_notes": [],
    },
    "en": {
        "code": "1.001193",
        "language": "en",
        "short_name": "Birth registration",
        "documents": ["Birth registration form", "Birth certificate from the hospital"],
        "variants": [],
        "fee": "Free",
        "fee_amount_vnd": 0,
        "time": "The same day",
        "where": "One-stop desk",
        "desk_field": "Hộ tịch",
        "online": True,
        "portal_url": "https://dichvucong.gov.vn/p/1",
        "notes": ["Bring originals to compare"],
        "staff_notes": [],
    },
}


def _answer(services, bridge, topic: str, language: str):
    bridge.procedures["1.001193"]["cards"] = CARDS
    return asyncio.run(services.guide.answer_code("1.001193", topic, language))


def test_an_english_answer_names_the_procedure_in_english_with_the_official_name_once(services, bridge):
    reply = _answer(services, bridge, "documents", "en")
    assert "Birth registration" in reply.text and "Birth certificate from the hospital" in reply.text
    assert reply.text.count("đăng ký khai sinh") == 1  # the official Vietnamese name, in brackets
    card = reply.payload.procedure
    assert card.name == "Birth registration" and card.official_name == "Thủ tục đăng ký khai sinh"
    assert (
        card.documents == CARDS["en"]["documents"]
        and card.fee == "Free"
        and card.notes == ["Bring originals to compare"]
    )


def test_a_vietnamese_answer_lists_the_common_case_from_the_card(services, bridge):
    reply = _answer(services, bridge, "documents", "vi")
    assert "Giấy chứng sinh do bệnh viện cấp" in reply.text and "Làm giấy khai sinh" in reply.text
    assert reply.payload.procedure.time == "Trong ngày"
    assert "Trong ngày" in _answer(services, bridge, "time", "vi").text


def test_a_record_without_a_card_for_the_language_is_answered_from_the_catalogue():
    record = {"code": "1.000656", "name": "Thủ tục đăng ký khai tử", "cards": {"vi": CARDS["vi"]}}
    assert in_language(record, "en") is record
    assert in_language({"code": "x", "name": "y"}, "vi") == {"code": "x", "name": "y"}
