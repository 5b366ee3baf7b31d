"""Text-to-speech behind a small Protocol; the real engine is pyttsx3 driving espeak-ng (offline)."""
from __future__ import annotations

import contextlib
import io
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from kiosk.audio import AudioFormatError, read_wav

DEFAULT_VOICES = {"vi": "aav/vi", "en": "gmw/en-us"}


class TextToSpeech(Protocol):
    def synthesize(self, text: str, language: str = "vi") -> bytes:
        """Speak `text` into a mono 16-bit WAV file's bytes."""
        ...


class SpeechSynthesisError(RuntimeError):
    """espeak-ng is missing, the voice does not exist, or synthesis produced no audio."""


class Pyttsx3TextToSpeech:
    """pyttsx3 + espeak-ng. Voice ids are checked against the installed voices when the engine is built.

    pyttsx3 keeps one espeak instance per process, so synthesis is serialised with a lock.
    """

    _lock = threading.Lock()

    def __init__(self, voices: Mapping[str, str] | None = None, *, rate: int = 150) -> None:
        import pyttsx3  # loads libespeak-ng: only when an engine is built

        try:
            self._engine = pyttsx3.init("espeak")
        except (ImportError, RuntimeError, OSError) as exc:
            raise SpeechSynthesisError(f"espeak-ng is not usable ({exc}); install it: apt-get install espeak-ng") \
                from exc
        self.installed = {voice.id: voice for voice in self._engine.getProperty("voices")}
        wanted = {**DEFAULT_VOICES, **(voices or {})}
        self.voices = {language: self._resolve(language, voice_id) for language, voice_id in wanted.items()}
        self.rate = rate

    def _resolve(self, language: str, voice_id: str) -> str:
        if voice_id in self.installed:
            return voice_id
        suffix_matches = [vid for vid in self.installed if vid.split("/")[-1] == voice_id.split("/")[-1]]
        if suffix_matches:
            return suffix_matches[0]
        close = sorted(vid for vid in self.installed if vid.split("/")[-1].startswith(language))
        raise SpeechSynthesisError(f"espeak-ng voice {voice_id!r} for {language!r} is not installed; "
                                   f"available: {', '.join(close) or 'none for this language'}")

    def synthesize(self, text: str, language: str = "vi") -> bytes:
        if not text.strip():
            raise SpeechSynthesisError("nothing to say: the text is empty")
        if language not in self.voices:
            raise SpeechSynthesisError(f"no voice configured for language {language!r}; "
                                       f"known: {', '.join(sorted(self.voices))}")
        with self._lock, tempfile.TemporaryDirectory(prefix="kiosk-tts-") as folder:
            target = Path(folder) / "speech.wav"
            self._engine.setProperty("voice", self.voices[language])
            self._engine.setProperty("rate", self.rate)
            # pyttsx3's espeak driver prints "Audio saved to ..." on stdout; keep CLI output clean.
            with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
                self._engine.save_to_file(text, str(target))
                self._engine.runAndWait()
            if not target.exists():
                raise SpeechSynthesisError("espeak-ng produced no audio for this text")
            data = target.read_bytes()
        try:
            read_wav(data, max_seconds=600)
        except AudioFormatError as exc:
            raise SpeechSynthesisError(f"espeak-ng produced unusable audio: {exc}") from exc
        return data


def wav_seconds(wav: bytes) -> float:
    """Duration of WAV bytes (convenience for callers and tests)."""
    return read_wav(io.BytesIO(wav).getvalue(), max_seconds=3600).seconds
