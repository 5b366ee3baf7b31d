"""`python -m kiosk` as a user runs it: exit codes, one-line errors, real espeak-ng and vosk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.audio import concat, read_wav, silence
from tests.kiosk.audio_builders import tone
from tests.kiosk.support import korean_model_dir

pytestmark = pytest.mark.slow  # every test runs `python -m kiosk` as a process

REPO = Path(__file__).resolve().parents[2]
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian espeak-ng not installed")


def kiosk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, cwd=REPO, env=environment, timeout=120
    )


def assert_one_line_error(done: subprocess.CompletedProcess, *, code: int, contains: str) -> None:
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: error: "), done.stderr
    assert contains in lines[0]
    assert "Traceback" not in done.stderr


@needs_espeak
def test_say_vietnamese_writes_a_mono_wav_of_at_least_a_second(tmp_path):
    out = tmp_path / "reply.wav"
    done = kiosk("say", "Số thứ tự của bác là A012, mời bác đến Quầy 2.", "--out", str(out))
    assert done.returncode == 0, done.stderr
    audio = read_wav(out)
    assert audio.seconds >= 1.0 and audio.rate == 22050


@needs_espeak
def test_say_rate_setting_changes_speech_length(tmp_path):
    lengths = []
    for rate in ("100", "250"):
        out = tmp_path / f"r{rate}.wav"
        assert (
            kiosk(
                "say", "Xin chào bác, mời bác ngồi chờ.", "--out", str(out), env={"KIOSK_SPEECH_RATE": rate}
            ).returncode
            == 0
        )
        lengths.append(read_wav(out).seconds)
    assert lengths[0] > 1.5 * lengths[1]


@needs_espeak
def test_say_with_unknown_voice_is_a_clear_error(tmp_path):
    done = kiosk("say", "xin chào", "--out", str(tmp_path / "x.wav"), "--voice", "aav/vi-vn-x-nowhere")
    assert_one_line_error(done, code=1, contains="not installed")


@pytest.mark.parametrize(
    "content, contains",
    [
        (b"", "empty"),
        (b"this is not audio" * 10, "not a WAV"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00", "damaged"),
    ],
)
def test_transcribe_bad_files(tmp_path, content, contains):
    path = tmp_path / "question.wav"
    path.write_bytes(content)
    assert_one_line_error(kiosk("transcribe", str(path)), code=2, contains=contains)


def test_transcribe_stereo_and_wrong_rate_and_missing_file(tmp_path):
    import wave

    stereo, low = tmp_path / "stereo.wav", tmp_path / "low.wav"
    for path, channels, rate in ((stereo, 2, 16000), (low, 1, 8000)):
        with wave.open(str(path), "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(bytes(3200))
    assert_one_line_error(kiosk("transcribe", str(stereo)), code=2, contains="2 channels")
    assert_one_line_error(kiosk("transcribe", str(low)), code=2, contains="8000 Hz")
    assert_one_line_error(kiosk("transcribe", str(tmp_path / "missing.wav")), code=2, contains="cannot read")


def test_missing_model_is_a_clear_error(tmp_path):
    path = tmp_path / "q.wav"
    path.write_bytes(concat(silence(0.2), tone(0.5)).to_wav())
    done = kiosk("transcribe", str(path), "--model", str(tmp_path / "no-model"))
    assert_one_line_error(done, code=1, contains="fetch_vosk_model.sh")


def test_run_without_sound_device_exits_non_zero_with_a_message():
    done = kiosk("run")
    assert done.returncode == 1
    assert "kiosk: error:" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.models  # the real Korean vosk model and espeak-ng
@needs_espeak
def test_transcribe_korean_json_with_the_real_model(tmp_path):
    speech = subprocess.run(
        ["espeak-ng", "-v", "ko", "-s", "140", "--stdout", "전화 번호"], capture_output=True, check=True
    ).stdout
    audio = read_wav(speech)
    path = tmp_path / "ko.wav"
    path.write_bytes(concat(silence(0.3, audio.rate), audio, silence(0.3, audio.rate)).to_wav())
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("안녕하세요\n전화 번호\n병원\n", encoding="utf-8")
    done = kiosk("transcribe", str(path), "--model", str(korean_model_dir()), "--phrases", str(phrases), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["text"] == "전화 번호"
    assert result["confidence"] > 0.8 and result["seconds"] == pytest.approx(audio.seconds + 0.6, abs=0.05)


@pytest.mark.models  # the real Korean vosk model and espeak-ng
@needs_espeak
def test_converse_one_turn_through_a_bridge_on_127_0_0_1(tmp_path):
    from fastapi import FastAPI

    from assistant.payload import Desk
    from tests.kiosk.payloads import ticket_body
    from tests.kiosk.support import serve

    received = []
    app = FastAPI()

    @app.post("/api/chat")
    def chat(body: dict) -> dict:
        received.append(body)
        return ticket_body(
            "Mời bác đến Quầy 1 – Tiếp nhận. Số thứ tự của bác là A007.",
            number="A007",
            desk=Desk(id="quay-1", name="Quầy 1 – Tiếp nhận"),
        )

    speech = read_wav(
        subprocess.run(
            ["espeak-ng", "-v", "ko", "-s", "140", "--stdout", "병원"], capture_output=True, check=True
        ).stdout
    )
    question, reply = tmp_path / "q.wav", tmp_path / "reply.wav"
    question.write_bytes(concat(silence(0.3, speech.rate), speech, silence(0.3, speech.rate)).to_wav())
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("안녕하세요\n병원\n서울\n", encoding="utf-8")
    with serve(app) as url:
        done = kiosk(
            "converse",
            str(question),
            "--out",
            str(reply),
            "--model",
            str(korean_model_dir()),
            "--phrases",
            str(phrases),
            "--bridge",
            url,
            "--json",
        )
    assert done.returncode == 0, done.stderr
    assert [body["message"] for body in received] == ["병원"]
    assert received[0]["sender"].startswith("kiosk-")
    result = json.loads(done.stdout)
    assert (result["kind"], result["desk"], result["ticket"]) == ("reply", "Quầy 1 – Tiếp nhận", "A007")
    assert "a không không bảy" in result["spoken_text"]
    assert read_wav(reply).seconds > 2.0


@pytest.mark.models  # the real Korean vosk model and espeak-ng
@needs_espeak
def test_converse_with_the_bridge_down_still_answers_politely_and_exits_3(tmp_path):
    from tests.kiosk.support import free_port

    speech = read_wav(
        subprocess.run(
            ["espeak-ng", "-v", "ko", "-s", "140", "--stdout", "서울"], capture_output=True, check=True
        ).stdout
    )
    question, reply = tmp_path / "q.wav", tmp_path / "reply.wav"
    question.write_bytes(concat(silence(0.3, speech.rate), speech, silence(0.3, speech.rate)).to_wav())
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("병원\n서울\n", encoding="utf-8")
    done = kiosk(
        "converse",
        str(question),
        "--out",
        str(reply),
        "--model",
        str(korean_model_dir()),
        "--phrases",
        str(phrases),
        "--bridge",
        f"http://127.0.0.1:{free_port()}",
        "--json",
    )
    assert done.returncode == 3
    assert json.loads(done.stdout)["kind"] == "unavailable"
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "did not answer" in done.stderr
    assert read_wav(reply).seconds > 1.0  # the spoken apology is still written


def test_invalid_setting_is_a_one_line_error(tmp_path):
    done = kiosk("say", "Xin chào", "--out", str(tmp_path / "x.wav"), env={"KIOSK_TTS_ENGINE": "nope"})
    assert_one_line_error(done, code=1, contains="KIOSK_TTS_ENGINE")
    assert not (tmp_path / "x.wav").exists()
