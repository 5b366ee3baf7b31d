"""Build the real engines from KioskSettings (called from entry points and the bridge lifespan, never at import)."""

from __future__ import annotations

import threading

from kiosk.audio import PcmAudio
from kiosk.dialogue import DEFAULT_BRIDGE_URL, DialogueClient, HttpDialogueClient
from kiosk.settings import KioskSettings
from kiosk.stt import SpeechToText, Transcript, VoskSpeechToText, load_phrases
from kiosk.tts import EspeakTextToSpeech, TextToSpeech
from kiosk.vad import VadConfig


def build_stt(settings: KioskSettings) -> VoskSpeechToText:
    return VoskSpeechToText(settings.vosk_model_dir, phrases=load_phrases(settings.phrases_path))


def build_tts(settings: KioskSettings) -> TextToSpeech:
    """The speech engine KIOSK_TTS_ENGINE names: `pyttsx3` (default) or `espeak`; voices and rate from settings."""
    voices = {"vi": settings.voice_vi, "en": settings.voice_en}
    if settings.tts_engine == "espeak":
        return EspeakTextToSpeech(voices, rate=settings.speech_rate)
    from kiosk.tts_pyttsx3 import Pyttsx3TextToSpeech  # loads libespeak-ng: only when chosen

    return Pyttsx3TextToSpeech(voices, rate=settings.speech_rate)


def build_dialogue(settings: KioskSettings, bridge_url: str | None = None) -> HttpDialogueClient:
    """HTTP client for /api/chat: explicit URL, else KIOSK_BRIDGE_URL, else the local bridge; with the kiosk's ward
    and device token (KIOSK_WARD, KIOSK_DEVICE_TOKEN)."""
    return HttpDialogueClient(
        bridge_url or settings.bridge_url or DEFAULT_BRIDGE_URL,
        timeout_s=settings.dialogue_timeout_s,
        ward=settings.ward,
        device_token=settings.device_token,
    )


def build_vad(settings: KioskSettings) -> VadConfig:
    return VadConfig.from_settings(settings)


class KioskEngines:
    """The engines one bridge shares between kiosk pages, built on first use (or at start-up when enabled).

    Tests inject fakes through the keyword arguments; the vosk model (hundreds of MB for some languages)
    is loaded only when speech must be recognised.
    """

    def __init__(
        self,
        settings: KioskSettings,
        *,
        stt: SpeechToText | None = None,
        tts: TextToSpeech | None = None,
        dialogue: DialogueClient | None = None,
    ) -> None:
        self.settings = settings
        self.vad = build_vad(settings)
        self._stt, self._tts, self._dialogue = stt, tts, dialogue
        self._dialogues: dict[str, DialogueClient] = {}
        self._stt_failed = False
        self._lock = threading.Lock()

    def stt(self) -> SpeechToText:
        with self._lock:
            if self._stt is None:
                try:
                    self._stt = build_stt(self.settings)
                except Exception:
                    self._stt_failed = True
                    raise
            return self._stt

    def speech_available(self) -> bool:
        """Whether speech can be recognised: a recogniser is loaded (or injected), or its model folder exists
        and has not failed to load. The kiosk page offers the microphone only then, typing otherwise."""
        if self._stt is not None:
            return True
        if self._stt_failed:
            return False
        model_dir = self.settings.vosk_model_dir
        return model_dir.is_dir() and any(model_dir.iterdir())

    @property
    def has_dialogue(self) -> bool:
        """A dialogue client was injected (tests, or a caller with its own)."""
        return self._dialogue is not None

    def tts(self) -> TextToSpeech:
        with self._lock:
            if self._tts is None:
                self._tts = build_tts(self.settings)
            return self._tts

    def dialogue(self, own_url: str | None = None) -> DialogueClient:
        """The injected client, else HTTP to KIOSK_BRIDGE_URL, else to this bridge's own address."""
        if self._dialogue is not None:
            return self._dialogue
        url = self.settings.bridge_url or own_url or DEFAULT_BRIDGE_URL
        with self._lock:
            if url not in self._dialogues:
                self._dialogues[url] = build_dialogue(self.settings, url)
            return self._dialogues[url]

    def warm_up(self) -> None:
        """Build every engine now (KIOSK_ENABLED): the first visitor does not wait for the model to load."""
        self.stt()
        self.tts()


class LazySpeechToText:
    """Defers building the recogniser to the first utterance, so typing works even without a speech model."""

    def __init__(self, engines: KioskEngines) -> None:
        self._engines = engines

    def transcribe(self, audio: PcmAudio) -> Transcript:
        return self._engines.stt().transcribe(audio)
