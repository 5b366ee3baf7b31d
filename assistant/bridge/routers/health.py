"""GET /health: readiness of the database, search, Rasa (a model loaded) and the action server."""
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


def _rasa_model_loaded(rasa_url: str, timeout_s: float) -> bool:
    """Rasa runs without its HTTP API; its readiness channel (assistant/components/readiness.py) says whether a
    model is loaded — Rasa answering `/` is not enough (with no model every chat gets "no answer")."""
    try:
        with httpx.Client(timeout=timeout_s, trust_env=False) as client:
            response = client.get(rasa_url.rstrip("/") + "/webhooks/readiness/")
        return response.status_code == 200 and response.json().get("model_loaded") is True
    except (httpx.HTTPError, ValueError, AttributeError):
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
        "rasa": _rasa_model_loaded(settings.rasa_url, settings.health_timeout_s),
        "action_server": _reachable(settings.action_server_url, settings.health_timeout_s),
    }
    status = "ok" if all(checks.values()) else "degraded"
    return JSONResponse({"status": status, "checks": checks}, status_code=200 if checks["database"] else 503)
