"""The hall board's spoken announcement: "Mời số A031 đến Quầy 1", said with natural Vietnamese numbers
("Mời số A, ba mươi mốt, đến quầy một") by the kiosk's text-to-speech engine, as WAV bytes the board page fetches.

The engine (kiosk.tts.TextToSpeech) is built on first use from the app's kiosk settings (KIOSK_TTS_ENGINE,
KIOSK_VOICE_VI, KIOSK_SPEECH_RATE) or injected (a recording fake in tests); WAVs of the latest calls are kept in memory.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from kiosk.numbers_vi import number_words
from kiosk.settings import KioskSettings
from kiosk.tts import TextToSpeech

_NUMBER = re.compile(r"^([A-Z]*)0*(\d+)$")
_CACHED_CALLS = 32


def shown_text(number: str, desk: str) -> str:
    """What the board writes: Vietnamese first, English second."""
    return f"Mời số {number} đến {desk} / Number {number}, please go to {desk}"


def spoken_number(number: str) -> str:
    """A031 -> "A, ba mươi mốt": the letter, then the number as a Vietnamese speaker says it."""
    match = _NUMBER.match(number.strip().upper())
    if not match:
        return number
    letters, value = match.groups()
    return f"{' '.join(letters)}, {number_words(int(value))}" if letters else number_words(int(value))


def spoken_text(number: str, desk: str) -> str:
    """The announcement as the engine should say it: "Mời số A, ba mươi mốt, đến quầy một"."""
    desk_words = re.sub(r"\d+", lambda m: number_words(int(m.group())), desk).lower()
    return f"Mời số {spoken_number(number)}, đến {desk_words}."


class Announcer:
    """WAV announcements for calls, synthesised on demand by one (lazily built) speech engine."""

    def __init__(self, build_engine: Callable[[], TextToSpeech]):
        self._build = build_engine
        self._engine: TextToSpeech | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, bytes] = OrderedDict()

    def engine(self) -> TextToSpeech:
        with self._lock:
            if self._engine is None:
                self._engine = self._build()
            return self._engine

    def wav(self, call_id: int, number: str, desk: str) -> bytes:
        """WAV bytes of "Mời số … đến …" for this call (raises kiosk.tts.SpeechSynthesisError when speech fails)."""
        with self._lock:
            if call_id in self._cache:
                self._cache.move_to_end(call_id)
                return self._cache[call_id]
        audio = self.engine().synthesize(spoken_text(number, desk), "vi")
        with self._lock:
            self._cache[call_id] = audio
            while len(self._cache) > _CACHED_CALLS:
                self._cache.popitem(last=False)
        return audio


def kiosk_engine(settings: KioskSettings) -> TextToSpeech:
    """The kiosk's configured speech engine (pyttsx3 or espeak-ng)."""
    from kiosk.engines import build_tts

    return build_tts(settings)
