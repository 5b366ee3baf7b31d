"""The kiosk's side of the conversation: a DialogueClient Protocol and the HTTP client for the bridge /api/chat."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

import httpx

DEFAULT_BRIDGE_URL = "http://127.0.0.1:8000"
_TICKET = re.compile(r"(?<![\w-])([A-Z]\d{3,4})(?![\w-])")
_TICKET_CONTEXT = re.compile(r"số thứ tự|phiếu|vé|ticket|queue number", re.IGNORECASE)
_DESK_NAME_END = r"(?=$|[.;:()\n]|,\s*(?:còn|số|mời|bác|anh|chị|vui lòng|tầng|phòng|lúc|từ|và|rồi)\b)"
_DESK = re.compile(r"(?<!\w)((?:Quầy|quầy|Desk|desk)\s+[A-Z]?\d+[A-Za-z]?(?!\w|\.\d)"
                   r"(?:\s*[–-]\s*[^.;:()\n]{1,60}?" + _DESK_NAME_END + r")?)")


@dataclass(frozen=True)
class Button:
    """A clarifying choice shown under a reply."""

    title: str
    payload: str


@dataclass(frozen=True)
class DialogueReply:
    """The assistant's answer to one kiosk turn, with what the screen highlights."""

    texts: list[str]
    """Message texts in order (shown and spoken)."""
    buttons: list[Button] = field(default_factory=list)
    desk: str | None = None
    """Desk to go to, e.g. 'Quầy 2 – Hộ tịch', when the reply names one."""
    ticket: str | None = None
    """Queue ticket number, e.g. 'A012', when the reply issued one."""
    degraded: bool = False
    """The dialogue engine was unavailable; the texts are the polite fallback."""

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def to_json(self) -> dict:
        return {"texts": self.texts, "text": self.text, "degraded": self.degraded, "desk": self.desk,
                "ticket": self.ticket, "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}

    @classmethod
    def from_chat_json(cls, body: dict) -> DialogueReply:
        """Parse a `POST /api/chat` body; desk/ticket come from a message's `custom` dict or its text."""
        texts: list[str] = []
        buttons: list[Button] = []
        desk = ticket = None
        for message in body.get("messages") or []:
            if not isinstance(message, dict):
                continue
            if isinstance(message.get("text"), str) and message["text"].strip():
                texts.append(message["text"].strip())
            for button in message.get("buttons") or []:
                if isinstance(button, dict) and button.get("title") and button.get("payload"):
                    buttons.append(Button(str(button["title"]), str(button["payload"])))
            custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
            desk = desk or _custom_desk(custom)
            ticket = ticket or _custom_ticket(custom)
        joined = "\n".join(texts)
        return cls(texts=texts, buttons=buttons, desk=desk or find_desk(joined),
                   ticket=ticket or find_ticket(joined), degraded=bool(body.get("degraded", False)))


def _custom_desk(custom: dict) -> str | None:
    desk = custom.get("desk")
    if isinstance(desk, dict):
        return str(desk.get("name") or desk.get("id") or "") or None
    return str(desk) if desk else None


def _custom_ticket(custom: dict) -> str | None:
    ticket = custom.get("ticket")
    if isinstance(ticket, dict):
        return str(ticket.get("number") or "") or None
    return str(ticket) if ticket else None


def find_ticket(text: str) -> str | None:
    """A ticket number such as A012 mentioned next to 'số thứ tự' / 'phiếu' / 'ticket'."""
    if not _TICKET_CONTEXT.search(text):
        return None
    match = _TICKET.search(text)
    return match[1] if match else None


def find_desk(text: str) -> str | None:
    """The first desk named in the text ('Quầy 2 – Hộ tịch, chứng thực' → 'Quầy 2 – Hộ tịch')."""
    match = _DESK.search(text)
    return match[1].strip() if match else None


class DialogueUnavailable(RuntimeError):
    """The bridge could not be reached or answered with something other than a chat reply."""


class DialogueRefused(RuntimeError):
    """The bridge took the message but refused it (422: HTML, too long, malformed; 429: too many at once): the
    system is up, the citizen should put the question another way."""

    def __init__(self, status_code: int, error: str | None = None):
        super().__init__(f"bridge refused the message: HTTP {status_code} {error or ''}".strip())
        self.status_code, self.error = status_code, error


class DialogueClient(Protocol):
    def send(self, sender: str, message: str) -> DialogueReply: ...


class HttpDialogueClient:
    """`POST {bridge_url}/api/chat` with `{"sender", "message"}`."""

    def __init__(self, bridge_url: str = DEFAULT_BRIDGE_URL, *, timeout_s: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.bridge_url = bridge_url.rstrip("/")
        self._client = httpx.Client(base_url=self.bridge_url, timeout=timeout_s, transport=transport,
                                    trust_env=False)

    def send(self, sender: str, message: str) -> DialogueReply:
        try:
            response = self._client.post("/api/chat", json={"sender": sender, "message": message})
        except httpx.HTTPError as exc:
            raise DialogueUnavailable(f"bridge {self.bridge_url} unreachable: {type(exc).__name__}") from exc
        if response.status_code in (422, 429):
            raise DialogueRefused(response.status_code, _error_code(response))
        if response.status_code != 200:
            raise DialogueUnavailable(f"bridge answered HTTP {response.status_code} to /api/chat")
        try:
            body = response.json()
        except ValueError as exc:
            raise DialogueUnavailable("bridge /api/chat answered something other than JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            raise DialogueUnavailable("bridge /api/chat answer has no 'messages' list")
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
