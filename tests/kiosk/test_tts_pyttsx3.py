"""Real pyttsx3 (espeak driver) + real espeak-ng: complete WAVs back to back, rate, voices, threads, selection."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from kiosk.audio import read_wav
from kiosk.engines import build_tts
from kiosk.settings import KioskSettings
from kiosk.tts import EspeakTextToSpeech, SpeechSynthesisError

pyttsx3 = pytest.importorskip("pyttsx3")
pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian espeak-ng not installed")

from kiosk.tts_pyttsx3 import Pyttsx3TextToSpeech  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BACK_TO_BACK = """
import json, sys
from pathlib import Path
from kiosk.tts_pyttsx3 import Pyttsx3TextToSpeech
engines = {130: Pyttsx3TextToSpeech(rate=130), 220: Pyttsx3TextToSpeech(rate=220)}
wavs = [engines[rate].synthesize(text) for text, rate in json.load(sys.stdin)]
for index, wav in enumerate(wavs):
    (Path(sys.argv[1]) / f"{index}.wav").write_bytes(wav)
"""
SENTENCES = [
    "Thủ tục đăng ký khai sinh được giải quyết ngay trong ngày, không mất lệ phí. " * 6,  # long goes first
    "Xin chào bác, bác cần làm thủ tục gì ạ?",
    "Mời bác đến quầy số hai, tầng một, để nộp hồ sơ.",
    "Vâng ạ, mời bác ngồi chờ.",
    "Số thứ tự của bác là a không một hai, còn ba người nữa, chờ khoảng mười lăm phút.",
    "Bác cần mang theo căn cước công dân và giấy chứng sinh bản chính.",
    "Lệ phí cấp bản sao trích lục là tám nghìn đồng một bản.",
    "Hồ sơ của bác đang được xử lý, dự kiến trả kết quả ngày mười lăm tháng tám.",
    "Xin lỗi, tôi chưa nghe rõ, bác nói lại được không ạ?",
    "Cảm ơn bác, chúc bác một ngày tốt lành.",
]


def espeak_cli_seconds(text: str, rate: int, voice: str = "aav/vi") -> float:
    """Length of what `espeak-ng --stdout` says for the same text, voice and rate: the reference."""
    done = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", text], capture_output=True, check=True, timeout=30
    )
    return read_wav(done.stdout, max_seconds=3600).seconds


def assert_complete(wav: bytes, text: str, rate: int) -> None:
    audio = read_wav(wav, max_seconds=3600)
    assert audio.rate == 22050
    assert audio.seconds == pytest.approx(espeak_cli_seconds(text, rate), rel=0.10), text


@pytest.fixture(scope="module")
def slow():
    return Pyttsx3TextToSpeech({"vi": "aav/vi", "south": "aav/vi-vn-x-south"}, rate=130)


@pytest.fixture(scope="module")
def fast():
    return Pyttsx3TextToSpeech(rate=220)


def test_vietnamese_sentence_is_a_mono_16_bit_wav_of_at_least_a_second(slow):
    wav = slow.synthesize("Mời bác đến quầy số hai để nộp hồ sơ đăng ký khai sinh.")
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    assert int.from_bytes(wav[22:24], "little") == 1 and int.from_bytes(wav[34:36], "little") == 16
    audio = read_wav(wav)
    assert audio.seconds >= 1.0
    assert np.abs(audio.to_array()).max() > 0.1  # speech, not silence


def test_ten_back_to_back_sentences_are_complete_with_each_engines_rate(tmp_path):
    # In a fresh process (the first utterances of a process are where pyttsx3's runAndWait returned early),
    # two engines (130 and 220 wpm) alternate on the one shared espeak with nothing in between. A truncated
    # or empty file, a file holding another sentence, or a rate left over from the other engine all miss the
    # espeak-ng reference by more than 10 %.
    plan = [(sentence, 130 if index % 2 == 0 else 220) for index, sentence in enumerate(SENTENCES)]
    done = subprocess.run(
        [sys.executable, "-c", BACK_TO_BACK, str(tmp_path)],
        input=json.dumps(plan),
        text=True,
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # the driver's "Audio saved to ..." chatter stays off stdout
    for index, (sentence, rate) in enumerate(plan):
        assert_complete((tmp_path / f"{index}.wav").read_bytes(), sentence, rate)


def test_slower_rate_gives_longer_speech(slow, fast):
    sentence = SENTENCES[5]
    slow_seconds = read_wav(slow.synthesize(sentence)).seconds
    fast_seconds = read_wav(fast.synthesize(sentence)).seconds
    assert slow_seconds > fast_seconds * 1.4
    assert read_wav(slow.synthesize(sentence)).seconds == pytest.approx(slow_seconds, rel=0.02)


def test_english_and_regional_voices(slow):
    english = slow.synthesize("Please go to desk two on the ground floor.", "en")
    assert read_wav(english).seconds == pytest.approx(
        espeak_cli_seconds("Please go to desk two on the ground floor.", 130, "gmw/en-us"), rel=0.10
    )
    north = slow.synthesize("Mời bác đến quầy số hai.", "vi")
    assert north != slow.synthesize("Mời bác đến quầy số hai.", "south")


def test_unknown_voice_empty_text_and_unknown_language_are_clear_errors(slow):
    with pytest.raises(SpeechSynthesisError, match="not installed; available: aav/vi"):
        Pyttsx3TextToSpeech({"vi": "aav/vi-vn-x-nowhere"})
    with pytest.raises(SpeechSynthesisError, match="empty"):
        slow.synthesize("   ")
    with pytest.raises(SpeechSynthesisError, match="no voice configured"):
        slow.synthesize("xin chào", "fr")


def test_three_threads_at_once_each_get_their_own_complete_wav(slow, fast):
    results: dict[int, list[tuple[str, int, bytes]]] = {}
    errors: list[BaseException] = []

    def speak(worker: int) -> None:
        engine, rate = (fast, 220) if worker == 1 else (slow, 130)
        try:
            results[worker] = [(text, rate, engine.synthesize(text)) for text in SENTENCES[worker * 3 : worker * 3 + 3]]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=speak, args=(worker,)) for worker in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(results) == [0, 1, 2]
    for utterances in results.values():
        for text, rate, wav in utterances:
            assert_complete(wav, text, rate)


def test_driver_chatter_stays_off_stdout(slow, capfd):
    slow.synthesize("Xin chào.")
    assert capfd.readouterr().out == ""  # stdout carries `python -m kiosk converse --json`


def test_kiosk_tts_engine_setting_picks_the_engine(monkeypatch):
    assert isinstance(build_tts(KioskSettings(_env_file=None)), Pyttsx3TextToSpeech)
    monkeypatch.setenv("KIOSK_TTS_ENGINE", "espeak")
    monkeypatch.setenv("KIOSK_SPEECH_RATE", "170")
    chosen = build_tts(KioskSettings(_env_file=None))
    assert isinstance(chosen, EspeakTextToSpeech) and chosen.rate == 170
    monkeypatch.setenv("KIOSK_TTS_ENGINE", "festival")
    with pytest.raises(ValueError, match="pyttsx3"):
        KioskSettings(_env_file=None)
