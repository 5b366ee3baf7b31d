"""One kiosk conversation: heard audio or typed text -> transcript -> dialogue reply -> speech to play."""

from __future__ import annotations

import enum
import logging
import re
import secrets
from dataclasses import dataclass, field, replace

from kiosk.audio import PcmAudio
from kiosk.choices import match_choice
from kiosk.dialogue import Button, DialogueClient, DialogueRefused, DialogueReply, DialogueUnavailable
from kiosk.numbers_vi import number_words
from kiosk.phrases import KioskPhrases
from kiosk.speakable import speakable, vietnamese_part
from kiosk.stt import SpeechToText, Transcript
from kiosk.tts import SpeechSynthesisError, TextToSpeech

log = logging.getLogger(__name__)
MAX_SPOKEN_CHARS = 600
"""Longer answers are read up to a sentence end near this length; the rest stays on screen."""
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_ELLIPSIS = re.compile(r"\s*(?:…|\.{3,})")


class TurnKind(enum.Enum):
    REPLY = "reply"
    NOT_HEARD = "not_heard"
    """Empty or low-confidence transcript: ask again and offer typing."""
    UNAVAILABLE = "unavailable"
    """The dialogue could not be reached."""
    REPHRASE = "rephrase"
    """The bridge refused the message (e.g. 422): the system is up, ask for the question another way."""
    GREETING = "greeting"
    GOODBYE = "goodbye"


@dataclass(frozen=True)
class TurnResult:
    """Everything the screen and the speaker need after one turn."""

    kind: TurnKind
    display_text: str
    """What the screen shows (original text, with digits and codes as written)."""
    spoken_text: str
    """What the voice says (numbers, codes and dates as words)."""
    audio: bytes
    """WAV bytes of `spoken_text` (b'' when the voice failed: the answer is still shown)."""
    transcript: Transcript | None = None
    message_sent: str | None = None
    """What went to the dialogue: the transcript, typed text or a chosen button's payload."""
    reply: DialogueReply | None = None
    buttons: list[Button] = field(default_factory=list)
    """Numbered choices (can be said aloud or touched)."""
    suggestions: list[Button] = field(default_factory=list)
    """Tappable follow-ups from the structured reply (fee, time, where, ticket)."""
    offer_typing: bool = False

    def to_json(self) -> dict[str, object]:
        reply = self.reply
        return {
            "kind": self.kind.value,
            "text": self.display_text,
            "spoken_text": self.spoken_text,
            "transcript": self.transcript.to_json() if self.transcript else None,
            "buttons": [b.to_json() for b in self.buttons],
            "suggestions": [b.to_json() for b in self.suggestions],
            "desk": reply.desk if reply else None,
            "ticket": reply.ticket if reply else None,
            "data": reply.to_json()["data"] if reply else None,
            "degraded": reply.degraded if reply else False,
            "offer_typing": self.offer_typing,
        }


def new_sender_id() -> str:
    """An opaque conversation id; a new one per visitor so conversations never mix."""
    return "kiosk-" + secrets.token_hex(8)


