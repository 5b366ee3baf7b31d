"""Request bodies refused before they are read: staff paths check the token first, then a size limit is
enforced on the declared Content-Length and again on the bytes actually streamed.

An ASGI middleware (not a dependency): FastAPI reads and parses a request body before it solves dependencies,
so a token check in a dependency comes after a 100 MB upload has been taken in.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.bridge.errors import ApiError, error_response

STAFF_PATH = re.compile(r"^/api/(staff(/.*)?|tickets/(call-next|\d+/call))$")
"""Paths that need a staff token whatever their body (the staff API and the desk officers' ticket calls)."""
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class LargeBody:
    """A larger body limit for one exact path, granted only to a token holding `role`."""

    limit_bytes: int
    role: str


class BodyTooLarge(HTTPException):
    """Raised from the counting `receive` when the streamed body passes the limit (FastAPI re-raises
    HTTPException from body parsing instead of turning it into a 400)."""

    def __init__(self, limit: int):
        super().__init__(413, "body_too_large")
        self.limit = limit


def too_large_response(limit: int):
    kb = limit // 1024
    return error_response(
        413,
        "body_too_large",
        f"Nội dung gửi lên vượt quá {kb} KB. / The request body exceeds {kb} KB.",
        limit_bytes=limit,
    )


Identify = Callable[[Any, str], Awaitable[Any | None]]
"""(app, bearer token) → a staff identity with `.may(role)`, or None."""


async def identify_staff(app: Any, token: str) -> Any | None:
    """The holder of `token` from the app's database (in a worker thread: the lookup is a blocking query)."""
    from assistant.bridge.auth import identify

    services = getattr(app.state, "services", None)
    if services is None or not token:
        return None
    return await anyio.to_thread.run_sync(identify, services.db, token)


def _bearer(headers: dict[bytes, bytes]) -> str:
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class BodyGuard:
    """ASGI middleware: 401 for an unauthenticated body on a staff path, 413 over the path's limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        large_paths: dict[str, LargeBody] | None = None,
        identify: Identify = identify_staff,
    ):
        self.app, self.max_bytes, self.large_paths, self.identify = app, max_bytes, large_paths or {}, identify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, headers = scope.get("path", ""), dict(scope.get("headers") or [])
        limit = self.max_bytes
        if STAFF_PATH.match(path) and scope.get("method") not in _BODYLESS_METHODS:
            identity = await self.identify(scope["app"], _bearer(headers))
            if identity is None:
                await self._unauthorized(scope, receive, send)
                return
            large = self.large_paths.get(path)
            if large is not None and identity.may(large.role):
                limit = large.limit_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large_response(limit)(scope, receive, send)
            return
        await self._counted(scope, receive, send, limit)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received, started = 0, False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await too_large_response(limit)(scope, receive, send)

    @staticmethod
    async def _unauthorized(scope: Scope, receive: Receive, send: Send) -> None:
        from assistant.bridge.deps import unauthorized

        error: ApiError = unauthorized()
        await error_response(error.status, error.error, error.message, headers=error.headers)(scope, receive, send)


def install_body_guard(app: Any, settings: Any) -> None:
    """The middleware with the bridge settings, and the same 413 answer when a route's body read passes the limit."""
    app.add_middleware(
        BodyGuard,
        max_bytes=settings.max_body_bytes,
        large_paths={"/api/staff/import": LargeBody(settings.max_import_bytes, role="admin")},
    )

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_request, exc: BodyTooLarge):
        return too_large_response(exc.limit)
