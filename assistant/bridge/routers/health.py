"""GET /health: database (read and write), free disk, search, Rasa with a model loaded, the action server, knowledge
lag. GET /ready: what a load balancer asks — can this replica serve, with every staff edit applied?"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from pathlib import Path

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from assistant.bridge.deps import ServicesDep

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def _probe_client() -> httpx.Client:
    """One client for every probe, made on first use: a new httpx client costs ~26 ms of CPU (it builds an SSL
    context and reads the CA bundle even for plain http), more than half of a /health call that makes one. No
    kept-alive connections: a probe after a service restarted must not fail on a stale one."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(trust_env=False, limits=httpx.Limits(max_keepalive_connections=0))
        return _client


def _get(url: str, timeout_s: float, params: dict | None = None) -> httpx.Response | None:
    try:
        return _probe_client().get(url, params=params, timeout=timeout_s)
    except httpx.HTTPError:
        return None


def _reachable(url: str, timeout_s: float) -> bool:
    response = _get(url, timeout_s)
    return response is not None and response.status_code < 500


def rasa_model_loaded(settings) -> bool:
    """Rasa answers and has a model loaded. The one place that knows how Rasa is probed: Rasa runs without its
    HTTP API, and its readiness channel (assistant/components/readiness.py) says whether a model is loaded —
    Rasa answering `/` is not enough (with no model every chat would get "no answer")."""
    response = _get(settings.rasa_url.rstrip("/") + "/webhooks/readiness/", settings.health_timeout_s)
    if response is None or response.status_code != 200:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("model_loaded") is True


def _database_reads(services) -> bool:
    try:
        with services.db.read() as session:
            session.execute(text("SELECT 1"))
        return True
    except Exception as exc:
        log.error("health: database read failed: %s", type(exc).__name__)
        return False


def _database_writes(services) -> bool:
    """A write transaction (the write lock, as every change takes it) that changes nothing, and a small file
    written and fsynced in the data folder: a read-only or locked database, or a full disk, fails here."""
    try:
        with services.db.write() as session:
            session.execute(text("UPDATE api_tokens SET name = name WHERE 1 = 0"))
        data_dir = Path(services.settings.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / f".health-{uuid.uuid4().hex}"
        try:
            with probe.open("wb") as handle:
                handle.write(b"\0" * 4096)
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            probe.unlink(missing_ok=True)
        return True
    except Exception as exc:
        log.error("health: database write probe failed: %s", type(exc).__name__)
        return False


def free_disk_mb(path: Path) -> float:
    target = Path(path)
    while not target.exists() and target != target.parent:
        target = target.parent
    return shutil.disk_usage(target).free / (1024 * 1024)


@router.get("/health")
def health(services: ServicesDep) -> JSONResponse:
    """200 "ok" when everything answers, "degraded" otherwise; 503 when the database cannot be read or written.

    checks: database (read), database_write, disk (free space in data_dir above `health_min_free_disk_mb`),
    search, rasa (reachable with a model loaded), action_server; `free_disk_mb` gives the figure."""
    settings = services.settings
    free_mb = free_disk_mb(settings.data_dir)
    checks = {
        "database": _database_reads(services),
        "database_write": _database_writes(services),
        "disk": free_mb >= settings.health_min_free_disk_mb,
        "search": services.searcher is not None,
        "rasa": rasa_model_loaded(settings),
        "action_server": _reachable(settings.action_server_url, settings.health_timeout_s),
    }
    knowledge = _knowledge_lag(services)
    checks["knowledge_current"] = knowledge is not None and knowledge["behind_s"] <= settings.knowledge_max_lag_s
    status = "ok" if all(checks.values()) else "degraded"
    serving = checks["database"] and checks["database_write"]
    return JSONResponse(
        {"status": status, "checks": checks, "free_disk_mb": int(free_mb), "knowledge": knowledge},
        status_code=200 if serving else 503,
    )


def _knowledge_lag(services) -> dict | None:
    """KnowledgeSync.lag(): the last change id in the database and the last applied here; None if unreadable."""
    if services.sync is None:
        return None
    try:
        return services.sync.lag()
    except Exception as exc:
        log.error("health: knowledge change log unreadable: %s", type(exc).__name__)
        return None


@router.get("/ready")
def ready(services: ServicesDep) -> JSONResponse:
    """200 when the database answers and every staff knowledge edit committed more than `knowledge_max_lag_s` ago
    has been applied here; else 503 (a balancer sends no citizens here meanwhile). `knowledge` gives the lag:
    `database_change_id`, `applied_change_id`, `behind_changes`, `behind_s`, `listening` (PostgreSQL NOTIFY),
    `following` (the background follower runs)."""
    knowledge = _knowledge_lag(services)
    current = knowledge is not None and knowledge["behind_s"] <= services.settings.knowledge_max_lag_s
    return JSONResponse({"ready": current, "knowledge": knowledge}, status_code=200 if current else 503)
