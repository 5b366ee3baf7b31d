"""HTTP dialogue client against a real server on 127.0.0.1, and reading desk/ticket out of replies."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from kiosk.dialogue import DialogueReply, DialogueUnavailable, HttpDialogueClient, find_desk, find_ticket
from tests.kiosk.support import free_port, serve

RECEIVED: list[dict] = []


def chat_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/chat")
    def chat(body: dict) -> dict:
        RECEIVED.append(body)
        if body["message"] == "broken":
            return PlainTextResponse("oops", status_code=500)
        return {"messages": [
            {"text": "Thủ tục Đăng ký khai sinh (1.001193). Mời bác đến Quầy 2 – Hộ tịch, chứng thực.",
             "buttons": [{"title": "Lấy số thứ tự", "payload": "/take_ticket"}]},
            {"text": f"Số thứ tự của bác là A012. Bạn hỏi: {body['message']}"}], "degraded": False}

    return app


@pytest.fixture(scope="module")
def bridge_url():
    with serve(chat_app()) as url:
        yield url


def test_send_posts_sender_and_message_and_parses_reply(bridge_url):
    client = HttpDialogueClient(bridge_url)
    reply = client.send("kiosk-abc123", "khai sinh cho con")
    assert RECEIVED[-1] == {"sender": "kiosk-abc123", "message": "khai sinh cho con"}
    assert reply.texts[1].endswith("Bạn hỏi: khai sinh cho con")
    assert [b.payload for b in reply.buttons] == ["/take_ticket"]
    assert reply.desk == "Quầy 2 – Hộ tịch, chứng thực"
    assert reply.ticket == "A012"
    assert reply.degraded is False


def test_server_error_and_unreachable_bridge_are_dialogue_unavailable(bridge_url):
    with pytest.raises(DialogueUnavailable, match="HTTP 500"):
        HttpDialogueClient(bridge_url).send("kiosk-abc123", "broken")
    with pytest.raises(DialogueUnavailable, match="unreachable"):
        HttpDialogueClient(f"http://127.0.0.1:{free_port()}", timeout_s=1).send("kiosk-abc123", "xin chào")


def test_custom_payload_wins_over_text():
    reply = DialogueReply.from_chat_json({"messages": [
        {"text": "Mời bác chờ.", "custom": {"ticket": {"number": "B007"}, "desk": {"id": "Q3", "name": "Quầy 3"}}}]})
    assert (reply.ticket, reply.desk) == ("B007", "Quầy 3")


def test_degraded_reply_and_junk_messages():
    reply = DialogueReply.from_chat_json({"messages": [None, {"text": "  "}, {"text": "Hệ thống bận"}],
                                          "degraded": True})
    assert reply.texts == ["Hệ thống bận"] and reply.degraded and reply.desk is None


@pytest.mark.parametrize("text, ticket", [
    ("Số thứ tự của bác là A012.", "A012"), ("Your ticket: B105", "B105"),
    ("Mã thủ tục H26 và A012", None), ("Phiếu số C0042 đã in", "C0042"),
])
def test_find_ticket_needs_ticket_context(text, ticket):
    assert find_ticket(text) == ticket


def test_find_desk():
    assert find_desk("Mời bác sang quầy 5 để nộp hồ sơ") == "quầy 5"
    assert find_desk("Đến Quầy 1 – Hộ tịch, chứng thực (tầng 1)") == "Quầy 1 – Hộ tịch, chứng thực"
    assert find_desk("Mời bác đến Quầy 2 – Hộ tịch, còn 3 người trước bác") == "Quầy 2 – Hộ tịch"
    assert find_desk("Mời bác đến Quầy 3.") == "Quầy 3"
    assert find_desk("Mã quầy 1.001193 không phải quầy") is None
    assert find_desk("Không có quầy nào") is None
