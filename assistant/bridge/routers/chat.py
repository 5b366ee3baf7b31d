"""POST /api/chat: the web chat relay between the chat widget and the dialogue engine (Rasa REST channel)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.bridge.auth import StaffIdentity
from assistant.bridge.clients import KIOSK_METADATA_KEY, WARD_METADATA_KEY, address_key
from assistant.bridge.deps import kiosk_device
from assistant.bridge.desks import WARD_CODE
from assistant.bridge.errors import ApiError
from assistant.bridge.guards import rate_limited
from assistant.bridge.settings import BridgeSettings
from assistant.bridge.web.dialogue import RasaRestClient
from assistant.bridge.web.relay import SENDER_PATTERN, ChatRelay
from assistant.payload import ReplyPayload

MAX_BODY_MESSAGE_CHARS = 20_000

router = APIRouter(prefix="/api", tags=["chat"])


class ChatRequest(BaseModel):
    """One citizen turn from the chat widget."""

    sender: str = Field(pattern=SENDER_PATTERN, description="Opaque conversation id (6–64 of A-Z a-z 0-9 _ -).")
    message: str = Field(
        max_length=MAX_BODY_MESSAGE_CHARS,
        description="The citizen's text; over 2,000 characters gets a polite 'please shorten'.",
    )
    ward: str | None = Field(
        default=None,
        max_length=40,
        pattern=WARD_CODE,
        description="The widget's ward code; the default ward if absent.",
    )


class ChatButtonOut(BaseModel):
    title: str
    payload: str


class ChatMessageOut(BaseModel):
    text: str
    buttons: list[ChatButtonOut]
    data: ReplyPayload | None = Field(
        default=None, description="The structured reply (kind, procedure card, choices, desk, ticket, ...)."
    )


class ChatResponse(BaseModel):
    messages: list[ChatMessageOut]
    degraded: bool = Field(description="True when the dialogue engine was unavailable and a fallback was sent.")


def build_chat_relay(settings: BridgeSettings) -> ChatRelay:
    """Chat relay talking to Rasa, configured from the bridge settings (`rasa_url`, `chat_timeout_s`)."""
    return ChatRelay(RasaRestClient(settings.rasa_url, timeout_s=settings.chat_timeout_s))


def get_chat_relay(request: Request) -> ChatRelay:
    """The app's relay: `app.state.chat_relay` if the lifespan (or a test) set one, else built once lazily."""
    relay = getattr(request.app.state, "chat_relay", None)
    if relay is None:
        relay = build_chat_relay(request.app.state.settings)
        request.app.state.chat_relay = relay
    return relay


def _secret(request: Request) -> str:
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "dossier_pepper", "") or "")


def _channel(request: Request, code: str | None, device: StaffIdentity | None) -> dict[str, Any] | None:
    """The message metadata naming the chat's ward (404 `unknown_ward` for a code no ward file has) and, for a
    standalone kiosk's turn, the kiosk (its device token's name and ward: naming another ward is 403
    `other_ward`); None for a relay mounted without the bridge's services."""
    services = getattr(request.app.state, "services", None)
    if services is None:
        return None
    if device is None:
        ward = services.wards.get(code)
        return {WARD_METADATA_KEY: ward.code, "ward_id": ward.id}
    ward = services.wards.by_id(device.ward_id)
    if code and code != ward.code:
        raise ApiError(
            403,
            "other_ward",
            f"Kiosk này thuộc {ward.name} ({ward.code}). / This kiosk belongs to ward {ward.code}.",
            ward=ward.code,
        )
    return {WARD_METADATA_KEY: ward.code, "ward_id": ward.id, KIOSK_METADATA_KEY: device.name}


ChatRelayDep = Annotated[ChatRelay, Depends(get_chat_relay)]


@router.post("/chat", response_model=ChatResponse, dependencies=[rate_limited("chat")])
async def chat(body: ChatRequest, relay: ChatRelayDep, request: Request) -> Any:
    """Relay one message: 200 with displayable messages (`degraded` when Rasa could not answer). The ward (`ward`,
    checked against the wards: 404 `unknown_ward`) goes to the actions as message metadata, so a ticket asked for
    in this chat is that ward's. A standalone kiosk sends its device token (`X-Kiosk-Device`): its turns are then
    its ward's and carry its id (an unknown or revoked token: 403 `unknown_device`).

    A message holding HTML tags is refused with 422 `{"error": "html_not_allowed", "message"}`; the widget
    shows that message as the assistant's polite answer.
    """
    # The citizen's real address (as a key) goes to the actions, so a dossier lookup made in this chat shares
    # the lockout of this address — not of the action server, and not of a sender id the caller chose.
    host = request.client.host if request.client else "unknown"
    reply = await relay.reply(
        body.sender,
        body.message,
        client=address_key(host, secret=_secret(request)),
        channel=_channel(request, body.ward, await kiosk_device(request)),
    )
    if reply.refused:
        return JSONResponse({"error": reply.refused, "message": reply.messages[0].text}, status_code=422)
    return reply.to_json()
