"""The kiosk's side of the conversation: a DialogueClient Protocol, the HTTP client for the bridge /api/chat and
the reply it returns. Messages, buttons and the structured reply (assistant.payload) are the web chat's own types,
read by the same parser: the kiosk never reads desks or tickets out of the prose."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from assistant.bridge.web.dialogue import BotMessage, ChatButton, DialogueUnavailable, parse_chat_json
from assistant.payload import Desk, ReplyPayload

DEFAULT_BRIDGE_URL = "http://127.0.0.1:8000"
Button = ChatButton
"""The one button type (a clarifying choice or a follow-up suggestion), shared with the web chat."""

__all__ = [
    "Button",
    "DEFAULT_BRIDGE_URL",
    "DialogueClient",
    "DialogueReply",
    "DialogueUnavailable",
    "HttpDialogueClient",
]


@dataclass(frozen=True)
class DialogueReply:
    """The assistant's answer to one kiosk turn: its messages (text, buttons, structured reply)."""

    messages: list[BotMessage] = field(default_factory=list)
    degraded: bool = False
    """The dialogue engine was unavailable; the texts are the polite fallback."""

    @classmethod
    def from_chat_json(cls, body: dict[str, Any]) -> DialogueReply:
        """Read a `POST /api/chat` body with the web chat's parser (DialogueUnavailable when it is not one)."""
        messages, degraded = parse_chat_json(body)
        return cls(messages=messages, degraded=degraded)

    @property
    def texts(self) -> list[str]:
        """Message texts in order (shown on screen)."""
        return [m.text.strip() for m in self.messages if m.text.strip()]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def payload(self) -> ReplyPayload | None:
        """The structured reply the screen renders: the last message's that carries one."""
        return next((m.data for m in reversed(self.messages) if m.data is not None), None)

    @property
    def buttons(self) -> list[ChatButton]:
        """Choices offered (numbered, can be said aloud): the messages' buttons, else the payload's choices."""
        buttons = [b for m in self.messages for b in m.buttons]
        if not buttons and self.payload is not None:
            buttons = [ChatButton(c.title, c.payload) for c in self.payload.choices]
        return buttons

    @property
    def suggestions(self) -> list[ChatButton]:
        """Tappable follow-ups (fee, time, where, ticket); not read out as numbered choices."""
        payload = self.payload
        return [ChatButton(c.title, c.payload) for c in payload.suggestions] if payload else []

    @property
    def speech(self) -> str:
        """What the voice says: each message's short spoken form when it has one, else its text."""
        parts = [m.data.speech if m.data is not None and m.data.speech else m.text for m in self.messages]
        return "\n".join(part.strip() for part in parts if part and part.strip())

    @property
    def desk_info(self) -> Desk | None:
        payload = self.payload
        if payload is None:
            return None
        if payload.ticket is not None:
            return payload.ticket.desk
        if payload.desk is not None:
            return payload.desk
        if payload.procedure is not None and payload.procedure.desk is not None:
            return payload.procedure.desk
        if payload.queue is not None and payload.queue.desk is not None:
            return payload.queue.desk
        return None

    @property
    def desk(self) -> str | None:
        """Desk to go to, e.g. 'Quầy 2 – Hộ tịch', from the structured reply."""
        desk = self.desk_info
        return desk.name if desk else None

    @property
    def ticket(self) -> str | None:
        """Queue ticket number, e.g. 'A012', from the structured reply."""
        payload = self.payload
        return payload.ticket.number if payload is not None and payload.ticket is not None else None

    def to_json(self) -> dict[str, object]:
        payload = self.payload
        return {
            "texts": self.texts,
            "text": self.text,
            "degraded": self.degraded,
            "desk": self.desk,
            "ticket": self.ticket,
            "buttons": [b.to_json() for b in self.buttons],
            "suggestions": [b.to_json() for b in self.suggestions],
            "data": payload.model_dump(mode="json", exclude_none=True) if payload else None,
        }


class DialogueRefused(RuntimeError):
    """The bridge took the message but refused it (422: HTML, too long, malformed; 429: too many at once): the
    system is up, the citizen should put the question another way."""

    def __init__(self, status_code: int, error: str | None = None):
        super().__init__(f"bridge refused the message: HTTP {status_code} {error or ''}".strip())
        self.status_code, self.error = status_code, error


class DialogueClient(Protocol):
    def send(self, sender: str, message: str) -> DialogueReply: ...


DEVICE_HEADER = "X-Kiosk-Device"
"""The header the bridge reads a kiosk's device token from (assistant/bridge/deps.py)."""


class HttpDialogueClient:
    """`POST {bridge_url}/api/chat` with `{"sender", "message"}` (the kiosk CLI, or a kiosk on another machine),
    plus the kiosk's `ward` and its device token (`X-Kiosk-Device`) when it has them."""

    def __init__(
        self,
        bridge_url: str = DEFAULT_BRIDGE_URL,
        *,
        timeout_s: float = 10.0,
        ward: str | None = None,
        device_token: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.bridge_url = bridge_url.rstrip("/")
        self.ward = ward or None
        headers = {DEVICE_HEADER: device_token} if device_token else {}
        self._client = httpx.Client(
            base_url=self.bridge_url, timeout=timeout_s, transport=transport, trust_env=False, headers=headers
        )

    def send(self, sender: str, message: str) -> DialogueReply:
        body = {"sender": sender, "message": message, **({"ward": self.ward} if self.ward else {})}
        try:
            response = self._client.post("/api/chat", json=body)
        except httpx.HTTPError as exc:
            raise DialogueUnavailable(f"bridge {self.bridge_url} unreachable: {type(exc).__name__}") from exc
        if response.status_code in (422, 429):
            raise DialogueRefused(response.status_code, _error_code(response))
        if response.status_code != 200:
            # e.g. 403 unknown_device (a revoked device token), 404 unknown_ward (KIOSK_WARD not on this bridge)
            code = _error_code(response)
            raise DialogueUnavailable(f"bridge answered HTTP {response.status_code} {code or ''} to /api/chat".strip())
        try:
            body = response.json()
        except ValueError as exc:
            raise DialogueUnavailable("bridge /api/chat answered something other than JSON") from exc
        return DialogueReply.from_chat_json(body)

    def close(self) -> None:
        self._client.close()


def _error_code(response: httpx.Response) -> str | None:
    """The `error` of the bridge's error envelope (a short code, never the citizen's text), if any."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error[:40] if isinstance(error, str) else None
