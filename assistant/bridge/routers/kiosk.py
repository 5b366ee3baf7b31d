"""Kiosk page `GET /kiosk` and its WebSocket `/ws/kiosk`: browser PCM in, transcript + spoken reply out."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from assistant.bridge import kiosk_senders
from assistant.bridge.auth import KIOSK_ROLE, identify
from assistant.bridge.clients import KIOSK_METADATA_KEY, WARD_METADATA_KEY
from assistant.bridge.deps import DEVICE_REFUSED
from assistant.bridge.errors import error_response
from assistant.bridge.headers import origin_allowed
from assistant.bridge.routers.chat import build_chat_relay
from assistant.bridge.web.relay import ChatRelay
from kiosk.browser_session import BrowserKioskSession, ProtocolError
from kiosk.conversation import KioskConversation
from kiosk.dialogue import DialogueRefused, DialogueReply, DialogueUnavailable
from kiosk.engines import KioskEngines, LazySpeechToText
from kiosk.phrases import KioskPhrases
from kiosk.settings import KioskSettings
from kiosk.tts import SpeechSynthesisError

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "kiosk"
WEB_STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
SHARED_WEB_ASSETS = {"cards.js"}
"""The answer-card renderer is the web chat's own file (one renderer for chat, widget and kiosk)."""
_ASSET_NAME = re.compile(r"^[a-z][a-z0-9_-]*\.(css|js)$")
_MEDIA_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}
MAX_CONTROL_CHARS = 8 * 1024
INTERNAL_ERROR = (
    "Xin lỗi, kiosk vừa gặp lỗi. Bác/anh/chị vui lòng thử lại hoặc hỏi cán bộ. / "
    "Sorry, something went wrong. Please try again or ask the staff."
)
PROTOCOL_ERROR = "Kiosk nhận được tin nhắn không hợp lệ. / The kiosk received an invalid message."
ORIGIN_REFUSED = "Trang này không được phép kết nối tới kiosk. / This page may not connect to the kiosk."
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "media-src 'self' data:; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@asynccontextmanager
async def kiosk_lifespan(app: FastAPI):
    """Create the shared engines holder; with KIOSK_ENABLED build the engines now instead of on first use."""
    if getattr(app.state, "kiosk_engines", None) is None:
        app.state.kiosk_engines = KioskEngines(kiosk_settings(app))
    engines: KioskEngines = app.state.kiosk_engines
    if engines.settings.enabled:
        try:
            await asyncio.to_thread(engines.warm_up)
        except Exception as exc:  # the bridge must still serve chat and staff pages
            log.error("kiosk engines could not be built at start-up: %s", exc)
    yield


router = APIRouter(tags=["kiosk"], lifespan=kiosk_lifespan)


def kiosk_settings(app) -> KioskSettings:
    """The KIOSK_ settings `create_app` was given (built once at the entry point)."""
    return app.state.kiosk_settings


def _engines(app) -> KioskEngines:
    engines = getattr(app.state, "kiosk_engines", None)
    if engines is None:  # app used without its lifespan
        engines = app.state.kiosk_engines = KioskEngines(kiosk_settings(app))
    return engines


