"""Where kiosk audio comes from and goes to: a WAV file, or the local sound card (optional `sounddevice`)."""

from __future__ import annotations

import io
import sys
from typing import Any, Protocol

from kiosk.audio import SAMPLE_WIDTH, TARGET_RATE, PcmAudio, read_wav, to_speech_rate


class AudioSource(Protocol):
    """16 kHz 16-bit mono PCM, read in chunks."""

    def wait_for_wake(self) -> bool:
        """Block until a visitor wants to talk (button, Enter key...); False means shut down."""
        ...

    def read(self, max_bytes: int) -> bytes:
        """The next chunk (at most `max_bytes`); b'' when the source has ended."""
        ...

    def flush(self) -> None:
        """Drop audio captured so far (e.g. the kiosk's own voice while it was speaking)."""
        ...


class AudioPlayer(Protocol):
    def play(self, wav: bytes) -> None:
        """Play WAV bytes to the end."""
        ...


class NoAudioDevice(RuntimeError):
    """No usable sound card (or the optional `sounddevice` package is not installed)."""


class WavFileSource:
    """A recorded question: one wake, then its samples, then end of stream."""

    def __init__(self, audio: PcmAudio) -> None:
        self._samples = to_speech_rate(audio).samples
        self._position = 0
        self._woken = False

    def wait_for_wake(self) -> bool:
        if self._woken:
            return False
        self._woken = True
        return True

    def read(self, max_bytes: int) -> bytes:
        chunk = self._samples[self._position : self._position + max_bytes]
        self._position += len(chunk)
        return chunk

    def flush(self) -> None:
        """Nothing to drop: a file holds only the visitor's audio."""


def _sounddevice() -> Any:  # the sounddevice module (optional, untyped)
    try:
        import sounddevice  # optional: only the local microphone loop needs it
    except (ImportError, OSError) as exc:
        raise NoAudioDevice(
            "no sound support: install the optional package `sounddevice` (and PortAudio) / chưa cài sounddevice"
        ) from exc
    try:
        devices = sounddevice.query_devices()
    except Exception as exc:  # PortAudio errors are plain Exceptions
        raise NoAudioDevice(f"sound system not usable: {exc}") from exc
    if not any(device.get("max_input_channels", 0) > 0 for device in devices):
        raise NoAudioDevice("no microphone found on this machine / không tìm thấy micrô")
    return sounddevice


class MicrophoneSource:
    """The local microphone; the visitor presses Enter (or the kiosk's push button mapped to Enter) to talk."""

    def __init__(self, *, prompt: str = "Nhấn Enter để nói (Ctrl+D để thoát) / Press Enter to talk: ") -> None:
        sounddevice = _sounddevice()
        self._stream = sounddevice.RawInputStream(samplerate=TARGET_RATE, channels=1, dtype="int16")
        self._stream.start()
        self._prompt = prompt

    def wait_for_wake(self) -> bool:
        print(self._prompt, end="", flush=True)
        line = sys.stdin.readline()
        return bool(line)

    def read(self, max_bytes: int) -> bytes:
        data, _overflowed = self._stream.read(max_bytes // SAMPLE_WIDTH)
        return bytes(data)

    def flush(self) -> None:
        available = self._stream.read_available
        if available:
            self._stream.read(available)


class SpeakerPlayer:
    """Plays through the local sound card."""

    def __init__(self) -> None:
        self._sounddevice = _sounddevice()

    def play(self, wav: bytes) -> None:
        audio = read_wav(io.BytesIO(wav).getvalue(), max_seconds=600)
        self._sounddevice.play(audio.to_array(), samplerate=audio.rate, blocking=True)