class KioskConversation:
    """Turn logic shared by the microphone loop, the CLI and the /kiosk page."""

    def __init__(
        self,
        *,
        stt: SpeechToText,
        tts: TextToSpeech,
        dialogue: DialogueClient,
        phrases: KioskPhrases | None = None,
        min_confidence: float = 0.55,
        language: str = "vi",
    ) -> None:
        self.stt, self.tts, self.dialogue = stt, tts, dialogue
        self.phrases = phrases or KioskPhrases.load()
        self.min_confidence = min_confidence
        self.language = language
        self.reset()

    def reset(self) -> None:
        """Forget the visitor: new conversation id, no pending choices."""
        self.sender = new_sender_id()
        self.pending_buttons: list[Button] = []
        self.pending_suggestions: list[Button] = []

    def resume(self, sender: str) -> None:
        """Continue the conversation `sender` (the page reconnected with a token the bridge issued)."""
        self.sender = sender

    def greet(self) -> TurnResult:
        return self._fixed(TurnKind.GREETING, self.phrases.greeting, self.phrases.greeting_en)

    def goodbye(self) -> TurnResult:
        return self._fixed(TurnKind.GOODBYE, self.phrases.goodbye, self.phrases.goodbye_en)

    def transcribe(self, audio: PcmAudio) -> Transcript:
        return self.stt.transcribe(audio)

    def hear(self, audio: PcmAudio) -> TurnResult:
        """Recognise speech and answer it (or ask again when it was not heard clearly)."""
        return self.heard(self.transcribe(audio))

    def heard(self, transcript: Transcript) -> TurnResult:
        """Answer an already recognised utterance (the browser path streams audio to the recogniser)."""
        if not transcript.text.strip() or transcript.confidence < self.min_confidence:
            log.info("kiosk turn not heard clearly (chars=%d)", len(transcript.text))
            result = self._fixed(
                TurnKind.NOT_HEARD, self.phrases.not_heard, self.phrases.not_heard_en, offer_typing=True
            )
            return replace(result, transcript=transcript, buttons=self.pending_buttons)
        chosen = match_choice(transcript.text, self.pending_buttons)
        message = chosen.payload if chosen else transcript.text
        return replace(self._ask(message), transcript=transcript)

    def typed(self, text: str) -> TurnResult:
        """Answer text typed on the screen (a typed number also picks a shown option)."""
        chosen = match_choice(text, self.pending_buttons)
        return self._ask(chosen.payload if chosen else text)

    def choose(self, payload: str) -> TurnResult:
        """An option button was touched on the screen."""
        return self._ask(payload)

    def _ask(self, message: str) -> TurnResult:
        try:
            reply = self.dialogue.send(self.sender, message)
        except DialogueRefused as exc:
            log.info("kiosk message refused by the bridge: HTTP %d %s", exc.status_code, exc.error or "")
            return replace(
                self._fixed(TurnKind.REPHRASE, self.phrases.rephrase, self.phrases.rephrase_en, offer_typing=True),
                message_sent=message,
            )
        except DialogueUnavailable as exc:
            log.warning("kiosk dialogue unavailable: %s", exc)
            return replace(
                self._fixed(
                    TurnKind.UNAVAILABLE, self.phrases.unavailable, self.phrases.unavailable_en, offer_typing=True
                ),
                message_sent=message,
            )
        self.pending_buttons = list(reply.buttons)
        self.pending_suggestions = list(reply.suggestions)
        said = " ".join(line.strip() for line in vietnamese_part(reply.speech).splitlines() if line.strip())
        spoken_parts = [self._shortened(_ELLIPSIS.sub(".", said))]
        if reply.buttons:
            items = [
                self.phrases.choice_item.format(number=number_words(index), title=button.title)
                for index, button in enumerate(reply.buttons, start=1)
            ]
            spoken_parts.append(self.phrases.choices_intro + " " + "; ".join(items) + ".")
        spoken = speakable(" ".join(spoken_parts)) or speakable(self.phrases.not_heard)
        return TurnResult(
            kind=TurnKind.REPLY,
            display_text=reply.text,
            spoken_text=spoken,
            audio=self._speak(spoken),
            message_sent=message,
            reply=reply,
            buttons=list(reply.buttons),
            suggestions=list(reply.suggestions),
        )

    def _shortened(self, text: str) -> str:
        if len(text) <= MAX_SPOKEN_CHARS:
            return text
        kept = ""
        for sentence in _SENTENCE_END.split(text):
            if kept and len(kept) + len(sentence) > MAX_SPOKEN_CHARS:
                break
            kept = f"{kept} {sentence}".strip()
        return f"{kept[:MAX_SPOKEN_CHARS]} {self.phrases.more_on_screen}"

    def _fixed(self, kind: TurnKind, text_vi: str, text_en: str, *, offer_typing: bool = False) -> TurnResult:
        spoken = speakable(text_vi)
        return TurnResult(
            kind=kind,
            display_text=f"{text_vi}\n{text_en}",
            spoken_text=spoken,
            audio=self._speak(spoken),
            offer_typing=offer_typing,
        )

    def _speak(self, text: str) -> bytes:
        try:
            return self.tts.synthesize(text, self.language)
        except SpeechSynthesisError as exc:
            log.error("kiosk voice failed, answer shown without sound: %s", exc)
            return b""
