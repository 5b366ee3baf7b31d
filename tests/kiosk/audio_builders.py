"""In-memory test audio: silence, tones and noise at 16 kHz."""

from __future__ import annotations

import numpy as np

from kiosk.audio import PcmAudio

RATE = 16_000


def tone(seconds: float, *, hz: float = 220.0, amplitude: float = 0.3, rate: int = RATE) -> PcmAudio:
    t = np.arange(int(seconds * rate)) / rate
    return PcmAudio.from_array(amplitude * np.sin(2 * np.pi * hz * t), rate)


def noise(seconds: float, *, amplitude: float = 0.001, seed: int = 7, rate: int = RATE) -> PcmAudio:
    generator = np.random.default_rng(seed)
    return PcmAudio.from_array(generator.uniform(-amplitude, amplitude, int(seconds * rate)), rate)


def quiet(seconds: float, rate: int = RATE) -> PcmAudio:
    return PcmAudio(bytes(int(seconds * rate) * 2), rate)
