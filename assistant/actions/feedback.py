"""Ratings and complaints: read a spoken or tapped rating ("5 sao", "năm sao", "4 điểm", "rất hài lòng"), sort a
complaint into a category for staff reports (the citizen's words are never stored), and record both through
the bridge. Phrases live in data/feedback_words.yaml."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.actions.bridge_client import BridgeClient, BridgeUnavailable
from assistant.actions.replies import Replies
from assistant.actions.reply import Reply
from assistant.actions.spoken_numbers import DIGIT_WORDS
from assistant.payload import ReplyPayload
from knowledge_base.data_file import read_model
from knowledge_base.text import tokens

logger = logging.getLogger(__name__)
WORDS_PATH = Path(__file__).parent / "data" / "feedback_words.yaml"
CATEGORIES = ("staff_attitude", "improper_request", "overdue", "waiting", "facilities", "assistant", "other")


def conversation_key(conversation_id: str | None) -> str | None:
    """A stable, non-reversible id for the conversation: feedback and complaints are grouped per conversation
    without keeping Rasa's sender id."""
    if not conversation_id:
        return None
    return "conv-" + hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:16]


class _WordsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating_units: list[str] = Field(min_length=1)
    rating_phrases: dict[int, list[str]]
    complaint_categories: dict[str, list[str]]
    desk_words: list[str] = Field(min_length=1)
    complaint_signals: list[str] = Field(default_factory=list)
    feedback_signals: list[str] = Field(default_factory=list)


def _padded(text: str) -> str:
    return f" {' '.join(tokens(text))} "


@dataclass(frozen=True)
class FeedbackWords:
    units: frozenset[str]
    phrases: tuple[tuple[str, int], ...]
    """(folded phrase, rating), longest phrase first."""
    categories: tuple[tuple[str, tuple[str, ...]], ...]
    desk_pattern: re.Pattern
    complaint_signals: tuple[str, ...] = ()
    feedback_signals: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | str = WORDS_PATH) -> "FeedbackWords":
        data = read_model(path, _WordsFile)
        if set(data.rating_phrases) - {1, 2, 3, 4, 5}:
            raise ValueError(f"{path}: rating_phrases keys must be 1–5")
        unknown = set(data.complaint_categories) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"{path}: unknown complaint categories {sorted(unknown)}; allowed {CATEGORIES}")
        fold = lambda v: " ".join(tokens(v))  # noqa: E731
        phrases = sorted(((fold(p), r) for r, ps in data.rating_phrases.items() for p in ps), key=lambda x: -len(x[0]))
        desks = "|".join(sorted((re.escape(fold(w)) for w in data.desk_words), key=len, reverse=True))
        return cls(
            units=frozenset(fold(u) for u in data.rating_units),
            phrases=tuple(phrases),
            categories=tuple((c, tuple(fold(p) for p in ps)) for c, ps in data.complaint_categories.items()),
            desk_pattern=re.compile(rf" (?:{desks}) (\d{{1,2}}) "),
            complaint_signals=tuple(fold(p) for p in data.complaint_signals),
            feedback_signals=tuple(fold(p) for p in data.feedback_signals),
        )

    def rating(self, text: str | None, entity: Any = None) -> int | None:
        """1–5 from a button entity, "N sao/điểm/stars" (digits or words; a score out of 10 is halved), or words of
        satisfaction; None when no rating is said."""
        if entity is not None and str(entity).strip().isdigit() and 1 <= int(str(entity).strip()) <= 5:
            return int(str(entity).strip())
        if not text:
            return None
        words = tokens(text)
        for index, word in enumerate(words[1:], start=1):
            if word in self.units:
                previous = words[index - 1]
                value = int(previous) if previous.isdigit() else DIGIT_WORDS.get(previous)
                if value == 10 or (value is None and previous == "muoi"):
                    return 5
                if value is not None and 1 <= value <= 5:
                    return value
        if len(words) == 1 and words[0].isdigit() and 1 <= int(words[0]) <= 5:
            return int(words[0])
        padded = _padded(text)
        for phrase, value in self.phrases:
            if f" {phrase} " in padded:
                return value
        return None

    def complaint_category(self, text: str | None) -> str:
        padded = _padded(text or "")
        for category, phrases in self.categories:
            if any(f" {p} " in padded for p in phrases):
                return category
        return "other"

    def sounds_like_complaint(self, text: str | None) -> bool:
        """A complaint word or a category phrase is in the text."""
        padded = _padded(text or "")
        return any(f" {p} " in padded for p in self.complaint_signals) or self.complaint_category(text) != "other"

    def sounds_like_feedback(self, text: str | None) -> bool:
        """A feedback word, a rating or a complaint is in the text."""
        padded = _padded(text or "")
        return (
            any(f" {p} " in padded for p in self.feedback_signals)
            or self.rating(text) is not None
            or self.sounds_like_complaint(text)
        )

    def desk_number(self, text: str | None) -> str | None:
        """The desk a complaint names ("quầy 2", "desk 4") as a desk id "Q2", else None."""
        match = self.desk_pattern.search(_padded(text or ""))
        return f"Q{int(match.group(1))}" if match else None


