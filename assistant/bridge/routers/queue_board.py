"""Queue pages and their public API: the desk page `/desk`, the hall board `/board` (state, live events over SSE,
spoken announcements as WAV), the citizen's "your turn" page `/t/{public id}`, and printing a ticket at the kiosk."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response, StreamingResponse

from assistant.bridge.deps import ServicesDep, WardDep
from assistant.bridge.errors import ApiError
from assistant.bridge.queue_desk import PRIORITY_LABELS, DeskCounter
from assistant.bridge.queue_speech import Announcer, kiosk_engine
from assistant.bridge.wards import Ward
from assistant.bridge.web.pages import STATIC_DIR
from kiosk.ticket_printer import PrintedTicket, PrinterError, TicketPrinter, build_printer
from kiosk.tts import SpeechSynthesisError

log = logging.getLogger(__name__)
router = APIRouter(tags=["queue"])

PublicId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{8,32}$")]
CallId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
EVENT_POLL_S = 0.25
"""How often the event stream looks for new calls in the database (the board must show a call within 1 s)."""
EVENT_STREAM_S = 15.0
"""An event stream ends after this long and the browser reconnects (EventSource), so a shutdown never waits on it."""


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC_DIR / name, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


def _counter(services, ward: Ward | None = None) -> DeskCounter:
    """The desk operations of the board's ward (`?ward=`; the default ward when absent)."""
    return services.counter((ward or services.wards.default).id)


@router.get("/desk", include_in_schema=False)
def desk_page() -> FileResponse:
    """Desk officer's page: log in with a desk token, call next / recall / skip / served."""
    return _page("desk.html")


@router.get("/board", include_in_schema=False)
def board_page() -> FileResponse:
    """Hall display board: the number called at each desk, spoken when it is called."""
    return _page("board.html")


@router.get("/t/{public_id}", include_in_schema=False)
def ticket_page(public_id: PublicId) -> FileResponse:
    """The citizen's "your turn" page (opened from the ticket's QR code)."""
    return _page("ticket.html")


@router.get("/api/board/state")
def board_state(services: ServicesDep, ward: WardDep) -> dict:
    """The ward's board (`?ward=`; the default ward when absent)."""
    return _counter(services, ward).board()


@router.get("/api/board/events", include_in_schema=False)  # an endless stream: not for API clients or fuzzing
async def board_events(request: Request, services: ServicesDep, ward: WardDep) -> StreamingResponse:
    """Server-sent events: `board` with the ward's whole board state at connection and after every call or recall."""
    counter = _counter(services, ward)

    async def stream():
        yield "retry: 250\n\n"  # reconnect fast: a call must reach the board within 1 s
        seen, loop = None, asyncio.get_running_loop()
        deadline = loop.time() + EVENT_STREAM_S
        while loop.time() < deadline and not await request.is_disconnected():
            last = await run_in_threadpool(counter.last_call_id)
            if last != seen:
                state = await run_in_threadpool(counter.board)
                seen = last
                yield f"event: board\ndata: {json.dumps(state, ensure_ascii=False)}\n\n"
            await asyncio.sleep(EVENT_POLL_S)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


def announcer(request: Request) -> Announcer:
    """The app's announcer (kiosk TTS engine, built on first use); a test may put its own on app.state."""
    app = request.app
    if getattr(app.state, "board_announcer", None) is None:
        settings = app.state.kiosk_settings
        app.state.board_announcer = Announcer(lambda: kiosk_engine(settings))
    return app.state.board_announcer


@router.get("/api/board/announcement/{call_id}.wav")
def announcement(call_id: CallId, request: Request, services: ServicesDep, ward: WardDep) -> Response:
    """ "Mời số A031 đến Quầy 1" in the Vietnamese voice, as WAV; 503 when speech output does not work here."""
    number, desk = _counter(services, ward).call_announcement(call_id)
    try:
        audio = announcer(request).wav(call_id, number, desk)
    except SpeechSynthesisError as exc:
        log.warning("board announcement: speech unavailable: %s", exc)
        raise ApiError(
            503,
            "speech_unavailable",
            "Không phát được tiếng nói trên máy này. / Speech output is not available on this machine.",
        ) from exc
    return Response(audio, media_type="audio/wav", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/api/queue/ticket/{public_id}")
def public_ticket(public_id: PublicId, services: ServicesDep) -> dict:
    """Position, estimated wait and status of one ticket, by its unguessable public id; nothing personal."""
    return _counter(services).public(public_id)


def printer(request: Request) -> TicketPrinter:
    app = request.app
    if getattr(app.state, "ticket_printer", None) is None:
        settings = app.state.kiosk_settings
        app.state.ticket_printer = build_printer(settings.printer, settings.printer_target)
        app.state.ticket_public_url = settings.public_url
    return app.state.ticket_printer


@router.post("/api/queue/print/{public_id}", status_code=204)
def print_ticket(public_id: PublicId, request: Request, services: ServicesDep) -> Response:
    """The kiosk prints a ticket it just issued (local callers only: the kiosk runs on the bridge's machine)."""
    host = request.client.host if request.client else ""
    if host not in services.settings.kiosk_print_hosts:
        raise ApiError(403, "forbidden", "Chỉ máy kiosk được in số. / Only the kiosk may print tickets.")
    try:
        device = printer(request)
    except PrinterError as exc:
        raise ApiError(
            503, "printer_unavailable", f"Máy in chưa sẵn sàng. / The printer is not available: {exc}"
        ) from exc
    ticket = _counter(services).public(public_id)
    base = (getattr(request.app.state, "ticket_public_url", None) or str(request.base_url)).rstrip("/")
    issued = datetime.fromisoformat(ticket["issued_at"]).astimezone(ZoneInfo(services.settings.timezone))
    label = PRIORITY_LABELS.get(ticket["priority"], ("", ""))[0] if ticket["priority"] != "none" else None
    ward = services.wards.directory(ticket["ward_id"]).config.ward.name
    try:
        device.print_ticket(
            PrintedTicket(
                number=ticket["number"],
                desk=ticket["desk"]["name"],
                floor=ticket["desk"]["floor"],
                issued_at=issued.strftime("%d/%m/%Y %H:%M"),
                priority=label,
                url=f"{base}/t/{public_id}",
                ward=ward,
            )
        )
    except PrinterError as exc:
        log.warning("ticket printer failed: %s", exc)
        raise ApiError(
            503, "printer_unavailable", f"Không in được số. / The ticket could not be printed: {exc}"
        ) from exc
    return Response(status_code=204)
