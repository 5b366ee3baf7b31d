"""The kiosk page's session logic, apart from the WebSocket transport: control messages and PCM frames in,
JSON messages out (transcript, reply with buttons, suggestions, the structured reply `data` and base64 WAV audio)."""

from __future__ import annotations

import base64
import enum
import logging
from typing import Any

from kiosk.audio import SAMPLE_WIDTH, TARGET_RATE
from kiosk.conversation import KioskConversation, TurnResult
from kiosk.stt import SpeechModelError, Transcript
from kiosk.vad import EndpointState, EnergyEndpointer, VadConfig

log = logging.getLogger(__name__)
MAX_FRAME_BYTES = 64 * 1024
MAX_TEXT_CHARS = 2000


class ProtocolError(ValueError):
    """The browser sent something the kiosk protocol does not allow (answered with an error message)."""


class Phase(enum.Enum):
    IDLE = "idle"
    LISTENING = "listening"
    ENDPOINTED = "endpointed"
    """Speech ended (or no speech): the utterance is ready to be transcribed."""


def turn_message(result: TurnResult) -> dict[str, object]:
    """The JSON the page renders and plays for one turn."""
    audio = "data:audio/wav;base64," + base64.b64encode(result.audio).decode("ascii") if result.audio else None
    return {"type": "reply", **result.to_json(), "audio": audio}


class BrowserKioskSession:
    """One browser tab. Not thread-safe: the transport feeds it from one task (heavy calls go to a thread)."""

    def __init__(self, conversation: KioskConversation, vad: VadConfig | None = None) -> None:
        self.conversation = conversation
        self.vad = vad or VadConfig()
        self.phase = Phase.IDLE
        self._endpointer = EnergyEndpointer(self.vad)
        self._transcript: Transcript | None = None

    # --- audio path -------------------------------------------------------------------------------
    def start(self, rate: int = TARGET_RATE) -> dict[str, object]:
        """Push-to-talk pressed: start a new utterance."""
        if rate != TARGET_RATE:
            raise ProtocolError(f"audio must be {TARGET_RATE} Hz 16-bit mono PCM (got rate {rate})")
        self._endpointer = EnergyEndpointer(self.vad)
        self.phase = Phase.LISTENING
        return {"type": "listening"}

    def audio(self, frame: bytes) -> bool:
        """A PCM frame; True when the utterance just ended (time to call `finish`)."""
        if len(frame) > MAX_FRAME_BYTES or len(frame) % SAMPLE_WIDTH:
            raise ProtocolError("audio frames must be whole 16-bit samples, at most 64 KiB each")
        if self.phase is not Phase.LISTENING:
            return False  # late frames after the end of speech are dropped
        state = self._endpointer.push(frame)
        if state in (EndpointState.ENDED, EndpointState.NO_SPEECH):
            self.phase = Phase.ENDPOINTED
            return True
        return False

    def stop(self) -> bool:
        """Push-to-talk released: True when there is an utterance (or a 'not heard') to finish."""
        if self.phase is Phase.LISTENING:
            self._endpointer.finish()
            self.phase = Phase.ENDPOINTED
        return self.phase is Phase.ENDPOINTED

    def transcribe(self) -> list[dict[str, object]]:
        """Recognise the utterance (blocking: run it in a worker thread); the transcript is shown at once."""
        utterance = self._endpointer.utterance
        self.phase = Phase.IDLE
        if utterance is None:
            self._transcript = Transcript("", 0.0, 0.0)
        else:
            try:
                self._transcript = self.conversation.transcribe(utterance)
            except SpeechModelError as exc:
                log.error("kiosk speech recognition unavailable: %s", exc)
                self._transcript = None
                return [
                    {
                        "type": "error",
                        "code": "stt_unavailable",
                        "message": "Chưa nhận dạng được giọng nói trên máy này. Bác/anh/chị vui lòng gõ câu hỏi. / "
                        "Speech recognition is not available here; please type your question.",
                    }
                ]
        return [{"type": "transcript", **self._transcript.to_json()}]

    def answer(self) -> list[dict[str, object]]:
        """Answer the transcript from `transcribe` (blocking: dialogue + speech synthesis)."""
        transcript, self._transcript = self._transcript, None
        if transcript is None:
            return []
        result = self.conversation.heard(transcript)
        log.info("kiosk page turn: %s (chars=%d)", result.kind.value, len(transcript.text))
        return [turn_message(result)]

    def finish(self) -> list[dict[str, object]]:
        """Transcribe then answer in one call (for callers that do not show the transcript early)."""
        return self.transcribe() + self.answer()

    # --- typed text and touched buttons -------------------------------------------------------------
    def control(self, message: dict[str, Any]) -> list[dict[str, object]]:
        """A JSON control message other than start/stop (blocking for text/choose: run it in a thread)."""
        kind = message.get("type")
        if kind == "text":
            text = message.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ProtocolError("'text' needs a non-empty 'text' field")
            return [turn_message(self.conversation.typed(text[:MAX_TEXT_CHARS]))]
        if kind == "choose":
            payload = message.get("payload")
            conversation = self.conversation
            allowed = {button.payload for button in conversation.pending_buttons + conversation.pending_suggestions}
            if not isinstance(payload, str) or payload not in allowed:
                raise ProtocolError("'choose' must name one of the options on screen")
            return [turn_message(self.conversation.choose(payload))]
        if kind == "greet":
            return [turn_message(self.conversation.greet())]
        if kind == "reset":
            self.conversation.reset()
            self.phase = Phase.IDLE
            return [{"type": "reset"}]
        raise ProtocolError(f"unknown message type {kind!r}")