@router.get("/kiosk", include_in_schema=False)
def kiosk_page() -> FileResponse:
    """Full-screen kiosk: push-to-talk, typed fallback, transcript, spoken answer, desk and ticket."""
    return FileResponse(STATIC_DIR / "kiosk.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


@router.get("/kiosk/assets/{name}", include_in_schema=False)
def kiosk_asset(name: str) -> FileResponse:
    folder = WEB_STATIC_DIR if name in SHARED_WEB_ASSETS else STATIC_DIR
    if not _ASSET_NAME.match(name) or not (folder / name).is_file():
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(
        folder / name,
        media_type=_MEDIA_TYPES[name.rsplit(".", 1)[1]],
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
    )


@router.get("/api/kiosk/status", tags=["kiosk"])
def kiosk_status(request: Request) -> dict:
    """What the kiosk page can offer: `speech` is false when no speech model is installed (typing only)."""
    return {"speech": _engines(request.app).speech_available()}


class RelayDialogue:
    """The kiosk's dialogue client inside the bridge: the chat relay called in-process (no HTTP to itself).

    The kiosk session runs in worker threads; each turn is run on the app's event loop and awaited there."""

    def __init__(
        self,
        relay: ChatRelay,
        loop: asyncio.AbstractEventLoop,
        timeout_s: float = 30.0,
        channel: dict[str, Any] | None = None,
    ) -> None:
        self.relay, self.loop, self.timeout_s = relay, loop, timeout_s
        self.channel = channel
        """The kiosk's ward and id, sent to the actions as message metadata with every turn."""

    def send(self, sender: str, message: str) -> DialogueReply:
        future = asyncio.run_coroutine_threadsafe(self.relay.reply(sender, message, channel=self.channel), self.loop)
        try:
            reply = future.result(self.timeout_s)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise DialogueUnavailable(f"chat relay did not answer within {self.timeout_s:.0f} s") from exc
        if reply.refused:  # HTML, too long: the system is up, the citizen should put it another way
            raise DialogueRefused(422, reply.refused)
        return DialogueReply(messages=list(reply.messages), degraded=reply.degraded)


def _dialogue(app, engines: KioskEngines, loop: asyncio.AbstractEventLoop, channel: dict[str, Any] | None):
    """An injected client, else HTTP to KIOSK_BRIDGE_URL (a bridge elsewhere), else this bridge's relay."""
    if engines.has_dialogue or engines.settings.bridge_url:
        return engines.dialogue()
    relay = getattr(app.state, "chat_relay", None)
    if relay is None:
        relay = app.state.chat_relay = build_chat_relay(app.state.settings)
    return RelayDialogue(relay, loop, channel=channel)


class UnknownDevice(Exception):
    """The socket named a device token that is not a valid kiosk token."""


def _device_channel(websocket: WebSocket) -> dict[str, Any] | None:
    """The kiosk's channel: with `?device=<kiosk token>` its ward and id (`token create --role kiosk`), without one
    the default ward (a one-ward `make run` needs no token); None for an app without the bridge's services."""
    services = getattr(websocket.app.state, "services", None)
    if services is None:
        return None
    token = websocket.query_params.get("device") or ""
    if not token:
        ward = services.wards.default
        return {WARD_METADATA_KEY: ward.code, "ward_id": ward.id}
    identity = identify(services.db, token)
    if identity is None or identity.role != KIOSK_ROLE or identity.ward_id is None:
        raise UnknownDevice
    ward = services.wards.by_id(identity.ward_id)
    return {WARD_METADATA_KEY: ward.code, "ward_id": ward.id, KIOSK_METADATA_KEY: identity.name}


def _build_session(engines: KioskEngines, dialogue) -> BrowserKioskSession:
    conversation = KioskConversation(
        stt=LazySpeechToText(engines),
        tts=engines.tts(),
        dialogue=dialogue,
        phrases=KioskPhrases.load(),
        min_confidence=engines.settings.min_confidence,
        language=engines.settings.language,
    )
    return BrowserKioskSession(conversation, engines.vad)


async def _refuse_foreign_origin(websocket: WebSocket) -> bool:
    """True (and the handshake refused with 403) when a browser page of another site opens the socket."""
    settings = getattr(websocket.app.state, "settings", None)
    allowed = getattr(settings, "websocket_origins", [])
    if origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"), allowed):
        return False
    log.warning("kiosk socket refused: origin not allowed")
    await _deny(websocket, 403, "origin_not_allowed", ORIGIN_REFUSED)
    return True


async def _deny(websocket: WebSocket, status: int, code: str, message: str) -> None:
    """Refuse the handshake with an HTTP answer in the error envelope."""
    try:
        await websocket.send_denial_response(error_response(status, code, message))
    except RuntimeError:  # the server cannot send an HTTP answer to a handshake: close instead
        await websocket.close(code=1008)


def _sender_secret(app) -> str:
    """The key of the signed conversation ids (assistant/bridge/kiosk_senders.py): the bridge's dossier pepper,
    shared by every replica; an app without bridge settings gets one for this process."""
    settings = getattr(app.state, "settings", None)
    if settings is not None:
        return settings.dossier_pepper
    if getattr(app.state, "kiosk_sender_secret", None) is None:
        app.state.kiosk_sender_secret = kiosk_senders.process_secret()
    return app.state.kiosk_sender_secret


@router.websocket("/ws/kiosk")
async def kiosk_socket(websocket: WebSocket) -> None:
    """Messages: JSON {"type": "start"|"stop"|"text"|"choose"|"greet"|"reset"} and binary 16 kHz s16le frames.
    Browser pages of other origins than this server (or BRIDGE_WEBSOCKET_ORIGINS) are refused with 403.
    "ready" (and "reset") carry `session`, the signed conversation id: a page reconnecting with
    `?resume=<session>` continues that conversation; anything else starts a new one. `?device=<kiosk token>` names
    the kiosk and its ward (an unknown or revoked token: 403 `unknown_device` at the handshake); without one the
    kiosk is the default ward's. Both go to the actions with every turn as message metadata.
    Every bad message is answered with {"type": "error", "code", "message"}; nothing ends the socket but the
    browser (a disconnect at any point, even before "ready", ends the session quietly)."""
    if await _refuse_foreign_origin(websocket):
        return
    try:
        channel = await asyncio.to_thread(_device_channel, websocket)
    except UnknownDevice:
        log.warning("kiosk socket refused: unknown device token")
        await _deny(websocket, 403, "unknown_device", DEVICE_REFUSED)
        return
    try:
        await websocket.accept()
        session = await _open_session(websocket, channel)
        if session is not None:
            secret = _sender_secret(websocket.app)
            resumed = kiosk_senders.resumed_sender(websocket.query_params.get("resume"), secret=secret)
            if resumed is not None:
                session.conversation.resume(resumed)
            # `speech`: whether the page may offer the microphone (no speech model installed -> typing only)
            await websocket.send_json(
                {
                    "type": "ready",
                    "speech": _engines(websocket.app).speech_available(),
                    "session": kiosk_senders.issue(session.conversation.sender, secret=secret),
                    "resumed": resumed is not None,
                }
            )
            await _serve(websocket, session)
    except (WebSocketDisconnect, RuntimeError):  # RuntimeError: sending after the browser went away
        pass


async def _open_session(websocket: WebSocket, channel: dict[str, Any] | None) -> BrowserKioskSession | None:
    try:
        engines = _engines(websocket.app)
        dialogue = _dialogue(websocket.app, engines, asyncio.get_running_loop(), channel)
        return await asyncio.to_thread(_build_session, engines, dialogue)
    except SpeechSynthesisError as exc:
        log.error("kiosk voice unavailable: %s", exc)
        code, message = "tts_unavailable", "Kiosk chưa sẵn sàng (thiếu giọng đọc). / Kiosk voice not available."
    except Exception as exc:  # a broken engine must not show a traceback; the log names the error class
        log.error("kiosk session could not start: %s", type(exc).__name__)
        code, message = "internal", INTERNAL_ERROR
    await websocket.send_json({"type": "error", "code": code, "message": message})
    await websocket.close(code=1011)
    return None


async def _serve(websocket: WebSocket, session: BrowserKioskSession) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        try:
            utterance_ended = await _handle(websocket, session, message)
            if utterance_ended:  # show the transcript first, then dialogue + speech synthesis
                await _send_all(websocket, await asyncio.to_thread(session.transcribe))
                await _send_all(websocket, await asyncio.to_thread(session.answer))
        except ProtocolError as exc:
            await websocket.send_json({"type": "error", "code": "protocol", "message": f"{PROTOCOL_ERROR} ({exc})"})
        except WebSocketDisconnect:
            raise
        except Exception:  # keep the kiosk usable; the traceback goes to the log, not to the screen
            log.exception("kiosk turn failed")
            await websocket.send_json({"type": "error", "code": "internal", "message": INTERNAL_ERROR})


async def _send_all(websocket: WebSocket, messages: list[dict]) -> None:
    for item in messages:
        await websocket.send_json(item)


async def _handle(websocket: WebSocket, session: BrowserKioskSession, message: dict) -> bool:
    """Apply one message; True when an utterance just ended and must be transcribed and answered."""
    if message.get("bytes") is not None:
        return session.audio(message["bytes"])
    text = message.get("text") or ""
    if len(text) > MAX_CONTROL_CHARS:
        raise ProtocolError("control message too long")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser's stack
        raise ProtocolError("control messages are JSON objects") from None
    if not isinstance(data, dict):
        raise ProtocolError("control messages are JSON objects")
    try:  # "\ud800" escapes decode to lone surrogates, which no reply or log line could carry
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        raise ProtocolError("control messages must be valid Unicode text") from None
    if data.get("type") == "start":
        rate = data.get("rate", 16000)
        await websocket.send_json(session.start(rate if isinstance(rate, int) else -1))
        return False
    if data.get("type") == "stop":
        return session.stop()
    messages = await asyncio.to_thread(session.control, data)
    for item in messages:
        if item.get("type") == "reset":  # a new visitor: a new conversation id the page keeps from now on
            item["session"] = kiosk_senders.issue(session.conversation.sender, secret=_sender_secret(websocket.app))
    await _send_all(websocket, messages)
    return False
