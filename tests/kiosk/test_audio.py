"""WAV reading/validation, downmix and resampling."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from kiosk.audio import AudioFormatError, PcmAudio, read_wav, resample
from tests.kiosk.audio_builders import tone


def wav_bytes(frames: bytes, *, channels: int = 1, width: int = 2, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def test_round_trip_keeps_samples_and_rate():
    clip = tone(0.5, rate=22050)
    back = read_wav(clip.to_wav())
    assert back == clip
    assert back.seconds == pytest.approx(0.5, abs=1e-3)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"hello, this is not audio at all" * 4, "not a WAV"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt \x10\x00", "damaged"),
        (wav_bytes(b""), "no audio samples"),
        (wav_bytes(bytes(3200), width=1), "8-bit"),
        (wav_bytes(bytes(3200), rate=8000), "8000 Hz"),
        (wav_bytes(bytes(3200), rate=96000), "96000 Hz"),
        (wav_bytes(bytes(6400), channels=2), "2 channels"),
        (wav_bytes(bytes(6000), channels=6), "6 channels"),
    ],
)
def test_unusable_audio_gives_one_line_reason(data, reason):
    with pytest.raises(AudioFormatError) as error:
        read_wav(data)
    assert reason in str(error.value)
    assert "\n" not in str(error.value)


def test_truncated_wav_body_is_rejected_or_cut_to_whole_samples():
    full = tone(0.2).to_wav()
    audio = read_wav(full[:-1])
    assert len(audio.samples) % 2 == 0 and audio.seconds < 0.2


def test_stereo_is_averaged_only_when_asked():
    left = np.full(1600, 1000, dtype="<i2")
    right = np.full(1600, 3000, dtype="<i2")
    frames = np.stack([left, right], axis=1).astype("<i2").tobytes()
    audio = read_wav(wav_bytes(frames, channels=2), downmix=True)
    assert set(np.frombuffer(audio.samples, dtype="<i2")) == {2000}
    with pytest.raises(AudioFormatError, match="--downmix"):
        read_wav(wav_bytes(frames, channels=2))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(AudioFormatError, match="cannot read"):
        read_wav(tmp_path / "nope.wav")


def test_too_long_is_rejected():
    with pytest.raises(AudioFormatError, match="longer than"):
        read_wav(tone(3.0).to_wav(), max_seconds=2)


def test_resample_keeps_duration_and_pitch():
    source = tone(1.0, hz=440.0, rate=22050)
    out = resample(source, 16000)
    assert out.rate == 16000 and len(out.samples) == 2 * 16000
    spectrum = np.abs(np.fft.rfft(out.to_array()))
    assert abs(np.argmax(spectrum) * 16000 / len(out.to_array()) - 440.0) < 2.0
    assert resample(out, 16000) is out


def test_from_array_clips():
    audio = PcmAudio.from_array(np.array([2.0, -2.0, 0.0]), 16000)
    assert list(np.frombuffer(audio.samples, dtype="<i2")) == [32767, -32768, 0]
