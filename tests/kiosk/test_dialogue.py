"""HTTP dialogue client against a real server on 127.0.0.1, and what the kiosk reads from structured replies."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from assistant.payload import Choice, ReplyPayload
from kiosk.dialogue import DialogueReply, DialogueUnavailable, HttpDialogueClient
from tests.kiosk.payloads import DESK_2, SUGGESTIONS, option_payload, procedure_body, ticket_body
from tests.kiosk.support import free_port, serve

RECEIVED: list[dict] = []


def chat_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/chat")
    def chat(body: dict) -> dict:
        RECEIVED.append(body)
        if body["message"] == "broken":
            return PlainTextResponse("oops", status_code=500)
        answer = ticket_body(f"Số thứ tự của bác là B105. Bạn hỏi: {body['message']}", number="B105")
        return {
            "messages": [
                {
                    "text": "Thủ tục Đăng ký khai sinh (1.001193).",
                    "buttons": [{"title": "Lấy số thứ tự", "payload": "/ask_queue_ticket"}],
                },
                *answer["messages"],
            ],
            "degraded": False,
        }

    return app


@pytest.fixture(scope="module")
def bridge_url():
    with serve(chat_app()) as url:
        yield url


def test_send_posts_sender_and_message_and_reads_the_structured_reply(bridge_url):
    client = HttpDialogueClient(bridge_url)
    reply = client.send("kiosk-abc123", "khai sinh cho con")
    assert RECEIVED[-1] == {"sender": "kiosk-abc123", "message": "khai sinh cho con"}
    assert reply.texts[1].endswith("Bạn hỏi: khai sinh cho con")
    assert [b.payload for b in reply.buttons] == ["/ask_queue_ticket"]
    assert reply.payload is not None and reply.payload.kind == "ticket"
    assert (reply.ticket, reply.desk) == ("B105", DESK_2.name)
    assert reply.degraded is False


def test_server_error_and_unreachable_bridge_are_dialogue_unavailable(bridge_url):
    with pytest.raises(DialogueUnavailable, match="HTTP 500"):
        HttpDialogueClient(bridge_url).send("kiosk-abc123", "broken")
    with pytest.raises(DialogueUnavailable, match="unreachable"):
        HttpDialogueClient(f"http://127.0.0.1:{free_port()}", timeout_s=1).send("kiosk-abc123", "xin chào")


def test_desk_and_ticket_come_only_from_the_payload_never_from_the_prose():
    prose_only = DialogueReply.from_chat_json(
        {"messages": [{"text": "Mời bác đến Quầy 2 – Hộ tịch. Số thứ tự của bác là A012."}]}
    )
    assert (prose_only.desk, prose_only.ticket, prose_only.payload) == (None, None, None)
    card = DialogueReply.from_chat_json(procedure_body("Đăng ký khai sinh: cần tờ khai ..."))
    assert (card.desk, card.ticket) == (DESK_2.name, None)
    assert card.payload.procedure.code == "1.001193"


def test_suggestions_are_tappable_but_not_numbered_choices():
    reply = DialogueReply.from_chat_json(procedure_body("Đăng ký khai sinh."))
    assert reply.buttons == []
    assert [s.title for s in reply.suggestions] == [s.title for s in SUGGESTIONS]
    assert reply.to_json()["suggestions"][0] == {"title": "Lệ phí", "payload": "/ask_fee"}


def test_clarify_choices_in_the_payload_become_buttons():
    payload = ReplyPayload(
        kind="clarify",
        choices=[
            Choice(title="Đăng ký khai sinh", payload=option_payload(1)),
            Choice(title="Đăng ký khai tử", payload=option_payload(2)),
        ],
    )
    reply = DialogueReply.from_chat_json(
        {"messages": [{"text": "Thủ tục nào?", "data": payload.model_dump(mode="json")}]}
    )
    assert [(b.title, b.payload) for b in reply.buttons] == [
        ("Đăng ký khai sinh", option_payload(1)),
        ("Đăng ký khai tử", option_payload(2)),
    ]


def test_speech_form_is_used_when_present_else_the_text():
    reply = DialogueReply.from_chat_json(
        {
            "messages": [
                {"text": "Chào bác."},
                procedure_body("Một câu trả lời dài với danh sách giấy tờ.", speech="Khai sinh cần tờ khai.")[
                    "messages"
                ][0],
            ]
        }
    )
    assert reply.speech.splitlines() == ["Chào bác.", "Khai sinh cần tờ khai."]


def test_invalid_payload_is_ignored_and_junk_messages_skipped():
    reply = DialogueReply.from_chat_json(
        {"messages": [None, {"text": "  "}, {"text": "Hệ thống bận", "data": {"kind": "not-a-kind"}}], "degraded": True}
    )
    assert reply.texts == ["Hệ thống bận"] and reply.degraded and reply.payload is None and reply.desk is None


def test_a_body_without_messages_is_dialogue_unavailable():
    with pytest.raises(DialogueUnavailable):
        DialogueReply.from_chat_json({"detail": "nope"})
