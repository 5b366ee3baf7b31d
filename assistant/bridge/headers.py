"""Security headers on every HTTP answer, and the Origin check of the kiosk WebSocket.

- `X-Content-Type-Options: nosniff` everywhere.
- `Content-Security-Policy: frame-ancestors`: 'none' for every answer except the chat page that the widget
  frames (`/`), which ward websites listed in `widget_frame_ancestors` (and the bridge itself) may frame.
  A page's own CSP is kept and only the frame-ancestors directive is set here, so the rule lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAMED_PAGES = frozenset({"/"})
"""The chat page, shown inside the widget's iframe on ward websites."""


def frame_ancestors(path: str, widget_sites: Iterable[str]) -> str:
    if path in FRAMED_PAGES:
        return " ".join(["'self'", *widget_sites])
    return "'none'"


def with_frame_ancestors(policy: str | None, ancestors: str) -> str:
    """`policy` with its frame-ancestors directive replaced by (or extended with) `ancestors`."""
    directives = [d.strip() for d in (policy or "").split(";") if d.strip()]
    kept = [d for d in directives if d.split()[0].lower() != "frame-ancestors"]
    return "; ".join([*kept, f"frame-ancestors {ancestors}"])


class SecurityHeaders:
    """ASGI middleware adding nosniff and the frame-ancestors rule to every HTTP response."""

    def __init__(self, app: ASGIApp, *, widget_sites: Iterable[str] = ()):
        self.app, self.widget_sites = app, tuple(widget_sites)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ancestors = frame_ancestors(scope.get("path", ""), self.widget_sites)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Content-Security-Policy"] = with_frame_ancestors(
                    headers.get("content-security-policy"), ancestors
                )
                if ancestors == "'none'" and "x-frame-options" not in headers:
                    headers["X-Frame-Options"] = "DENY"  # browsers without CSP level 2
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _netloc(url: str) -> str:
    parts = urlsplit(url.strip())
    return (parts.netloc or "").lower()


def origin_allowed(origin: str | None, host: str | None, allowed: Iterable[str]) -> bool:
    """A browser's WebSocket Origin is accepted when it names this server (same host:port as the Host header,
    whatever the scheme: a TLS reverse proxy may stand in front) or one of the configured origins. A client
    without an Origin header is not a browser page, so not a cross-site hijack: accepted."""
    if origin is None:
        return True
    if origin.strip().lower() == "null":
        return False
    netloc = _netloc(origin)
    if host and netloc == host.strip().lower():
        return True
    return any(origin.strip().rstrip("/").lower() == entry.strip().rstrip("/").lower() for entry in allowed)
