"""Speech-to-text behind a small Protocol; the real engine is vosk (offline Kaldi models)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk.audio import PcmAudio, to_speech_rate

_CHUNK_BYTES = 8000


@dataclass(frozen=True)
class Transcript:
    """What the recogniser heard."""

    text: str
    """Recognised words ('' when nothing was recognised)."""
    confidence: float
    """Mean of the word confidences in [0, 1]; 0.0 for an empty transcript."""
    seconds: float
    """Duration of the audio that was recognised."""

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "confidence": round(self.confidence, 3), "seconds": round(self.seconds, 3)}


class SpeechToText(Protocol):
    def transcribe(self, audio: PcmAudio) -> Transcript: ...


class SpeechModelError(RuntimeError):
    """The vosk model folder is missing or unusable (one line for the operator)."""


def load_phrases(path: Path | None) -> list[str] | None:
    """Phrase list for a grammar: one phrase per line, '#' comments and blank lines ignored."""
    if path is None:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SpeechModelError(f"{path}: cannot read phrase list ({exc.strerror or exc})") from exc
    phrases = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not phrases:
        raise SpeechModelError(f"{path}: phrase list holds no phrases")
    return phrases


class VoskSpeechToText:
    """vosk recogniser over one loaded model (the model is shared; a recogniser is made per utterance).

    `phrases` restricts recognition to those phrases (vosk grammar) — useful for small fixed vocabularies;
    "[unk]" is added so out-of-list speech is not forced onto a phrase when the model knows that token.
    """

    def __init__(self, model_dir: Path | str, *, phrases: Sequence[str] | None = None) -> None:
        model_dir = Path(model_dir)
        if not (model_dir / "am").is_dir() and not (model_dir / "final.mdl").exists():
            raise SpeechModelError(
                f"vosk model not found in {model_dir} — run models/fetch_vosk_model.sh "
                f"or set KIOSK_VOSK_MODEL_DIR to an unpacked vosk model folder"
            )
        import vosk  # heavy native library: imported only when an engine is built

        vosk.SetLogLevel(-2)  # keep Kaldi's info/warning lines off the console
        try:
            self._model = vosk.Model(str(model_dir))
        except Exception as exc:  # vosk raises a bare Exception on a bad folder
            raise SpeechModelError(f"vosk could not load the model in {model_dir}: {exc}") from exc
        self._vosk = vosk
        self.model_dir = model_dir
        self.phrases = list(phrases) if phrases else None

    def _recognizer(self, rate: int) -> Any:  # vosk.KaldiRecognizer (vosk has no type information)
        if self.phrases:
            grammar = json.dumps([*self.phrases, "[unk]"], ensure_ascii=False)
            recognizer = self._vosk.KaldiRecognizer(self._model, rate, grammar)
        else:
            recognizer = self._vosk.KaldiRecognizer(self._model, rate)
        recognizer.SetWords(True)
        return recognizer

    def transcribe(self, audio: PcmAudio) -> Transcript:
        audio = to_speech_rate(audio)
        recognizer = self._recognizer(audio.rate)
        words: list[dict[str, Any]] = []
        texts: list[str] = []
        for start in range(0, len(audio.samples), _CHUNK_BYTES):
            if recognizer.AcceptWaveform(audio.samples[start : start + _CHUNK_BYTES]):
                _collect(json.loads(recognizer.Result()), words, texts)
        _collect(json.loads(recognizer.FinalResult()), words, texts)
        text = " ".join(texts).strip()
        confidences = [float(word.get("conf", 0.0)) for word in words]
        confidence = sum(confidences) / len(confidences) if confidences and text else 0.0
        return Transcript(text=text, confidence=confidence, seconds=audio.seconds)


def _collect(result: dict[str, Any], words: list[dict[str, Any]], texts: list[str]) -> None:
    kept = [word for word in result.get("result", []) if not _is_marker(str(word.get("word", "")))]
    words.extend(kept)
    if "result" in result:
        text = " ".join(word["word"] for word in kept)
    else:
        text = " ".join(word for word in str(result.get("text", "")).split() if not _is_marker(word))
    if text.strip():
        texts.append(text.strip())


def _is_marker(word: str) -> bool:
    """Model tokens such as [unk] or [noise] are not words the visitor said."""
    return word.startswith("[") and word.endswith("]")
