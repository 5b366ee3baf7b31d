"""Web chat relay: message checks, reply shaping and the polite fallback, through POST /api/chat."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.bridge.clients import address_key, is_client_key
from assistant.bridge.routers.chat import router as chat_router
from assistant.bridge.web.dialogue import BotMessage, ChatButton
from assistant.bridge.web.relay import SENDER_PATTERN, ChatRelay, ChatReplies, ChatRepliesError
from knowledge_base.text import clean
from tests.bridge.fakes_web import RecordingDialogueClient

SENDER = "conv-1a2b3c4d"


def make_client(dialogue) -> TestClient:
    app = FastAPI()
    app.include_router(chat_router)
    app.state.chat_relay = ChatRelay(dialogue)
    return TestClient(app)


def test_message_is_cleaned_and_relayed_with_its_sender():
    fake = RecordingDialogueClient(lambda m: [BotMessage("Cần tờ khai.", [ChatButton("Lệ phí", "/ask_fee")])])
    response = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": "  làm\u200b giấy\n khai sinh "})
    assert response.status_code == 200
    assert fake.received == [(SENDER, "làm giấy khai sinh")]
    assert response.json() == {
        "messages": [{"text": "Cần tờ khai.", "buttons": [{"title": "Lệ phí", "payload": "/ask_fee"}], "data": None}],
        "degraded": False,
    }


def test_the_citizens_address_key_travels_as_metadata_whatever_sender_id_they_choose():
    fake = RecordingDialogueClient()
    client = make_client(fake)
    for sender in (SENDER, "another-sender-id"):
        assert client.post("/api/chat", json={"sender": sender, "message": "tra cứu hồ sơ"}).status_code == 200
    first, second = fake.metadata
    assert first == second and is_client_key(first["client"])
    assert first["client"] == address_key("testclient", secret="")  # TestClient's remote address


def test_decomposed_unicode_is_sent_as_nfc():
    fake = RecordingDialogueClient()
    make_client(fake).post("/api/chat", json={"sender": SENDER, "message": "Đa\u0306ng ky\u0301 khai sinh"})
    assert fake.received[0][1] == "Đăng ký khai sinh"


@pytest.mark.parametrize("message", ["", "   ", "\u200b\u0007", "\n\t"])
def test_empty_message_gets_a_prompt_without_calling_the_engine(message):
    fake = RecordingDialogueClient()
    body = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": message}).json()
    assert fake.received == []
    assert body["degraded"] is False
    assert body["messages"][0]["text"].startswith("Mời bạn nhập câu hỏi")
    assert "Please type your question" in body["messages"][0]["text"]


def test_over_long_message_is_answered_politely_without_calling_the_engine():
    fake = RecordingDialogueClient()
    body = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": "a" * 5000}).json()
    assert fake.received == []
    assert "2000" in body["messages"][0]["text"] and "ngắn gọn" in body["messages"][0]["text"]


def test_message_of_exactly_the_limit_is_relayed():
    fake = RecordingDialogueClient()
    make_client(fake).post("/api/chat", json={"sender": SENDER, "message": "b" * 2000})
    assert fake.received == [(SENDER, "b" * 2000)]


def test_huge_body_is_rejected_with_422():
    fake = RecordingDialogueClient()
    response = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": "c" * 50_000})
    assert response.status_code == 422
    assert fake.received == []


@pytest.mark.parametrize("sender", ["", "abc", "Nguyễn Văn A", "0912345678 x", "a" * 65, "<script>", None, 12345678])
def test_sender_must_be_a_short_opaque_id(sender):
    fake = RecordingDialogueClient()
    response = make_client(fake).post("/api/chat", json={"sender": sender, "message": "xin chào"})
    assert response.status_code == 422
    assert fake.received == []


@pytest.mark.parametrize(
    "message", ["<script>alert(1)</script> khai sinh", "khai sinh <img src=x onerror=alert(1)>", "</b>", "<!-- x -->"]
)
def test_html_in_the_message_is_refused_with_a_clear_message(message):
    fake = RecordingDialogueClient()
    response = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": message})
    assert response.status_code == 422
    assert response.json()["error"] == "html_not_allowed"
    assert response.json()["message"].startswith("Tin nhắn không được chứa mã HTML")
    assert fake.received == []


@pytest.mark.parametrize("message", ["trẻ em < 6 tuổi có phải nộp phí không", "a<b", "điểm > 5", "😀 xin chào"])
def test_comparison_signs_and_emoji_are_not_mistaken_for_html(message):
    fake = RecordingDialogueClient()
    response = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": message})
    assert response.status_code == 200
    assert fake.received == [(SENDER, message)]


def test_engine_down_gives_bilingual_fallback_and_degraded_flag():
    fake = RecordingDialogueClient(unavailable=True)
    response = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": "xin chào"})
    assert response.status_code == 200
    body = response.json()
    assert fake.received == [(SENDER, "xin chào")]
    assert body["degraded"] is True
    text = body["messages"][0]["text"]
    assert text.startswith("Xin lỗi, hệ thống trả lời tự động đang tạm gián đoạn")
    assert "Sorry" in text and "quầy hướng dẫn" in text


def test_engine_with_nothing_to_say_gets_a_no_answer_message():
    fake = RecordingDialogueClient(lambda m: [])
    body = make_client(fake).post("/api/chat", json={"sender": SENDER, "message": "???"}).json()
    assert body["degraded"] is False
    assert body["messages"][0]["text"].startswith("Xin lỗi, tôi chưa có câu trả lời")


_PROPERTY_FAKE = RecordingDialogueClient()
_PROPERTY_CLIENT = make_client(_PROPERTY_FAKE)


@pytest.mark.slow  # a property search: 150 generated messages through the app
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sender=st.from_regex(SENDER_PATTERN, fullmatch=True),
    message=st.one_of(st.text(max_size=2500), st.text(alphabet="<>/ab =\"'", max_size=40)),
)
def test_any_text_gets_a_displayable_answer_and_no_server_error(sender, message):
    _PROPERTY_FAKE.received.clear()
    response = _PROPERTY_CLIENT.post("/api/chat", json={"sender": sender, "message": message})
    assert response.status_code in (200, 422)
    body = response.json()
    if response.status_code == 422:
        assert body["error"] == "html_not_allowed" and _PROPERTY_FAKE.received == []
        return
    assert body["messages"] and all(isinstance(m["text"], str) and m["text"] for m in body["messages"])
    relayed = [m for _, m in _PROPERTY_FAKE.received]
    assert relayed == ([clean(message)] if 0 < len(clean(message)) <= 2000 else [])


def test_replies_file_is_validated(tmp_path):
    path = tmp_path / "replies.yaml"
    path.write_text(
        "empty_message: hi\nmessage_too_long: x\nassistant_unavailable: ''\nno_answer: y\nhtml_not_allowed: z\n"
    )
    with pytest.raises(ChatRepliesError, match="assistant_unavailable"):
        ChatReplies.load(path)
    path.write_text("empty_message: hi\n")
    with pytest.raises(ChatRepliesError, match=r"replies.yaml: message_too_long: Field required; .*no_answer: Field"):
        ChatReplies.load(path)


def test_shipped_replies_are_vietnamese_first_then_english():
    replies = ChatReplies.load()
    for text in (replies.empty_message, replies.assistant_unavailable, replies.no_answer):
        vietnamese, english = text.split("\n")
        assert any(ch in vietnamese for ch in "ạảãàáâầấậẩẫăằắặẳẵêềếệểễôồốộổỗơờớợởỡưừứựửữđ")
        assert english.isascii() or "“" in english


# ---- through the real bridge app (error envelope, body limit, settings) — fixtures from conftest.py ----------


def test_real_app_uses_settings_rasa_url_and_degrades_when_nothing_listens(client):
    # conftest points rasa_url at 127.0.0.1:9, where nothing listens
    response = client.post("/api/chat", json={"sender": SENDER, "message": "xin chào"})
    assert response.status_code == 200
    assert response.json()["degraded"] is True
    assert client.app.state.chat_relay.client.webhook_url == "http://127.0.0.1:9/webhooks/rest/webhook"


def test_real_app_bad_inputs_get_the_error_envelope(client):
    fake = RecordingDialogueClient()
    client.app.state.chat_relay = ChatRelay(fake)
    bad_sender = client.post("/api/chat", json={"sender": "Nguyễn Văn A", "message": "xin chào"})
    assert bad_sender.status_code == 422
    assert bad_sender.json()["error"] == "invalid_request" and "/" in bad_sender.json()["message"]
    assert "Nguyễn" not in bad_sender.text  # the input is not echoed back
    broken = client.post(
        "/api/chat", content=b'{"sender": "conv-1a2b3c4d", "message": ', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["error"] == "invalid_json"
    huge = client.post("/api/chat", json={"sender": SENDER, "message": "x" * 200_000})
    assert huge.status_code == 413 and huge.json()["error"] == "body_too_large"
    assert fake.received == []


def test_real_app_serves_pages_with_a_strict_content_security_policy(client):
    chat = client.get("/")
    assert chat.status_code == 200 and 'lang="vi"' in chat.text
    assert "script-src 'self'" in chat.headers["content-security-policy"]
    staff = client.get("/staff")
    assert "frame-ancestors 'none'" in staff.headers["content-security-policy"]
    widget = client.get("/widget.js")
    assert widget.headers["content-type"].startswith("text/javascript") and "Hỏi đáp thủ tục" in widget.text
    assert client.get("/web/chat.js").status_code == 200
    for bad in ("/web/..%2Fpages.py", "/web/chat_replies.yaml", "/web/missing.js"):
        response = client.get(bad)
        assert response.status_code == 404 and response.json()["error"] == "not_found"
