"""Energy endpointing on audio built in memory (silence, tones, low noise)."""

from __future__ import annotations

import pytest

from kiosk.audio import concat
from kiosk.vad import EndpointState, EnergyEndpointer, VadConfig, find_utterance, frame_level_dbfs
from tests.kiosk.audio_builders import noise, quiet, tone

CONFIG = VadConfig(
    threshold_dbfs=-40,
    hangover_ms=600,
    opener_ms=1000,
    opener_hangover_ms=1100,
    no_speech_timeout_s=2.0,
    max_utterance_s=5.0,
)


def test_levels():
    assert frame_level_dbfs(bytes(960)) == float("-inf")
    assert frame_level_dbfs(tone(0.03, amplitude=0.5).samples) == pytest.approx(-9.0, abs=0.2)
    assert frame_level_dbfs(noise(0.03, amplitude=0.001).samples) < -60


def test_speech_between_silences_is_one_utterance_with_preroll_and_hangover():
    clip = concat(quiet(1.0), tone(1.2), quiet(1.5))
    endpointer = EnergyEndpointer(CONFIG)
    assert endpointer.push(clip.samples) is EndpointState.ENDED
    utterance = endpointer.utterance
    # 0.3 s pre-roll + 1.2 s tone + ~0.6 s hangover
    assert 1.9 <= utterance.seconds <= 2.3
    assert endpointer.speech_end_s == pytest.approx(2.2, abs=0.06)


def test_small_chunks_give_the_same_result_as_one_push():
    clip = concat(quiet(0.5), tone(0.8), quiet(1.0))
    whole = EnergyEndpointer(CONFIG)
    whole.push(clip.samples)
    pieces = EnergyEndpointer(CONFIG)
    for start in range(0, len(clip.samples), 322):
        pieces.push(clip.samples[start : start + 322])
    assert pieces.state is EndpointState.ENDED and pieces.utterance == whole.utterance


def test_silence_and_low_noise_time_out_as_no_speech():
    for background in (quiet(2.5), noise(2.5, amplitude=0.002)):
        endpointer = EnergyEndpointer(CONFIG)
        assert endpointer.push(background.samples) is EndpointState.NO_SPEECH
        assert endpointer.utterance is None


def test_a_click_does_not_start_an_utterance():
    endpointer = EnergyEndpointer(CONFIG)
    state = endpointer.push(concat(quiet(0.5), tone(0.03), quiet(0.5)).samples)
    assert state is EndpointState.WAITING


def test_short_pause_inside_speech_does_not_end_it():
    clip = concat(quiet(0.3), tone(0.6), quiet(0.3), tone(0.6), quiet(1.0))
    endpointer = EnergyEndpointer(CONFIG)
    endpointer.push(clip.samples)
    assert endpointer.utterance.seconds > 1.5


def test_length_cap_ends_a_never_ending_utterance():
    endpointer = EnergyEndpointer(VadConfig(max_utterance_s=2.0))
    assert endpointer.push(tone(4.0).samples) is EndpointState.ENDED
    assert endpointer.utterance.seconds == pytest.approx(2.0, abs=0.05)


def test_finish_closes_speech_cut_off_by_end_of_stream():
    endpointer = EnergyEndpointer(CONFIG)
    endpointer.push(concat(quiet(0.2), tone(0.5)).samples)
    assert endpointer.state is EndpointState.SPEAKING
    assert endpointer.finish() is EndpointState.ENDED
    assert endpointer.utterance.seconds > 0.5


def test_find_utterance_in_a_clip():
    assert find_utterance(quiet(3.0)) is None
    assert find_utterance(concat(quiet(3.0), tone(0.5), quiet(1.0))).seconds > 0.5


def test_threshold_is_configurable():
    soft = tone(1.0, amplitude=0.003)  # about -53 dBFS
    assert EnergyEndpointer(VadConfig(threshold_dbfs=-40)).push(soft.samples) is EndpointState.WAITING
    assert EnergyEndpointer(VadConfig(threshold_dbfs=-60)).push(soft.samples) is EndpointState.SPEAKING


def test_a_pause_after_a_short_opener_does_not_end_the_utterance():
    # "Dạ…" (0.6 s), a 0.9 s pause, then the question: one utterance, not two
    clip = concat(quiet(0.3), tone(0.6), quiet(0.9), tone(1.2), quiet(2.0))
    endpointer = EnergyEndpointer(CONFIG)
    assert endpointer.push(clip.samples) is EndpointState.ENDED
    assert endpointer.speech_end_s == pytest.approx(3.0, abs=0.06)
    assert endpointer.utterance.seconds == pytest.approx(0.3 + 0.6 + 0.9 + 1.2 + 0.6, abs=0.1)


def test_the_same_pause_after_a_whole_question_ends_it_quickly():
    clip = concat(quiet(0.3), tone(1.4), quiet(0.9), tone(1.2), quiet(2.0))
    endpointer = EnergyEndpointer(CONFIG)
    assert endpointer.push(clip.samples) is EndpointState.ENDED
    assert endpointer.speech_end_s == pytest.approx(1.7, abs=0.06)
    assert endpointer.utterance.seconds == pytest.approx(0.3 + 1.4 + 0.6, abs=0.1)


def test_defaults_keep_a_short_hangover_for_questions_and_a_long_one_for_openers():
    endpointer = EnergyEndpointer(VadConfig())
    assert endpointer.current_hangover_ms() == 1100
    endpointer.push(concat(quiet(0.3), tone(2.0)).samples)
    assert endpointer.state is EndpointState.SPEAKING and endpointer.current_hangover_ms() == 500
