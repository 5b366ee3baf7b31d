"""Real espeak-ng synthesis through pyttsx3 (needs Debian espeak-ng)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from kiosk.audio import read_wav
from kiosk.speakable import speakable
from kiosk.tts import EspeakTextToSpeech, SpeechSynthesisError

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian espeak-ng not installed")
SENTENCE = "Xin chào bác. Thủ tục đăng ký khai sinh được giải quyết trong ngày, lệ phí năm mươi nghìn đồng."


@pytest.fixture(scope="module")
def tts():
    return EspeakTextToSpeech({"vi": "aav/vi", "south": "aav/vi-vn-x-south"}, rate=150)


def test_vietnamese_sentence_is_a_mono_wav_of_plausible_length(tts):
    audio = read_wav(tts.synthesize(SENTENCE, "vi"))
    assert audio.rate == 22050
    assert 3.0 <= audio.seconds <= 15.0
    levels = np.abs(audio.to_array())
    assert levels.max() > 0.1  # not silence


def test_slower_rate_gives_longer_speech(tts):
    fast = EspeakTextToSpeech(rate=220)
    slow_seconds = read_wav(tts.synthesize(SENTENCE)).seconds
    fast_seconds = read_wav(fast.synthesize(SENTENCE)).seconds
    tts.synthesize("a")  # shared espeak instance: the next call must use this engine's rate again
    assert slow_seconds > fast_seconds * 1.2
    assert read_wav(tts.synthesize(SENTENCE)).seconds == pytest.approx(slow_seconds, rel=0.02)


def test_regional_voice_and_english_voice_differ(tts):
    north = tts.synthesize("Mời bác đến quầy số hai.", "vi")
    south = tts.synthesize("Mời bác đến quầy số hai.", "south")
    english = tts.synthesize("Please go to desk two.", "en")
    assert north != south
    assert read_wav(english).seconds >= 1.0


def test_speakable_text_is_speakable(tts):
    assert read_wav(tts.synthesize(speakable("Số thứ tự A012, Quầy 2, 8:00 ngày 06/08/2025."))).seconds > 3.0


def test_unknown_voice_and_empty_text_are_clear_errors(tts):
    with pytest.raises(SpeechSynthesisError, match="available: aav/vi"):
        EspeakTextToSpeech({"vi": "aav/vi-vn-x-nowhere"})
    with pytest.raises(SpeechSynthesisError, match="empty"):
        tts.synthesize("   ")
    with pytest.raises(SpeechSynthesisError, match="no voice configured"):
        tts.synthesize("xin chào", "fr")
