"""Error envelope `{"error", "message", ...}` for every 4xx/5xx, exception handlers and the body-size limit."""
from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

_DEFAULT_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ. / The request is not valid."),
    401: ("unauthorized", "Cần mã truy cập của cán bộ. / A staff token is required."),
    403: ("forbidden", "Mã truy cập không đủ quyền. / This token may not do that."),
    404: ("not_found", "Không tìm thấy. / Not found."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ. / Method not allowed."),
    409: ("conflict", "Xung đột trạng thái. / Conflict with the current state."),
    413: ("body_too_large", "Nội dung gửi lên quá lớn. / The request body is too large."),
    415: ("unsupported_media_type", "Định dạng nội dung không được hỗ trợ. / Unsupported content type."),
    429: ("too_many_requests", "Quá nhiều yêu cầu. / Too many requests."),
    500: ("internal_error", "Hệ thống gặp lỗi, vui lòng thử lại sau. / Internal error, please try again later."),
    503: ("unavailable", "Dịch vụ tạm thời không sẵn sàng. / Service temporarily unavailable."),
}


class ApiError(Exception):
    """Raise from any endpoint to answer with the error envelope."""

    def __init__(self, status: int, error: str, message: str, *, headers: dict | None = None, **extra):
        super().__init__(error)
        self.status, self.error, self.message, self.headers, self.extra = status, error, message, headers, extra


def error_response(status: int, error: str | None = None, message: str | None = None, *, headers=None, **extra) -> JSONResponse:
    default_error, default_message = _DEFAULT_MESSAGES.get(status, ("error", "Lỗi. / Error."))
    body = {"error": error or default_error, "message": message or default_message, **extra}
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict]:
    """Location and reason only — never echo the input (it may hold personal data)."""
    return [{"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", ""))} for err in exc.errors()]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        return error_response(exc.status, exc.error, exc.message, headers=exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code not in _DEFAULT_MESSAGES else None
        return error_response(exc.status_code, message=message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError):
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return error_response(400, "invalid_json", "Nội dung JSON bị lỗi cú pháp. / The JSON body is malformed.")
        return error_response(422, "invalid_request", "Dữ liệu gửi lên không hợp lệ. / The request data is not valid.",
                              details=_validation_details(exc))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception):
        log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
        return error_response(500)


class BodySizeLimit:
    """ASGI middleware: refuse bodies over `max_bytes` (larger limit for listed path prefixes) with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int, large_paths: dict[str, int] | None = None):
        self.app, self.max_bytes, self.large_paths = app, max_bytes, large_paths or {}

    def _limit(self, path: str) -> int:
        for prefix, limit in self.large_paths.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        chunks, total, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > limit:
                await self._too_large(scope, receive, send, limit)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        buffered = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": buffered, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        kb = limit // 1024
        response = error_response(
            413, "body_too_large",
            f"Nội dung gửi lên vượt quá {kb} KB. / The request body exceeds {kb} KB.", limit_bytes=limit,
        )
        await response(scope, receive, send)


def parse_json_bytes(raw: bytes) -> object:
    """Decode a JSON upload; raise ApiError 400 with a clear message when it is broken."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"Nội dung JSON bị lỗi: {type(exc).__name__}. / Malformed JSON.") from exc
