"""The kiosk state machine: idle -> greet -> listen -> transcribe -> reply -> listen for a follow-up -> idle."""

from __future__ import annotations

import enum
import logging
from typing import Protocol

from kiosk.audio import SAMPLE_WIDTH, PcmAudio
from kiosk.conversation import KioskConversation, TurnResult
from kiosk.sources import AudioPlayer, AudioSource
from kiosk.stt import Transcript
from kiosk.vad import EndpointState, EnergyEndpointer, VadConfig

log = logging.getLogger(__name__)


class KioskState(enum.Enum):
    IDLE = "idle"
    GREETING = "greeting"
    LISTENING = "listening"
    TRANSCRIBING = "transcribing"
    REPLYING = "replying"


class Screen(Protocol):
    def show_state(self, state: KioskState) -> None: ...

    def show_transcript(self, transcript: Transcript) -> None:
        """What was heard, shown while the answer is being prepared."""
        ...

    def show_turn(self, result: TurnResult) -> None:
        """Show transcript, reply, buttons, desk and ticket (or the 'please repeat / type' offer)."""
        ...


class ConsoleScreen:
    """Text screen for the command-line loop."""

    def show_state(self, state: KioskState) -> None:
        labels = {KioskState.LISTENING: "… đang nghe / listening", KioskState.TRANSCRIBING: "… đang nhận dạng"}
        if state in labels:
            print(labels[state], flush=True)

    def show_transcript(self, transcript: Transcript) -> None:
        print(f"Bạn nói / You said: {transcript.text or '(chưa nghe rõ / unclear)'}", flush=True)

    def show_turn(self, result: TurnResult) -> None:
        print(result.display_text)
        for index, button in enumerate(result.buttons, start=1):
            print(f"  [{index}] {button.title}")
        if result.reply and result.reply.desk:
            print(f"Quầy / Desk: {result.reply.desk}")
        if result.reply and result.reply.ticket:
            print(f"Số thứ tự / Ticket: {result.reply.ticket}")
        print(flush=True)


class KioskLoop:
    """Drives one kiosk: every state change is recorded in `states` (the screen is told as well)."""

    def __init__(
        self,
        conversation: KioskConversation,
        *,
        source: AudioSource,
        screen: Screen,
        player: AudioPlayer,
        vad: VadConfig | None = None,
        max_follow_ups: int = 5,
        chunk_ms: int = 100,
    ) -> None:
        self.conversation, self.source, self.screen, self.player = conversation, source, screen, player
        self.vad = vad or VadConfig()
        self.max_follow_ups = max_follow_ups
        self._chunk_bytes = self.vad.rate * chunk_ms // 1000 * SAMPLE_WIDTH
        self.states: list[KioskState] = []
        self.turns: list[TurnResult] = []

    def _enter(self, state: KioskState) -> None:
        self.states.append(state)
        self.screen.show_state(state)

    def _present(self, result: TurnResult) -> None:
        self.turns.append(result)
        self.screen.show_turn(result)
        if result.audio:
            self.player.play(result.audio)

    def listen(self) -> PcmAudio | None:
        """One utterance from the source, or None after the no-speech timeout / end of the source."""
        self.source.flush()
        endpointer = EnergyEndpointer(self.vad)
        while True:
            chunk = self.source.read(self._chunk_bytes)
            if not chunk:
                endpointer.finish()
                break
            if endpointer.push(chunk) in (EndpointState.ENDED, EndpointState.NO_SPEECH):
                break
        return endpointer.utterance

    def run_session(self) -> bool:
        """Serve one visitor; False when the source says to shut down instead of waking."""
        self._enter(KioskState.IDLE)
        if not self.source.wait_for_wake():
            return False
        self.conversation.reset()
        self._enter(KioskState.GREETING)
        self._present(self.conversation.greet())
        for _ in range(1 + self.max_follow_ups):
            self._enter(KioskState.LISTENING)
            utterance = self.listen()
            if utterance is None:
                break
            self._enter(KioskState.TRANSCRIBING)
            transcript = self.conversation.transcribe(utterance)
            self.screen.show_transcript(transcript)
            result = self.conversation.heard(transcript)
            self._enter(KioskState.REPLYING)
            self._present(result)
        self._present(self.conversation.goodbye())
        self.conversation.reset()
        self._enter(KioskState.IDLE)
        return True

    def run(self) -> None:
        while self.run_session():
            pass
