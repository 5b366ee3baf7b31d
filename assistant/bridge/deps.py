"""FastAPI dependencies: the services, the caller's address and staff authentication."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from assistant.bridge.auth import KIOSK_ROLE, StaffIdentity, identify
from assistant.bridge.clients import SERVICE_TOKEN_HEADER, client_identity, service_token_ok
from assistant.bridge.desks import WARD_CODE
from assistant.bridge.errors import ApiError
from assistant.bridge.services import BridgeServices
from assistant.bridge.wards import Ward

KIOSK_DEVICE_HEADER = "X-Kiosk-Device"
"""A standalone kiosk (`python -m kiosk run`, KIOSK_DEVICE_TOKEN) names itself with its device token here."""
DEVICE_REFUSED = "Mã thiết bị kiosk không hợp lệ hoặc đã bị thu hồi. / This kiosk's device token is unknown or revoked."


def get_services(request: Request) -> BridgeServices:
    return request.app.state.services


ServicesDep = Annotated[BridgeServices, Depends(get_services)]


def ward_query() -> Any:
    """The optional `?ward=<code>` query parameter (a fresh one per endpoint)."""
    return Query(None, max_length=40, pattern=WARD_CODE, description="Ward code; the default ward when absent")


def ward_of_request(services: ServicesDep, ward: str | None = ward_query()) -> Ward:
    """The ward named by `?ward=` (404 `unknown_ward` for a code no ward file has); the default ward when absent."""
    return services.wards.get(ward)


WardDep = Annotated[Ward, Depends(ward_of_request)]


def client_id(request: Request) -> str:
    """The real remote address of the caller: the identity per-client rate limits count against."""
    return request.client.host if request.client else "unknown"


async def kiosk_device(request: Request) -> StaffIdentity | None:
    """The kiosk a request comes from, by its device token in `X-Kiosk-Device` (`token create --role kiosk --ward
    <code> --name <kiosk id>`): None without the header; 403 `unknown_device` for a token that is not a valid kiosk
    token. Looked up once per request (the rate-limit guard and the endpoint both ask)."""
    token = request.headers.get(KIOSK_DEVICE_HEADER, "").strip()
    services = getattr(request.app.state, "services", None)
    if not token or services is None:
        return None
    if getattr(request.state, "kiosk_device", None) is None:
        identity = await asyncio.to_thread(identify, services.db, token)
        if identity is None or identity.role != KIOSK_ROLE or identity.ward_id is None:
            raise ApiError(403, "unknown_device", DEVICE_REFUSED)
        request.state.kiosk_device = identity
    return request.state.kiosk_device


def from_own_service(request: Request) -> bool:
    """True when the caller is one of our own services (the action server relaying a chat or kiosk turn),
    proven by the service secret (`X-Service-Token`), never by its address: a reverse proxy on the same host
    also calls from 127.0.0.1. Own services may self-declare priority tickets and are not rate-limited here
    (the citizen's turns are, at /api/chat)."""
    services = getattr(request.app.state, "services", None)
    expected = getattr(services, "service_token", "") if services is not None else ""
    return service_token_ok(request.headers.get(SERVICE_TOKEN_HEADER, ""), expected)


def client_address(request: Request, services: ServicesDep) -> str:
    """Who is asking, for the per-client lockout (assistant.bridge.clients): a key of the remote address."""
    return client_identity(
        host=request.client.host if request.client else "unknown",
        headers=request.headers,
        secret=services.settings.dossier_pepper,
        service_token=services.service_token,
    )


ClientDep = Annotated[str, Depends(client_address)]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        "Cần mã truy cập hợp lệ của cán bộ (Authorization: Bearer …). / "
        "A valid staff token is required (Authorization: Bearer …).",
        headers={"WWW-Authenticate": "Bearer"},
    )


def require_role(role: str):
    """Dependency factory: a valid staff token with at least `role`, else 401/403 in the error envelope."""

    def dependency(request: Request, services: ServicesDep) -> StaffIdentity:
        token = _bearer(request)
        identity = identify(services.db, token) if token else None
        if identity is None:
            raise unauthorized()
        if not identity.may(role):
            raise ApiError(
                403, "forbidden", f"Mã truy cập này không có quyền '{role}'. / This token lacks the '{role}' role."
            )
        return identity

    return dependency


ViewerDep = Annotated[StaffIdentity, Depends(require_role("viewer"))]
EditorDep = Annotated[StaffIdentity, Depends(require_role("editor"))]
AdminDep = Annotated[StaffIdentity, Depends(require_role("admin"))]


def province_only(staff: StaffIdentity) -> StaffIdentity:
    """Procedures, aliases, answer cards and imports are province-wide: a ward's token gets 403 `province_only`."""
    if staff.ward_id is not None:
        raise ApiError(
            403,
            "province_only",
            "Chỉ mã truy cập cấp tỉnh được sửa thủ tục, từ đồng nghĩa, thẻ trả lời hoặc nhập dữ liệu. / "
            "Only a province-wide token may edit procedures, aliases or answer cards, or import.",
        )
    return staff


def _province_editor(staff: EditorDep) -> StaffIdentity:
    return province_only(staff)


def _province_admin(staff: AdminDep) -> StaffIdentity:
    return province_only(staff)


ProvinceEditorDep = Annotated[StaffIdentity, Depends(_province_editor)]
ProvinceAdminDep = Annotated[StaffIdentity, Depends(_province_admin)]


def scoped_ward(services: BridgeServices, staff: StaffIdentity, code: str | None) -> Ward | None:
    """The ward a staff request is about: a ward token's own ward (naming another ward: 403 `other_ward`); for a
    province-wide token the named ward, else None (the caller picks the default ward or every ward)."""
    if staff.ward_id is None:
        return services.wards.get(code) if code else None
    own = services.wards.by_id(staff.ward_id)
    if code and code != own.code:
        raise ApiError(
            403,
            "other_ward",
            f"Mã truy cập này chỉ dùng cho {own.name} ({own.code}). / This token is for ward {own.code} only.",
            ward=own.code,
        )
    return own


def _staff_ward(services: ServicesDep, staff: ViewerDep, ward: str | None = ward_query()) -> Ward:
    return scoped_ward(services, staff, ward) or services.wards.default


def _staff_ward_or_all(services: ServicesDep, staff: ViewerDep, ward: str | None = ward_query()) -> Ward | None:
    return scoped_ward(services, staff, ward)


StaffWardDep = Annotated[Ward, Depends(_staff_ward)]
"""`?ward=` of a staff request, checked against the token (see `scoped_ward`); the default ward when none."""
StaffWardOrAllDep = Annotated[Ward | None, Depends(_staff_ward_or_all)]
"""As StaffWardDep, but None (every ward) when a province-wide token names none: reports and the audit log."""
