"""Text-to-speech through pyttsx3's espeak driver (the product's speech-out stack), made safe back to back.

Why the naive `save_to_file(); runAndWait()` loses audio with pyttsx3 2.99 (read from its espeak driver and
observed here with espeak-ng 1.51):

1. The driver initialises espeak in AUDIO_OUTPUT_RETRIEVAL mode, which is asynchronous: espeak queues Synth and
   SetParameter (rate) commands in its own thread's command queue. The WAV is written by the driver's callback
   on that thread when espeak reports MSG_TERMINATED, followed by the 'finished-utterance' notification.
2. `runAndWait()` pushes an endLoop command. When the proxy is busy (first call of a process), that endLoop is
   processed *before* the driver starts the synthesis, so the loop exits after one 10 ms tick while espeak
   is still speaking: runAndWait returns before the file exists.
3. endLoop calls the driver's `stop()`, which calls `espeak_Cancel()` whenever `espeak_IsPlaying()` (espeak's
   command queue is busy). Cancel drops queued commands (a rate change just set), and the `_stopping` flag it
   leaves behind cancels the *next* utterance too. With the next `save_to_file` replacing the target file
   name while the previous synthesis still runs, the result is a missing first file, a 0-second second file
   written under the wrong name, and rate changes that never take effect.

So this module keeps one engine per process (espeak can be initialised once), one lock around it, the proxy kept idle
between utterances, espeak's command queue idle before runAndWait (so its endLoop never cancels), and
completion taken from the 'finished-utterance' event, which the driver emits after it has written and closed
the WAV with the `wave` module; so no polling of the file is needed. The RIFF size is still checked against
the file length before the audio is returned. Beyond the public API we only read the driver's own binding of
espeak_IsPlaying and silence its print (see _SharedEngine).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from kiosk.audio import AudioFormatError, read_wav
from kiosk.tts import DEFAULT_VOICES, MAX_SPEECH_CHARS, SpeechSynthesisError, check_request, resolve_voice

_SYNTHESIS_TIMEOUT_S = 30.0
_QUEUE_IDLE_TIMEOUT_S = 2.0
_ENGINE_LOCK = threading.Lock()
"""espeak is one library state per process, shared by every pyttsx3 engine: one utterance at a time."""


class _Cancelled(SpeechSynthesisError):
    """The driver reported the utterance as not completed (espeak_Cancel ran)."""


class _SharedEngine:
    """The process's single pyttsx3 engine, its completion event and the voice/rate espeak currently has."""

    def __init__(self) -> None:
        import pyttsx3
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers import espeak as espeak_driver

        # The driver prints "Audio saved to <file>" on stdout for every file; stdout is the CLI's data channel
        # (`converse --json`), so route that line to nowhere for this driver module only.
        espeak_driver.print = lambda *args, **kwargs: None
        self._is_playing = _espeak.IsPlaying
        self.engine = pyttsx3.init("espeak")
        self.finished = threading.Event()
        self.completed = False
        self.errors: list[BaseException] = []
        self.engine.connect("finished-utterance", self._on_finished)
        self.engine.connect("error", lambda exception=None, **_: self.errors.append(exception))
        self.voice: str | None = None
        self.rate: int | None = None
        self.installed = {voice.id.lower(): voice.id for voice in self.engine.getProperty("voices")}
        if self.engine.isBusy():
            # A new proxy starts busy (commands would be deferred into runAndWait's pump and race its endLoop);
            # one empty run makes it idle so later commands run at once, in order, on the caller's thread.
            self.engine.runAndWait()

    def _on_finished(self, completed: bool = True, **_: object) -> None:
        self.completed = completed
        self.finished.set()

    def wait_until_queue_idle(self) -> None:
        """Bounded wait for espeak's command queue to drain.

        espeak offers no event for this (its own espeak_Synchronize polls every 20 ms). Observed: after the
        'finished-utterance' event the queue is idle within well under a millisecond, and a rate command is
        applied within about a millisecond; so this loop normally does not sleep at all or once.
        """
        deadline = time.monotonic() + _QUEUE_IDLE_TIMEOUT_S
        while self._is_playing():
            if time.monotonic() > deadline:
                raise SpeechSynthesisError("espeak (pyttsx3) stayed busy; restart the kiosk")
            time.sleep(0.0005)

    def apply(self, voice: str, rate: int) -> None:
        """Set voice and rate when they differ from what espeak has (rate is queued: wait for it to apply)."""
        if voice != self.voice:
            self.engine.setProperty("voice", voice)  # espeak_SetVoiceByName: synchronous
            self.voice = voice
        if rate != self.rate:
            self.engine.setProperty("rate", rate)  # espeak_SetParameter: queued in espeak's own thread
            self.wait_until_queue_idle()
            self.rate = rate
        if self.errors:
            error, self.errors = self.errors[0], []
            self.voice = self.rate = None
            raise SpeechSynthesisError(f"pyttsx3 could not set voice {voice!r} / rate {rate}: {error}")

    def save(self, text: str, path: Path) -> None:
        """Speak `text` into `path`; returns once the driver has closed the file.

        One retry if the utterance was cancelled: espeak's queue thread marks itself busy for an instant when it
        closes its stream ~150 ms after going idle; an endLoop landing in that instant cancels (never seen in
        our runs, but it is a race in espeak, not in our code).
        """
        try:
            self._save_once(text, path)
        except _Cancelled:
            self._save_once(text, path)

    def _save_once(self, text: str, path: Path) -> None:
        self.wait_until_queue_idle()  # so runAndWait's endLoop finds espeak idle and cancels nothing
        self.finished.clear()
        self.completed = False
        self.engine.save_to_file(text, str(path))
        watchdog = threading.Timer(_SYNTHESIS_TIMEOUT_S, self.engine.stop)
        watchdog.start()
        try:
            self.engine.runAndWait()
            finished = self.finished.wait(_SYNTHESIS_TIMEOUT_S)
        finally:
            watchdog.cancel()
        if not finished:
            raise SpeechSynthesisError(f"pyttsx3 did not finish the utterance within {_SYNTHESIS_TIMEOUT_S:.0f} s")
        if not self.completed:
            raise _Cancelled("pyttsx3 stopped the utterance before its end")
        self.wait_until_queue_idle()  # the driver's callback is still unwinding on espeak's thread


