"""The structured reply (assistant.payload) survives Rasa's REST JSON into the chat API's messages."""

from __future__ import annotations

from assistant.bridge.web.dialogue import parse_rest_reply
from assistant.payload import ProcedureCard, ReplyPayload


def _custom(kind: str, **fields) -> dict:
    return ReplyPayload(kind=kind, **fields).to_custom()


def test_a_custom_item_is_attached_to_the_text_before_it():
    card = ProcedureCard(code="1.001193", name="Đăng ký khai sinh", topic="fee", fee="Miễn lệ phí")
    data = [
        {"recipient_id": "s", "text": "Miễn lệ phí."},
        {"recipient_id": "s", "custom": _custom("procedure", procedure=card)},
    ]
    [message] = parse_rest_reply(data)
    assert message.text == "Miễn lệ phí."
    assert message.data.kind == "procedure"
    assert message.data.procedure.code == "1.001193"
    assert message.to_json()["data"]["procedure"]["fee"] == "Miễn lệ phí"


def test_messages_without_a_payload_and_unknown_custom_json_keep_data_empty():
    data = [{"text": "Xin chào"}, {"custom": {"something": "else"}}, {"text": "Hỏi gì ạ?"}]
    messages = parse_rest_reply(data)
    assert [m.text for m in messages] == ["Xin chào", "Hỏi gì ạ?"]
    assert [m.data for m in messages] == [None, None]


def test_an_invalid_payload_is_dropped_not_raised():
    data = [{"text": "ok"}, {"custom": {"reply": {"kind": "not-a-kind"}}}]
    [message] = parse_rest_reply(data)
    assert message.data is None


def test_round_trip_keeps_every_field():
    payload = ReplyPayload(
        kind="clarify",
        language="en",
        choices=[
            {"title": "Birth registration", "payload": '/choose_option{"option_number": "1"}', "code": "1.001193"}
        ],
    )
    assert ReplyPayload.from_custom(payload.to_custom()) == payload