@dataclass
class FeedbackService:
    """Records ratings and complaints through the bridge; logs outcomes only."""

    bridge: BridgeClient
    replies: Replies
    words: FeedbackWords

    def ask_rating(self, language: str, key: str = "rating_ask") -> Reply:
        return Reply(
            self.replies.say(key, language),
            buttons=rating_buttons(language),
            payload=ReplyPayload(kind="feedback", language=language),
        )

    async def rate(self, *, text: str | None, entity: Any, language: str, conversation_id: str | None) -> Reply:
        rating = self.words.rating(text, entity)
        if rating is None:
            return self.ask_rating(language, "rating_ask_again")
        try:
            await self.bridge.send_feedback(conversation_key(conversation_id) or "anonymous", rating)
        except BridgeUnavailable:
            logger.warning("rating not recorded: bridge unavailable")
        logger.info("rating recorded: %d", rating)
        key = "rating_thanks_low" if rating <= 2 else "rating_thanks"
        return Reply(
            self.replies.say(key, language, rating=rating), payload=ReplyPayload(kind="feedback", language=language)
        )

    async def comment(self, *, text: str | None, language: str, conversation_id: str | None) -> Reply:
        """Praise or a suggestion: a rating said with it is recorded, else a rating is asked for; a suggestion about
        the hall is recorded by category like a complaint."""
        if self.words.rating(text) is not None:
            return await self.rate(text=text, entity=None, language=language, conversation_id=conversation_id)
        category = self.words.complaint_category(text)
        if category in ("facilities", "waiting", "overdue", "staff_attitude", "improper_request") or (
            category == "other" and self.words.sounds_like_complaint(text)
        ):
            return await self.complain(text=text, language=language, conversation_id=conversation_id)
        return self.ask_rating(language, "feedback_thanks_rate")

    async def complain(self, *, text: str | None, language: str, conversation_id: str | None) -> Reply:
        category = self.words.complaint_category(text)
        desk = self.words.desk_number(text)
        try:
            await self.bridge.record_complaint(conversation_key(conversation_id) or "anonymous", category, desk)
        except BridgeUnavailable:
            logger.warning("complaint not recorded: bridge unavailable")
        logger.info("complaint recorded: category=%s desk_named=%s", category, desk is not None)
        about = self.replies.say(f"complaint_{category}", language)
        return Reply(
            self.replies.say("complaint_recorded", language, about=about),
            slots={"pending_offer": "human"},
            payload=ReplyPayload(kind="complaint", language=language),
        )


def rating_buttons(language: str) -> list[dict[str, str]]:
    """Five buttons, 1–5 stars; the payload carries the rating as an entity."""
    unit = "sao" if language == "vi" else "stars"
    return [
        {
            "title": f"{n} {unit}" if language == "vi" or n > 1 else "1 star",
            "payload": f'/rate_service{{"rating": "{n}"}}',
        }
        for n in range(5, 0, -1)
    ]
