"""Dialogue engine client: the `DialogueClient` protocol and its Rasa REST-channel implementation."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
from pydantic import ValidationError

from assistant.bridge.web.kept_session import KeptSession
from assistant.payload import ReplyPayload

log = logging.getLogger(__name__)

MAX_BOT_TEXT_CHARS = 4000
MAX_BUTTONS = 10
MAX_BUTTON_TITLE_CHARS = 200
MAX_BUTTON_PAYLOAD_CHARS = 500


class DialogueUnavailable(Exception):
    """The dialogue engine could not be reached, timed out, or answered something unusable."""


@dataclass(frozen=True)
class ChatButton:
    """A clarify/quick-reply choice offered under a bot message."""

    title: str
    """What the citizen sees (and what is shown as their message when clicked)."""
    payload: str
    """What is sent back to the dialogue engine when clicked (e.g. '/choose_option{"option": 2}')."""

    def to_json(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class BotMessage:
    """One message from the assistant: plain text (never HTML), optional buttons and the structured reply."""

    text: str
    buttons: list[ChatButton] = field(default_factory=list)
    data: ReplyPayload | None = None
    """What screens render (assistant.payload); None for replies that carry none."""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text, "buttons": [b.to_json() for b in self.buttons]}
        body["data"] = self.data.model_dump(mode="json", exclude_none=True) if self.data else None
        return body

    @classmethod
    def from_json(cls, item: Any) -> BotMessage | None:
        """Read one message of a `POST /api/chat` body (the inverse of `to_json`); None when it is not one."""
        if not isinstance(item, dict):
            return None
        text = item.get("text")
        text = text[:MAX_BOT_TEXT_CHARS] if isinstance(text, str) else ""
        data = None
        if isinstance(item.get("data"), dict):
            try:
                data = ReplyPayload.model_validate(item["data"])
            except ValidationError:
                data = None
        buttons = _parse_buttons(item.get("buttons"))
        if not text.strip() and not buttons and data is None:
            return None
        return cls(text=text, buttons=buttons, data=data)


def parse_chat_json(body: Any) -> tuple[list[BotMessage], bool]:
    """Read a `POST /api/chat` body into (messages, degraded): the one option parser of chat and kiosk clients."""
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        raise DialogueUnavailable("chat answer has no 'messages' list")
    messages = [m for m in (BotMessage.from_json(item) for item in body["messages"]) if m is not None]
    return messages, bool(body.get("degraded", False))


class DialogueClient(Protocol):
    """Sends one citizen message to the dialogue engine and returns its replies."""

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        """Raise DialogueUnavailable when the engine is down, slow or returns garbage.

        `metadata` travels with the message to the actions (the citizen's client key, assistant.bridge.clients)."""


def parse_rest_reply(data: Any) -> list[BotMessage]:
    """Turn Rasa's REST-channel JSON (a list of {recipient_id, text, buttons, custom, ...}) into BotMessages.

    Rasa sends a message's custom payload as a separate item right after its text; a valid structured reply
    (assistant.payload) is attached to the message before it. Items with neither text, buttons nor a reply
    (images, unknown custom JSON) are skipped; anything that is not a list of objects raises DialogueUnavailable.
    """
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DialogueUnavailable("reply is not a list of objects")
    messages: list[BotMessage] = []
    for item in data:
        text = item.get("text")
        text = text[:MAX_BOT_TEXT_CHARS] if isinstance(text, str) else ""
        buttons = _parse_buttons(item.get("buttons"))
        payload = ReplyPayload.from_custom(item.get("custom"))
        if not text.strip() and not buttons:
            if payload is not None and messages and messages[-1].data is None:
                messages[-1] = BotMessage(messages[-1].text, messages[-1].buttons, payload)
            continue
        messages.append(BotMessage(text=text, buttons=buttons, data=payload))
    return messages


def _parse_buttons(raw: Any) -> list[ChatButton]:
    if not isinstance(raw, list):
        return []
    buttons = []
    for item in raw[:MAX_BUTTONS]:
        if not isinstance(item, dict):
            continue
        title, payload = item.get("title"), item.get("payload")
        if isinstance(title, str) and title.strip():
            payload = payload if isinstance(payload, str) and payload.strip() else title
            buttons.append(ChatButton(title[:MAX_BUTTON_TITLE_CHARS], payload[:MAX_BUTTON_PAYLOAD_CHARS]))
    return buttons


def conversation_key(sender: str) -> str:
    """A stable, short hash of a sender id for routing (the id itself need not travel in a header)."""
    return hashlib.sha256(f"conversation:{sender}".encode()).hexdigest()[:16]


class RasaRestClient:
    """Talks to Rasa's REST channel: POST {base_url}/webhooks/rest/webhook {"sender", "message"}.

    One kept-open aiohttp session per event loop (``KeptSession``: stale kept connections are resent once on a new
    one). A client made per turn would cost ~26 ms of bridge CPU (TLS context and CA bundle read even for plain http).
    """

    ROUTING_HEADER = "X-Conversation-Key"
    """Sent with every turn: a hash of the sender, the same for every turn of one conversation. A balancer in front
    of several Rasa replicas hashes on it (HAProxy `balance hdr(X-Conversation-Key)` with `hash-type consistent`;
    nginx `hash $http_x_conversation_key consistent`), so each conversation stays on one replica: Rasa OSS's Redis
    lock store is not safe when two replicas take one conversation's lock at the same moment."""

    def __init__(self, base_url: str = "http://127.0.0.1:5005", *, timeout_s: float = 10.0) -> None:
        self.webhook_url = base_url.rstrip("/") + "/webhooks/rest/webhook"
        self.timeout_s = timeout_s
        self._http = KeptSession(timeout_s)

    @property
    def clients_made(self) -> int:
        """How many sessions were made (one per event loop; tests check that turns share one)."""
        return self._http.sessions_made

    async def aclose(self) -> None:
        """Close the current loop's session (the app's shutdown); a later turn makes a new one."""
        await self._http.aclose()

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            status, content = await self._http.post_json(
                self.webhook_url, body, headers={self.ROUTING_HEADER: conversation_key(sender)}
            )
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("dialogue engine unreachable: %s", type(exc).__name__)
            raise DialogueUnavailable(type(exc).__name__) from exc
        if status != 200:
            log.warning("dialogue engine answered HTTP %s", status)
            raise DialogueUnavailable(f"HTTP {status}")
        try:
            data = json.loads(content)
        except ValueError as exc:
            log.warning("dialogue engine answered non-JSON (%d bytes)", len(content))
            raise DialogueUnavailable("invalid JSON") from exc
        return parse_rest_reply(data)
