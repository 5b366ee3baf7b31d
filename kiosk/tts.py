"""Text-to-speech behind a small Protocol, and the espeak-ng process engine (the pyttsx3 one is in tts_pyttsx3.py)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from typing import Protocol

from kiosk.audio import AudioFormatError, read_wav

DEFAULT_VOICES = {"vi": "aav/vi", "en": "gmw/en-us"}
_SYNTHESIS_TIMEOUT_S = 30.0
MAX_SPEECH_CHARS = 5000


class TextToSpeech(Protocol):
    def synthesize(self, text: str, language: str = "vi") -> bytes:
        """Speak `text` into the bytes of a mono 16-bit WAV file."""
        ...


class SpeechSynthesisError(RuntimeError):
    """espeak-ng is missing, the voice does not exist, or synthesis produced no audio."""


def installed_voices(executable: str = "espeak-ng") -> dict[str, str]:
    """Installed espeak-ng voices: lower-cased voice file id (e.g. 'aav/vi-vn-x-south') -> id as espeak spells it."""
    try:
        listing = subprocess.run([executable, "--voices"], capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SpeechSynthesisError(f"espeak-ng is not usable ({exc}); install it: apt-get install espeak-ng") from exc
    voices = {}
    for line in listing.stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5:
            voices[parts[4].lower()] = parts[4]
    return voices


def resolve_voice(language: str, voice_id: str, installed: Mapping[str, str]) -> str:
    """Installed voice id for `voice_id` (exact file id, else same file name in another folder), else a clear error.

    `installed` maps lower-cased voice file ids ('aav/vi-vn-x-south') to the id the engine expects.
    """
    key = voice_id.lower()
    if key in installed:
        return installed[key]
    same_name = [vid for vid in installed if vid.split("/")[-1] == key.split("/")[-1]]
    if same_name:
        return installed[same_name[0]]
    close = sorted(vid for vid in installed if vid.split("/")[-1].startswith(language))
    raise SpeechSynthesisError(
        f"espeak-ng voice {voice_id!r} for {language!r} is not installed; "
        f"available: {', '.join(close) or 'none for this language'}"
    )


def check_request(text: str, language: str, voices: Mapping[str, str]) -> None:
    """Raise SpeechSynthesisError for empty text or a language without a configured voice."""
    if not text.strip():
        raise SpeechSynthesisError("nothing to say: the text is empty")
    if language not in voices:
        raise SpeechSynthesisError(f"no voice configured for language {language!r}; known: {', '.join(sorted(voices))}")


class EspeakTextToSpeech:
    """espeak-ng, one short process per utterance (about 10–30 ms): thread-safe and nothing shared.

    Voice ids are the espeak-ng voice files (`espeak-ng --voices`), checked when the engine is built.
    The product default is Pyttsx3TextToSpeech (kiosk/tts_pyttsx3.py, same voices, same WAV format); this one
    is KIOSK_TTS_ENGINE=espeak, for a machine without pyttsx3 or to compare the two.
    """

    def __init__(
        self, voices: Mapping[str, str] | None = None, *, rate: int = 150, executable: str = "espeak-ng"
    ) -> None:
        path = shutil.which(executable)
        if path is None:
            raise SpeechSynthesisError("espeak-ng is not installed; install it: apt-get install espeak-ng")
        self.executable = path
        self.installed = installed_voices(path)
        wanted = {**DEFAULT_VOICES, **(voices or {})}
        self.voices = {
            language: resolve_voice(language, voice_id, self.installed) for language, voice_id in wanted.items()
        }
        self.rate = rate

    def _resolve(self, language: str, voice_id: str) -> str:
        key = voice_id.lower()
        if key in self.installed:
            return self.installed[key]
        by_name = [vid for vid in self.installed if vid.split("/")[-1] == key.split("/")[-1]]
        if by_name:
            return self.installed[by_name[0]]
        close = sorted(vid for vid in self.installed if vid.split("/")[-1].startswith(language))
        raise SpeechSynthesisError(
            f"espeak-ng voice {voice_id!r} for {language!r} is not installed; "
            f"available: {', '.join(close) or 'none for this language'}"
        )

    def synthesize(self, text: str, language: str = "vi") -> bytes:
        check_request(text, language, self.voices)
        command = [self.executable, "-v", self.voices[language], "-s", str(self.rate), "-b", "1", "--stdin", "--stdout"]
        try:
            done = subprocess.run(
                command,
                input=text[:MAX_SPEECH_CHARS].encode("utf-8"),
                capture_output=True,
                timeout=_SYNTHESIS_TIMEOUT_S,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpeechSynthesisError(f"espeak-ng failed: {exc}") from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SpeechSynthesisError(f"espeak-ng failed: {message[-1] if message else done.returncode}")
        try:
            audio = read_wav(done.stdout, max_seconds=3600)
        except AudioFormatError as exc:
            raise SpeechSynthesisError(f"espeak-ng produced unusable audio: {exc}") from exc
        # espeak's streamed header carries a placeholder length; write a clean one.
        return audio.to_wav()
