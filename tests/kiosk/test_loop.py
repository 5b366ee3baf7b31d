"""The kiosk state machine and turn logic with recording fakes (no sound card, no models)."""

from __future__ import annotations

import pytest

from kiosk.audio import concat, read_wav
from kiosk.conversation import KioskConversation, TurnKind
from kiosk.loop import KioskLoop, KioskState
from kiosk.vad import VadConfig
from tests.kiosk.audio_builders import quiet, tone
from tests.kiosk.fakes import (
    FakeAudioSource,
    FakeDialogue,
    FakeSpeechToText,
    FakeTextToSpeech,
    RecordingPlayer,
    RecordingScreen,
)
from tests.kiosk.payloads import CLARIFY, option_payload, ticket_body

VAD = VadConfig(hangover_ms=500, opener_ms=800, no_speech_timeout_s=1.5)
ANSWER = ticket_body("Lệ phí 8.000 đồng. Mời bác đến Quầy 2 – Hộ tịch. Số thứ tự của bác là A012.")


def spoken_question(seconds: float = 1.0):
    return [quiet(0.4), tone(seconds), quiet(1.0)]


def make_loop(transcripts, bodies=(), sessions=None, *, unavailable=False):
    stt, tts = FakeSpeechToText(transcripts), FakeTextToSpeech()
    dialogue = FakeDialogue(bodies, unavailable=unavailable)
    conversation = KioskConversation(stt=stt, tts=tts, dialogue=dialogue, min_confidence=0.5)
    screen, player = RecordingScreen(), RecordingPlayer()
    source = FakeAudioSource(sessions if sessions is not None else [spoken_question() + spoken_question()])
    loop = KioskLoop(conversation, source=source, screen=screen, player=player, vad=VAD, max_follow_ups=3)
    return loop, stt, tts, dialogue, screen, player


def test_full_session_greets_answers_follow_up_and_returns_to_idle():
    loop, stt, tts, dialogue, screen, player = make_loop(
        [("đăng ký khai sinh", 0.9), ("số một", 0.8)], [CLARIFY, ANSWER]
    )
    assert loop.run_session() is True
    S = KioskState
    assert loop.states == [
        S.IDLE,
        S.GREETING,
        S.LISTENING,
        S.TRANSCRIBING,
        S.REPLYING,
        S.LISTENING,
        S.TRANSCRIBING,
        S.REPLYING,
        S.LISTENING,
        S.IDLE,
    ]
    assert screen.states == loop.states
    # the recogniser got each utterance (tone plus pre-roll and hangover), not the silence around it
    assert len(stt.received) == 2 and all(1.0 < clip.seconds < 2.0 for clip in stt.received)
    # "số một" answered the clarifying question with the first option's payload, in the same conversation
    sender = dialogue.received[0][0]
    assert dialogue.received == [(sender, "đăng ký khai sinh"), (sender, option_payload(1))]
    assert screen.shown == ["greeting", "transcript", "reply", "transcript", "reply", "goodbye"]
    assert [t.text for t in screen.transcripts] == ["đăng ký khai sinh", "số một"]
    kinds = [turn.kind for turn in screen.turns]
    assert kinds == [TurnKind.GREETING, TurnKind.REPLY, TurnKind.REPLY, TurnKind.GOODBYE]
    answer = screen.turns[2]
    assert (answer.reply.desk, answer.reply.ticket) == ("Quầy 2 – Hộ tịch", "A012")
    # spoken text is speakable: options read out by number, money and ticket as words
    spoken = [text for text, _ in tts.received]
    assert "số một, Đăng ký khai sinh; số hai, Đăng ký khai tử" in spoken[1]
    assert "tám nghìn đồng" in spoken[2] and "a không một hai" in spoken[2]
    assert player.played == [turn.audio for turn in screen.turns]
    assert loop.conversation.sender != sender  # the next visitor starts a new conversation


def test_empty_or_unsure_transcript_asks_again_and_offers_typing():
    loop, stt, tts, dialogue, screen, _ = make_loop(
        [("", 0.0), ("khai sinh", 0.2)], sessions=[spoken_question() + spoken_question()]
    )
    loop.run_session()
    not_heard = [turn for turn in screen.turns if turn.kind is TurnKind.NOT_HEARD]
    assert len(not_heard) == 2
    assert all(turn.offer_typing for turn in not_heard)
    assert not_heard[0].display_text.startswith("Xin lỗi, tôi chưa nghe rõ.")
    assert "gõ câu hỏi trên màn hình" in not_heard[0].display_text
    assert dialogue.received == []


