"""The kiosk conversation speaks the structured reply's short form and passes the payload on to the screen."""

from __future__ import annotations

from kiosk.conversation import KioskConversation, TurnKind
from kiosk.stt import Transcript
from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText, FakeTextToSpeech
from tests.kiosk.payloads import procedure_body

LONG_TEXT = (
    "Thủ tục Đăng ký khai sinh. Giấy tờ cần mang: tờ khai; giấy chứng sinh; căn cước của cha hoặc mẹ. "
    "Lệ phí: miễn. Thời gian: trong ngày. Nói 'chi tiết' để nghe thêm…"
)


def conversation(bodies):
    tts = FakeTextToSpeech()
    return KioskConversation(stt=FakeSpeechToText(), tts=tts, dialogue=FakeDialogue(bodies)), tts


def test_speech_form_is_said_and_the_full_text_is_shown():
    talk, tts = conversation([procedure_body(LONG_TEXT, speech="Khai sinh cần tờ khai và giấy chứng sinh.")])
    result = talk.heard(Transcript("khai sinh", 0.9, 1.0))
    assert result.kind is TurnKind.REPLY
    assert result.display_text == LONG_TEXT
    assert tts.received[-1][0].startswith("Khai sinh cần tờ khai và giấy chứng sinh")
    assert "chi tiết" not in tts.received[-1][0]
    turn = result.to_json()
    assert turn["data"]["kind"] == "procedure" and turn["data"]["procedure"]["code"] == "1.001193"
    assert [s["title"] for s in turn["suggestions"]] == ["Lệ phí", "Thời gian", "Nộp ở đâu", "Lấy số"]
    assert turn["buttons"] == []


def test_without_a_speech_form_the_text_is_said_never_an_ellipsis():
    talk, tts = conversation([procedure_body("Thủ tục Đăng ký khai sinh cho trẻ em…")])
    talk.typed("khai sinh")
    assert "…" not in tts.received[-1][0] and "Đăng ký khai sinh" in tts.received[-1][0]


def test_a_suggestion_can_be_touched():
    talk, _ = conversation([procedure_body("Khai sinh."), {"messages": [{"text": "Miễn lệ phí."}]}])
    talk.typed("khai sinh")
    assert [s.payload for s in talk.pending_suggestions][0] == "/ask_fee"
    assert talk.choose("/ask_fee").display_text == "Miễn lệ phí."
