"""FastAPI dependencies: the services, the caller's address and staff authentication."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.bridge.auth import StaffIdentity, identify
from assistant.bridge.errors import ApiError
from assistant.bridge.services import BridgeServices


def get_services(request: Request) -> BridgeServices:
    return request.app.state.services


ServicesDep = Annotated[BridgeServices, Depends(get_services)]


def client_id(request: Request) -> str:
    """The real remote address of the caller: the identity per-client rate limits count against."""
    return request.client.host if request.client else "unknown"


def from_own_service(request: Request) -> bool:
    """True when the caller is one of our own services (the action server relaying a chat or kiosk turn, the
    kiosk relay): they may self-declare priority tickets and are not rate-limited here (the citizen's turns
    are, at /api/chat). For now: a caller at a trusted local address."""
    settings = getattr(request.app.state, "settings", None)
    return settings is not None and client_id(request) in settings.trusted_client_id_hosts


def client_address(request: Request, services: ServicesDep) -> str:
    """Who is asking, for the per-client lockout: the remote address, or `X-Client-Id` from a trusted local caller."""
    host = request.client.host if request.client else "unknown"
    named = request.headers.get("x-client-id", "").strip()
    if named and host in services.settings.trusted_client_id_hosts:
        return "id:" + named[:60]
    return host


ClientDep = Annotated[str, Depends(client_address)]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "Cần mã truy cập hợp lệ của cán bộ (Authorization: Bearer …). / "
                    "A valid staff token is required (Authorization: Bearer …).", headers={"WWW-Authenticate": "Bearer"})


def require_role(role: str):
    """Dependency factory: a valid staff token with at least `role`, else 401/403 in the error envelope."""

    def dependency(request: Request, services: ServicesDep) -> StaffIdentity:
        token = _bearer(request)
        identity = identify(services.db, token) if token else None
        if identity is None:
            raise unauthorized()
        if not identity.may(role):
            raise ApiError(403, "forbidden", f"Mã truy cập này không có quyền '{role}'. / This token lacks the '{role}' role.")
        return identity

    return dependency


ViewerDep = Annotated[StaffIdentity, Depends(require_role("viewer"))]
EditorDep = Annotated[StaffIdentity, Depends(require_role("editor"))]
AdminDep = Annotated[StaffIdentity, Depends(require_role("admin"))]
