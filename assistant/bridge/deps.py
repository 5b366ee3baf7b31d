"""FastAPI dependencies: the services, the caller's address and staff authentication."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.bridge.auth import StaffIdentity, identify
from assistant.bridge.clients import client_identity
from assistant.bridge.errors import ApiError
from assistant.bridge.services import BridgeServices


def get_services(request: Request) -> BridgeServices:
    return request.app.state.services


ServicesDep = Annotated[BridgeServices, Depends(get_services)]


def client_address(request: Request, services: ServicesDep) -> str:
    """Who is asking, for the per-client lockout (assistant.bridge.clients): a key of the remote address."""
    return client_identity(host=request.client.host if request.client else "unknown", headers=request.headers,
                           secret=services.settings.dossier_pepper, service_token=services.service_token)


ClientDep = Annotated[str, Depends(client_address)]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def require_role(role: str):
    """Dependency factory: a valid staff token with at least `role`, else 401/403 in the error envelope."""

    def dependency(request: Request, services: ServicesDep) -> StaffIdentity:
        token = _bearer(request)
        identity = identify(services.db, token) if token else None
        if identity is None:
            raise ApiError(401, "unauthorized", "Cần mã truy cập hợp lệ của cán bộ (Authorization: Bearer …). / "
                           "A valid staff token is required (Authorization: Bearer …).", headers={"WWW-Authenticate": "Bearer"})
        if not identity.may(role):
            raise ApiError(403, "forbidden", f"Mã truy cập này không có quyền '{role}'. / This token lacks the '{role}' role.")
        return identity

    return dependency


ViewerDep = Annotated[StaffIdentity, Depends(require_role("viewer"))]
EditorDep = Annotated[StaffIdentity, Depends(require_role("editor"))]
AdminDep = Annotated[StaffIdentity, Depends(require_role("admin"))]
