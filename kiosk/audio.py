"""PCM audio as small typed values: read/validate WAV, write WAV, downmix and resample to 16 kHz."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TARGET_RATE = 16_000
SAMPLE_WIDTH = 2
MIN_RATE = 16_000
MAX_RATE = 48_000
DEFAULT_MAX_SECONDS = 120.0


class AudioFormatError(ValueError):
    """The audio cannot be used; the message is one line meant for the person at the keyboard."""


@dataclass(frozen=True)
class PcmAudio:
    """Signed 16-bit little-endian mono PCM."""

    samples: bytes
    """Raw little-endian int16 samples, one channel."""
    rate: int
    """Samples per second."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / (SAMPLE_WIDTH * self.rate)

    def to_array(self) -> np.ndarray:
        """Samples as float32 in [-1, 1)."""
        return np.frombuffer(self.samples, dtype="<i2").astype(np.float32) / 32768.0

    @classmethod
    def from_array(cls, values: np.ndarray, rate: int) -> PcmAudio:
        """Build from float samples in [-1, 1] (clipped)."""
        ints = np.clip(np.round(np.asarray(values, dtype=np.float64) * 32768.0), -32768, 32767)
        return cls(ints.astype("<i2").tobytes(), rate)

    def to_wav(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(SAMPLE_WIDTH)
            out.setframerate(self.rate)
            out.writeframes(self.samples)
        return buffer.getvalue()


def read_wav(
    source: bytes | str | Path, *, downmix: bool = False, max_seconds: float = DEFAULT_MAX_SECONDS
) -> PcmAudio:
    """Read a WAV file (path or bytes) into mono PCM, or raise AudioFormatError with a one-line reason.

    Accepted: uncompressed 16-bit PCM, 16–48 kHz, mono (stereo only with `downmix=True`, averaged).
    """
    name = "audio" if isinstance(source, (bytes, bytearray)) else str(source)
    try:
        data = bytes(source) if isinstance(source, (bytes, bytearray)) else Path(source).read_bytes()
    except OSError as exc:
        raise AudioFormatError(f"{name}: cannot read file ({exc.strerror or exc})") from exc
    if not data:
        raise AudioFormatError(f"{name}: file is empty / tệp rỗng")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFormatError(f"{name}: not a WAV file (no RIFF/WAVE header) / không phải tệp WAV")
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, rate, frames = (
                wav.getnchannels(),
                wav.getsampwidth(),
                wav.getframerate(),
                wav.getnframes(),
            )
            raw = wav.readframes(frames)
    except (wave.Error, EOFError, ValueError) as exc:
        raise AudioFormatError(f"{name}: damaged or unsupported WAV ({exc})") from exc
    if width != SAMPLE_WIDTH:
        raise AudioFormatError(f"{name}: {8 * width}-bit samples; need 16-bit PCM (convert: sox IN.wav -b 16 OUT.wav)")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioFormatError(
            f"{name}: sample rate {rate} Hz; need {MIN_RATE}–{MAX_RATE} Hz (convert: sox IN.wav -r 16000 OUT.wav)"
        )
    if channels != 1 and not (downmix and channels == 2):
        hint = " or pass --downmix" if channels == 2 else ""
        raise AudioFormatError(f"{name}: {channels} channels; need mono (convert: sox IN.wav -c 1 OUT.wav{hint})")
    usable = len(raw) - len(raw) % (SAMPLE_WIDTH * channels)
    if usable == 0:
        raise AudioFormatError(f"{name}: contains no audio samples / không có âm thanh")
    if usable / (SAMPLE_WIDTH * channels * rate) > max_seconds:
        raise AudioFormatError(f"{name}: longer than {max_seconds:.0f} s; record a shorter question")
    samples = raw[:usable]
    if channels == 2:
        pairs = np.frombuffer(samples, dtype="<i2").reshape(-1, 2).astype(np.int32)
        samples = (pairs.sum(axis=1) // 2).astype("<i2").tobytes()
    return PcmAudio(samples, rate)


def resample(audio: PcmAudio, rate: int = TARGET_RATE) -> PcmAudio:
    """Band-limited (FFT) resampling; returns the input unchanged when the rate already matches."""
    if audio.rate == rate:
        return audio
    values = np.frombuffer(audio.samples, dtype="<i2").astype(np.float64)
    count_out = max(1, int(round(len(values) * rate / audio.rate)))
    spectrum = np.fft.rfft(values)
    kept = np.zeros(count_out // 2 + 1, dtype=np.complex128)
    shared = min(len(spectrum), len(kept))
    kept[:shared] = spectrum[:shared]
    out = np.fft.irfft(kept, count_out) * (count_out / len(values))
    return PcmAudio(np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes(), rate)


def to_speech_rate(audio: PcmAudio) -> PcmAudio:
    """The format the recognisers are fed: 16 kHz mono 16-bit."""
    return resample(audio, TARGET_RATE)


def silence(seconds: float, rate: int = TARGET_RATE) -> PcmAudio:
    return PcmAudio(bytes(int(seconds * rate) * SAMPLE_WIDTH), rate)


def concat(*parts: PcmAudio) -> PcmAudio:
    """Join clips of the same rate."""
    rates = {part.rate for part in parts}
    if len(rates) != 1:
        raise ValueError(f"cannot join clips of different rates: {sorted(rates)}")
    return PcmAudio(b"".join(part.samples for part in parts), rates.pop())
