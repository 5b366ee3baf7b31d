"""Energy-based voice-activity endpointing: when did the visitor start and stop speaking."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kiosk.audio import SAMPLE_WIDTH, TARGET_RATE, PcmAudio

if TYPE_CHECKING:
    from kiosk.settings import KioskSettings


@dataclass(frozen=True)
class VadConfig:
    """Thresholds for the endpointer (all configurable through KioskSettings)."""

    threshold_dbfs: float = -40.0
    """A frame whose RMS level is above this (dB relative to full scale) is speech."""
    frame_ms: int = 30
    start_ms: int = 90
    """Consecutive speech needed to start an utterance (ignores clicks)."""
    hangover_ms: int = 500
    """Consecutive silence that ends an utterance once it has lasted `opener_ms` (a whole question)."""
    opener_hangover_ms: int = 1100
    """Longer silence allowed while the utterance is still shorter than `opener_ms`: visitors, elderly ones
    especially, often pause after an opener ("Dạ… cho tôi hỏi…") before the question itself."""
    opener_ms: int = 1500
    max_utterance_s: float = 15.0
    no_speech_timeout_s: float = 6.0
    preroll_ms: int = 300
    """Audio kept from before the detected start so the first syllable is not clipped."""
    rate: int = TARGET_RATE

    @classmethod
    def from_settings(cls, settings: KioskSettings) -> VadConfig:
        return cls(
            threshold_dbfs=settings.vad_threshold_dbfs,
            frame_ms=settings.vad_frame_ms,
            start_ms=settings.vad_start_ms,
            hangover_ms=settings.vad_hangover_ms,
            opener_hangover_ms=settings.vad_opener_hangover_ms,
            opener_ms=settings.vad_opener_ms,
            max_utterance_s=settings.max_utterance_s,
            no_speech_timeout_s=settings.no_speech_timeout_s,
        )


class EndpointState(enum.Enum):
    WAITING = "waiting"
    """No speech yet."""
    SPEAKING = "speaking"
    ENDED = "ended"
    """Speech followed by enough silence (or the length cap): `utterance` is ready."""
    NO_SPEECH = "no_speech"
    """Nothing but silence for `no_speech_timeout_s`."""


def frame_level_dbfs(frame: bytes) -> float:
    """RMS level of 16-bit PCM in dBFS (-inf for digital silence)."""
    values = np.frombuffer(frame, dtype="<i2").astype(np.float64)
    if values.size == 0:
        return -math.inf
    rms = math.sqrt(float(np.mean(values * values))) / 32768.0
    return 20.0 * math.log10(rms) if rms > 0 else -math.inf


class EnergyEndpointer:
    """Feed PCM chunks of any size with `push`; it reports the state after each chunk."""

    def __init__(self, config: VadConfig | None = None) -> None:
        self.config = config or VadConfig()
        self._frame_bytes = self.config.rate * self.config.frame_ms // 1000 * SAMPLE_WIDTH
        self.reset()

    def reset(self) -> None:
        self.state = EndpointState.WAITING
        self._pending = b""
        self._frames_seen = 0
        self._preroll: list[bytes] = []
        self._speech_run = 0
        self._silence_run = 0
        self._utterance: list[bytes] = []
        self.speech_end_s: float | None = None
        """Stream time at which the last speech frame ended (set when the utterance ends)."""

    def _frames(self, ms: float) -> int:
        return max(1, math.ceil(ms / self.config.frame_ms))

    def push(self, pcm: bytes) -> EndpointState:
        if self.state in (EndpointState.ENDED, EndpointState.NO_SPEECH):
            return self.state
        self._pending += pcm
        while len(self._pending) >= self._frame_bytes and self.state in (EndpointState.WAITING, EndpointState.SPEAKING):
            frame, self._pending = self._pending[: self._frame_bytes], self._pending[self._frame_bytes :]
            self._frames_seen += 1
            self._step(frame, frame_level_dbfs(frame) > self.config.threshold_dbfs)
        return self.state

    def _step(self, frame: bytes, is_speech: bool) -> None:
        cfg = self.config
        if self.state is EndpointState.WAITING:
            self._preroll.append(frame)
            self._speech_run = self._speech_run + 1 if is_speech else 0
            if self._speech_run >= self._frames(cfg.start_ms):
                self.state = EndpointState.SPEAKING
                keep = self._frames(cfg.preroll_ms) + self._speech_run
                self._utterance = self._preroll[-keep:]
                self._preroll = []
            else:
                del self._preroll[: -(self._frames(cfg.preroll_ms) + self._frames(cfg.start_ms))]
                if math.isfinite(cfg.no_speech_timeout_s) and self._frames_seen >= self._frames(
                    cfg.no_speech_timeout_s * 1000
                ):
                    self.state = EndpointState.NO_SPEECH
            return
        self._utterance.append(frame)
        self._silence_run = 0 if is_speech else self._silence_run + 1
        if self._silence_run >= self._frames(self.current_hangover_ms()):
            self._finish(self._frames_seen - self._silence_run)
        elif len(self._utterance) >= self._frames(cfg.max_utterance_s * 1000):
            self._finish(self._frames_seen - self._silence_run)

    def current_hangover_ms(self) -> int:
        """Silence that would end the utterance now: long while it is still only an opener."""
        cfg = self.config
        spoken_ms = (len(self._utterance) - self._silence_run) * cfg.frame_ms
        if spoken_ms < cfg.opener_ms:
            return max(cfg.hangover_ms, cfg.opener_hangover_ms)
        return cfg.hangover_ms

    def _finish(self, last_speech_frame: int) -> None:
        self.state = EndpointState.ENDED
        self.speech_end_s = last_speech_frame * self.config.frame_ms / 1000

    def finish(self) -> EndpointState:
        """The caller stopped sending (button released, file ended): close an utterance in progress."""
        if self.state is EndpointState.SPEAKING:
            self._finish(self._frames_seen - self._silence_run)
        return self.state

    @property
    def utterance(self) -> PcmAudio | None:
        """The speech with its pre-roll and trailing silence, once the state is ENDED."""
        if self.state is not EndpointState.ENDED:
            return None
        return PcmAudio(b"".join(self._utterance), self.config.rate)


def find_utterance(audio: PcmAudio, config: VadConfig | None = None) -> PcmAudio | None:
    """First utterance in a 16 kHz clip, or None when it holds no speech."""
    endpointer = EnergyEndpointer(config or VadConfig(rate=audio.rate, no_speech_timeout_s=math.inf))
    endpointer.push(audio.samples)
    endpointer.finish()
    return endpointer.utterance
