"""Settings of the kiosk deployable (env prefix KIOSK_, or `.env`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class KioskSettings(BaseSettings):
    """Everything the kiosk (CLI, microphone loop, and the bridge's /kiosk page) reads from the environment."""

    model_config = SettingsConfigDict(
        env_prefix="KIOSK_", env_file=".env", extra="ignore", use_attribute_docstrings=True
    )

    enabled: bool = False
    """Bridge only: build the speech engines at start-up (lifespan) instead of on the first kiosk use."""
    vosk_model_dir: Path = REPO_ROOT / "models" / "vosk" / "vosk-model-small-vn-0.4"
    """Unpacked vosk model folder (fetch with models/fetch_vosk_model.sh)."""
    phrases_path: Path | None = None
    """Optional text file, one phrase per line: restricts recognition to those phrases (vosk grammar)."""
    min_confidence: float = Field(default=0.55, ge=0.0, le=1.0)
    """Below this mean word confidence the kiosk says it did not hear clearly and offers typing."""

    tts_engine: Literal["pyttsx3", "espeak"] = "pyttsx3"
    """Speech output: pyttsx3's espeak driver (product default) or `espeak` (one espeak-ng process per reply)."""
    voice_vi: str = "aav/vi"
    """espeak-ng voice for Vietnamese: aav/vi (Northern), aav/vi-vn-x-central, aav/vi-vn-x-south."""
    voice_en: str = "gmw/en-us"
    """espeak-ng voice for English replies."""
    speech_rate: int = Field(default=150, ge=60, le=400)
    """Words per minute (espeak default 175–200); slower is easier for elderly visitors."""
    language: str = "vi"
    """Language of the kiosk's spoken replies: vi or en."""

    printer: Literal["none", "file", "network", "usb"] = "none"
    """Ticket printer (ESC/POS, kiosk/ticket_printer.py): none, a device file, a network printer, or USB."""
    printer_target: str = ""
    """file: path such as /dev/usb/lp0; network: host[:port] (9100); usb: vendor:product in hex (04b8:0202)."""
    public_url: str | None = None
    """Base URL phones can open for the ticket's QR code (e.g. https://motcua.phuong.vn); default: the bridge's own."""

    bridge_url: str | None = None
    """Bridge base URL for /api/chat. Default: http://127.0.0.1:8000 for the CLI; the bridge itself for /kiosk."""
    dialogue_timeout_s: float = 10.0
    """Seconds one turn may wait for the bridge's chat answer."""
    ward: str | None = None
    """Code of the ward this kiosk serves (GET /api/wards lists them): its chats and tickets are that ward's.
    Default: the bridge's default ward. With a device token, the token's ward (naming another one is refused)."""
    device_token: str | None = None
    """This kiosk's device token (`python -m assistant.bridge token create --role kiosk --ward <code> --name <kiosk
    id>`), sent with every turn: the bridge then knows the kiosk and its ward."""

    vad_threshold_dbfs: float = -40.0
    """Frames louder than this count as speech."""
    vad_frame_ms: int = 30
    """Length of one audio frame the voice-activity detector judges."""
    vad_start_ms: int = 90
    """This much speech in a row starts an utterance."""
    vad_hangover_ms: int = 500
    """This much silence ends an utterance that has lasted vad_opener_ms (a whole question)."""
    vad_opener_hangover_ms: int = 1100
    """Silence allowed while the utterance is shorter than vad_opener_ms (a pause after "Dạ… cho tôi hỏi…")."""
    vad_opener_ms: int = 1500
    """Utterances shorter than this may pause for vad_opener_hangover_ms."""
    max_utterance_s: float = 15.0
    """An utterance is cut after this many seconds."""
    no_speech_timeout_s: float = 6.0
    """Listening this long without speech: the follow-up window closes, the kiosk goes back to idle."""
    max_follow_ups: int = 5
    """Follow-up questions the kiosk listens for after the first one before it goes back to idle."""
