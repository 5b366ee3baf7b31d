"""Web chat relay logic: clean and check the citizen's message, ask the dialogue engine, fall back politely."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from assistant.bridge.clients import CLIENT_METADATA_KEY
from assistant.bridge.web.dialogue import BotMessage, DialogueClient, DialogueUnavailable
from knowledge_base.data_file import read_model
from knowledge_base.text import clean

log = logging.getLogger(__name__)

DEFAULT_REPLIES_PATH = Path(__file__).with_name("chat_replies.yaml")
MAX_MESSAGE_CHARS = 2000
SENDER_PATTERN = r"^[A-Za-z0-9_-]{6,64}$"
_SENDER_RE = re.compile(SENDER_PATTERN)
ReplyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


class ChatRepliesError(ValueError):
    """The chat replies file is missing a key or holds something other than non-empty text."""


class ChatReplies(BaseModel):
    """The relay's fixed replies (Vietnamese first, then English), loaded from a staff-readable YAML file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    empty_message: ReplyText
    message_too_long: ReplyText
    assistant_unavailable: ReplyText
    no_answer: ReplyText
    html_not_allowed: ReplyText

    @classmethod
    def load(cls, path: Path = DEFAULT_REPLIES_PATH) -> ChatReplies:
        """The file validated; ChatRepliesError naming the file and the reply key when it is wrong."""
        return read_model(path, cls, ChatRepliesError)


@dataclass(frozen=True)
class ChatReply:
    """What POST /api/chat returns."""

    messages: list[BotMessage]
    degraded: bool = False
    """True when the dialogue engine could not answer and a fixed fallback was given instead."""
    relayed: bool = field(default=False, compare=False)
    """True when the message actually went to the dialogue engine (for reports/tests, not serialised)."""
    refused: str | None = None
    """Machine code when the message is refused as bad input (the API answers 422 with messages[0] as text)."""

    def to_json(self) -> dict:
        return {"messages": [m.to_json() for m in self.messages], "degraded": self.degraded}


def is_valid_sender(sender: str) -> bool:
    """A sender is a short opaque id (letters, digits, '-' or '_', 6–64 chars) — never a name or phone."""
    return isinstance(sender, str) and bool(_SENDER_RE.fullmatch(sender))


class ChatRelay:
    """Relays one citizen message to the dialogue engine; always yields a polite, displayable reply."""

    def __init__(
        self, client: DialogueClient, replies: ChatReplies | None = None, *, max_message_chars: int = MAX_MESSAGE_CHARS
    ) -> None:
        self.client = client
        self.replies = replies or ChatReplies.load()
        self.max_message_chars = max_message_chars

    async def reply(
        self, sender: str, message: str, *, client: str | None = None, channel: dict[str, Any] | None = None
    ) -> ChatReply:
        """`client`: the citizen's client key (assistant.bridge.clients); `channel`: where the turn came from
        (`{"ward": code, "ward_id": id, "kiosk_id": ...}`); both passed on to the actions as message metadata."""
        text = clean(message)
        if not text:
            return ChatReply([BotMessage(self.replies.empty_message)])
        if _HTML_TAG.search(text):
            return ChatReply([BotMessage(self.replies.html_not_allowed)], refused="html_not_allowed")
        if len(text) > self.max_message_chars:
            notice = self.replies.message_too_long.replace("{max_chars}", str(self.max_message_chars))
            return ChatReply([BotMessage(notice)])
        try:
            metadata = {**(channel or {}), **({CLIENT_METADATA_KEY: client} if client else {})}
            if metadata:
                messages = await self.client.send(sender, text, metadata=metadata)
            else:
                messages = await self.client.send(sender, text)
        except DialogueUnavailable:
            # The reason is already logged by the client; the message itself never reaches the log.
            return ChatReply([BotMessage(self.replies.assistant_unavailable)], degraded=True, relayed=True)
        if not messages:
            messages = [BotMessage(self.replies.no_answer)]
        return ChatReply(messages, relayed=True)
