"""Recording fakes for the kiosk engines: they keep what they receive and return canned output."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kiosk.audio import PcmAudio, silence
from kiosk.dialogue import DialogueReply, DialogueUnavailable
from kiosk.loop import KioskState
from kiosk.stt import Transcript


class FakeSpeechToText:
    """Returns queued transcripts in order (then empty ones); records the audio it was given."""

    def __init__(self, transcripts: Iterable[Transcript | tuple[str, float]] = ()) -> None:
        self.queue = [t if isinstance(t, Transcript) else Transcript(t[0], t[1], 0.0) for t in transcripts]
        self.received: list[PcmAudio] = []

    def transcribe(self, audio: PcmAudio) -> Transcript:
        self.received.append(audio)
        if self.queue:
            canned = self.queue.pop(0)
            return Transcript(canned.text, canned.confidence, audio.seconds)
        return Transcript("", 0.0, audio.seconds)


class FakeTextToSpeech:
    """Returns a short silent WAV whose length grows with the text; records (text, language)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []

    def synthesize(self, text: str, language: str = "vi") -> bytes:
        self.received.append((text, language))
        return silence(0.01 * max(1, len(text))).to_wav()


class FakeDialogue:
    """Replies from a queue of /api/chat bodies; records (sender, message)."""

    def __init__(self, bodies: Iterable[dict] = (), *, unavailable: bool = False) -> None:
        self.bodies = list(bodies)
        self.unavailable = unavailable
        self.received: list[tuple[str, str]] = []

    def send(self, sender: str, message: str) -> DialogueReply:
        self.received.append((sender, message))
        if self.unavailable:
            raise DialogueUnavailable("fake bridge is down")
        body = self.bodies.pop(0) if self.bodies else {"messages": [{"text": f"Bạn hỏi: {message}"}]}
        return DialogueReply.from_chat_json(body)


class FakeAudioSource:
    """Serves a list of sessions; each session is a list of PCM clips played back to back."""

    def __init__(self, sessions: list[list[PcmAudio]]) -> None:
        self.sessions = list(sessions)
        self._pending = b""
        self.flushes = 0
        self.bytes_read = 0

    def wait_for_wake(self) -> bool:
        if not self.sessions:
            return False
        self._pending = b"".join(clip.samples for clip in self.sessions.pop(0))
        return True

    def read(self, max_bytes: int) -> bytes:
        chunk, self._pending = self._pending[:max_bytes], self._pending[max_bytes:]
        self.bytes_read += len(chunk)
        return chunk

    def flush(self) -> None:
        self.flushes += 1


@dataclass
class RecordingScreen:
    states: list[KioskState] = field(default_factory=list)
    transcripts: list[Transcript] = field(default_factory=list)
    turns: list = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    """Order of what was shown: 'transcript' or the turn kind."""

    def show_transcript(self, transcript: Transcript) -> None:
        self.transcripts.append(transcript)
        self.shown.append("transcript")

    def show_state(self, state: KioskState) -> None:
        self.states.append(state)

    def show_turn(self, result) -> None:
        self.turns.append(result)
        self.shown.append(result.kind.value)


@dataclass
class RecordingPlayer:
    played: list[bytes] = field(default_factory=list)

    def play(self, wav: bytes) -> None:
        self.played.append(wav)
