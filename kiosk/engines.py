"""Build the real engines from KioskSettings (called from entry points and the bridge lifespan, never at import)."""
from __future__ import annotations

from kiosk.dialogue import DEFAULT_BRIDGE_URL, HttpDialogueClient
from kiosk.settings import KioskSettings
from kiosk.stt import VoskSpeechToText, load_phrases
from kiosk.tts import EspeakTextToSpeech
from kiosk.vad import VadConfig


def build_stt(settings: KioskSettings) -> VoskSpeechToText:
    return VoskSpeechToText(settings.vosk_model_dir, phrases=load_phrases(settings.phrases_path))


def build_tts(settings: KioskSettings) -> EspeakTextToSpeech:
    return EspeakTextToSpeech({"vi": settings.voice_vi, "en": settings.voice_en}, rate=settings.speech_rate)


def build_dialogue(settings: KioskSettings, bridge_url: str | None = None) -> HttpDialogueClient:
    """HTTP client for /api/chat: explicit URL, else KIOSK_BRIDGE_URL, else the local bridge."""
    return HttpDialogueClient(bridge_url or settings.bridge_url or DEFAULT_BRIDGE_URL,
                              timeout_s=settings.dialogue_timeout_s)


def build_vad(settings: KioskSettings) -> VadConfig:
    return VadConfig.from_settings(settings)
