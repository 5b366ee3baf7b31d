"""GET /health: readiness of the database, search, Rasa and the action server."""
from __future__ import annotations

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from assistant.bridge.deps import ServicesDep

router = APIRouter(tags=["health"])


def _reachable(url: str, timeout_s: float) -> bool:
    try:
        with httpx.Client(timeout=timeout_s, trust_env=False) as client:
            return client.get(url).status_code < 500
    except httpx.HTTPError:
        return False


def _database_ok(services) -> bool:
    try:
        with services.db.read() as session:
            session.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


@router.get("/health")
def health(services: ServicesDep) -> JSONResponse:
    """200 with status ok when everything answers, degraded otherwise; 503 when the database is down."""
    settings = services.settings
    checks = {
        "database": _database_ok(services),
        "search": services.searcher is not None,
        "rasa": _reachable(settings.rasa_url.rstrip("/") + "/", settings.health_timeout_s),
        "action_server": _reachable(settings.action_server_url, settings.health_timeout_s),
    }
    status = "ok" if all(checks.values()) else "degraded"
    return JSONResponse({"status": status, "checks": checks}, status_code=200 if checks["database"] else 503)