def test_silence_after_greeting_goes_back_to_idle_without_calling_anyone():
    loop, stt, _, dialogue, screen, _ = make_loop([], sessions=[[quiet(3.0)]])
    loop.run_session()
    assert loop.states == [KioskState.IDLE, KioskState.GREETING, KioskState.LISTENING, KioskState.IDLE]
    assert stt.received == [] and dialogue.received == []


def test_follow_ups_are_capped():
    loop, stt, *_ = make_loop([("a", 0.9)] * 10, sessions=[spoken_question(0.5) * 8])
    loop.run_session()
    assert len(stt.received) == 1 + loop.max_follow_ups


def test_run_serves_sessions_until_the_source_stops():
    loop, stt, tts, dialogue, *_ = make_loop(
        [("xin chào", 0.9), ("cảm ơn", 0.9)], sessions=[spoken_question(), spoken_question()]
    )
    loop.run()
    senders = [sender for sender, _ in dialogue.received]
    assert [message for _, message in dialogue.received] == ["xin chào", "cảm ơn"]
    assert senders[0] != senders[1]


def test_dialogue_down_is_a_polite_spoken_apology():
    loop, _, tts, dialogue, screen, _ = make_loop([("khai sinh", 0.9)], unavailable=True, sessions=[spoken_question()])
    loop.run_session()
    turn = next(turn for turn in screen.turns if turn.kind is TurnKind.UNAVAILABLE)
    assert turn.message_sent == "khai sinh" and "tạm gián đoạn" in turn.display_text
    assert read_wav(turn.audio).seconds > 0


def test_typed_text_and_touched_buttons():
    _, _, _, dialogue, _, _ = make_loop([], [CLARIFY, ANSWER, ANSWER])
    conversation = KioskConversation(stt=FakeSpeechToText(), tts=FakeTextToSpeech(), dialogue=dialogue)
    first = conversation.typed("khai sinh")
    assert [b.title for b in first.buttons] == ["Đăng ký khai sinh", "Đăng ký khai tử"]
    conversation.typed("2")
    assert dialogue.received[-1][1] == option_payload(2)
    conversation.choose("/ask_queue_ticket")
    assert dialogue.received[-1][1] == "/ask_queue_ticket"


@pytest.mark.parametrize("confidence, kind", [(0.49, TurnKind.NOT_HEARD), (0.5, TurnKind.REPLY)])
def test_confidence_threshold(confidence, kind):
    conversation = KioskConversation(
        stt=FakeSpeechToText([("khai sinh", confidence)]),
        tts=FakeTextToSpeech(),
        dialogue=FakeDialogue(),
        min_confidence=0.5,
    )
    assert conversation.hear(concat(quiet(0.2), tone(0.5))).kind is kind


def test_console_screen_shows_transcript_options_desk_and_ticket(capsys):
    from kiosk.loop import ConsoleScreen
    from kiosk.stt import Transcript

    conversation = KioskConversation(
        stt=FakeSpeechToText(), tts=FakeTextToSpeech(), dialogue=FakeDialogue([CLARIFY, ANSWER])
    )
    screen = ConsoleScreen()
    screen.show_transcript(Transcript("", 0.0, 1.0))
    screen.show_turn(conversation.typed("khai sinh"))
    screen.show_turn(conversation.typed("số một"))
    out = capsys.readouterr().out
    assert "(chưa nghe rõ / unclear)" in out
    assert "[2] Đăng ký khai tử" in out
    assert "Quầy / Desk: Quầy 2 – Hộ tịch" in out and "Số thứ tự / Ticket: A012" in out


def test_long_answers_are_shown_in_full_but_read_only_in_part():
    long_text = " ".join(f"Bước {n}: nộp giấy tờ số {n} tại quầy tiếp nhận của phường." for n in range(1, 40))
    tts = FakeTextToSpeech()
    conversation = KioskConversation(
        stt=FakeSpeechToText(), tts=tts, dialogue=FakeDialogue([{"messages": [{"text": long_text}]}])
    )
    result = conversation.typed("các bước")
    assert result.display_text == long_text
    assert result.spoken_text.endswith("Chi tiết xin xem trên màn hình.")
    assert 300 < len(result.spoken_text) < 800
    assert result.spoken_text.startswith("Bước một: nộp giấy tờ số một")
