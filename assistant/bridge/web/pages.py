"""Web pages of the bridge: citizen chat page `/`, staff page `/staff`, widget loader `/widget.js`, assets `/web/*`,
and the QR codes of answer cards `/api/qr`."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response

from assistant.bridge.web.qr import MAX_URL_CHARS, QrRefused, check_link, qr_svg

STATIC_DIR = Path(__file__).with_name("static")
_ASSET_NAME = re.compile(r"^[a-z][a-z0-9_-]*\.(css|js|svg|png)$")
_MEDIA_TYPES = {
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}
# Our pages load nothing from other origins. Who may frame them (frame-ancestors) is set for every answer by
# assistant/bridge/headers.py: the chat page by the ward websites of BRIDGE_WIDGET_FRAME_ANCESTORS (the widget),
# nothing else at all.
_CSP_BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)
CHAT_HEADERS = {
    "Content-Security-Policy": _CSP_BASE,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
STAFF_HEADERS = {
    "Content-Security-Policy": _CSP_BASE + "; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ASSET_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}

router = APIRouter(tags=["pages"])


def _page(name: str, headers: dict[str, str]) -> FileResponse:
    return FileResponse(STATIC_DIR / name, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/", include_in_schema=False)
def chat_page() -> FileResponse:
    """Citizen chat page (Vietnamese first); `?embed=1` is the compact form shown inside the widget."""
    return _page("chat.html", CHAT_HEADERS)


@router.get("/staff", include_in_schema=False)
def staff_page() -> FileResponse:
    """Staff knowledge page: token login, procedure search/edit, aliases, reports, audit."""
    return _page("staff.html", STAFF_HEADERS)


@router.get("/widget.js", include_in_schema=False)
def widget_script() -> FileResponse:
    """Loader for other sites: one script tag adds the floating chat button and panel."""
    return FileResponse(
        STATIC_DIR / "widget.js",
        media_type=_MEDIA_TYPES["js"],
        headers={**ASSET_HEADERS, "Access-Control-Allow-Origin": "*"},
    )


@router.get(
    "/api/qr",
    tags=["pages"],
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, 400: {"description": "Not a link we encode."}},
)
def qr_code(request: Request, data: str = Query(max_length=MAX_URL_CHARS, description="The link to encode.")):
    """SVG QR code of a link to the national portal or to this site (answer cards: continue on a phone)."""
    try:
        url = check_link(data, request.headers.get("host"))
    except QrRefused as exc:
        raise HTTPException(status_code=400, detail=f"Không tạo được mã QR cho liên kết này. / {exc}.") from exc
    return Response(
        qr_svg(url),
        media_type="image/svg+xml",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "public, max-age=86400",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


@router.get("/web/{name}", include_in_schema=False)
def asset(name: str) -> FileResponse:
    """Stylesheets and scripts of the pages (flat folder, fixed name pattern: no path tricks)."""
    match = _ASSET_NAME.fullmatch(name)
    path = STATIC_DIR / name
    if not match or not path.is_file():
        raise HTTPException(status_code=404, detail="Không tìm thấy tệp. / File not found.")
    return FileResponse(path, media_type=_MEDIA_TYPES[match.group(1)], headers=ASSET_HEADERS)
