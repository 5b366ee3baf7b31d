"""Error envelope `{"error", "message", ...}` for every 4xx/5xx and the exception handlers."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def error_response(
    status: int, error: str | None = None, message: str | None = None, *, headers=None, **extra
) -> JSONResponse:
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
        return error_response(
            422,
            "invalid_request",
            "Dữ liệu gửi lên không hợp lệ. / The request data is not valid.",
            details=_validation_details(exc),
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception):
        log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
        return error_response(500)


def parse_json_bytes(raw: bytes) -> object:
    """Decode a JSON upload; raise ApiError 400 with a clear message when it is broken."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"Nội dung JSON bị lỗi: {type(exc).__name__}. / Malformed JSON.") from exc