_shared: _SharedEngine | None = None


def _shared_engine() -> _SharedEngine:
    """Build the process's engine on first use (call with _ENGINE_LOCK held)."""
    global _shared
    if _shared is None:
        try:
            _shared = _SharedEngine()
        except (ImportError, OSError, RuntimeError) as exc:
            raise SpeechSynthesisError(
                f"pyttsx3 with espeak-ng is not usable ({exc}); install: apt-get install espeak-ng; pip install pyttsx3"
            ) from exc
    return _shared


class Pyttsx3TextToSpeech:
    """pyttsx3 (espeak driver) speech: 22,050 Hz mono 16-bit WAV; thread-safe by serialising on one lock.

    Voice ids are espeak-ng voice files as pyttsx3 lists them (`engine.getProperty('voices')`), checked when
    the engine is built; an unknown id raises the same SpeechSynthesisError as EspeakTextToSpeech.
    """

    def __init__(self, voices: Mapping[str, str] | None = None, *, rate: int = 150) -> None:
        with _ENGINE_LOCK:
            shared = _shared_engine()
        wanted = {**DEFAULT_VOICES, **(voices or {})}
        self.voices = {
            language: resolve_voice(language, voice_id, shared.installed) for language, voice_id in wanted.items()
        }
        self.rate = rate
        self._scratch = tempfile.TemporaryDirectory(prefix="kiosk-tts-")

    def synthesize(self, text: str, language: str = "vi") -> bytes:
        check_request(text, language, self.voices)
        path = Path(self._scratch.name) / f"utterance-{threading.get_ident()}.wav"
        with _ENGINE_LOCK:
            shared = _shared_engine()
            shared.apply(self.voices[language], self.rate)
            shared.save(text[:MAX_SPEECH_CHARS], path)
        try:
            data = path.read_bytes()
            if len(data) < 44 or int.from_bytes(data[4:8], "little") != len(data) - 8:
                raise AudioFormatError(f"RIFF size does not match the file length ({len(data)} bytes)")
            audio = read_wav(data, max_seconds=3600)
        except (OSError, AudioFormatError) as exc:
            raise SpeechSynthesisError(f"pyttsx3 produced unusable audio: {exc}") from exc
        finally:
            path.unlink(missing_ok=True)
        return audio.to_wav()
