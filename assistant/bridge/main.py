"""The bridge FastAPI app: `create_app(settings, ...)`; services are built in the lifespan.

The bridge deployable runs procedure search (KB_ settings) and the kiosk page (KIOSK_ settings) in-process:
all three settings objects are built here, or by the caller, once, and kept on `app.state`.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from assistant.bridge.body_guard import install_body_guard
from assistant.bridge.dossiers.sources import DossierSource
from assistant.bridge.errors import install_error_handlers
from assistant.bridge.forwarded import ForwardedFor
from assistant.bridge.headers import SecurityHeaders
from assistant.bridge.rate_limit import RateLimiters
from assistant.bridge.routers import (
    chat,
    desks,
    docs,
    dossiers,
    feedback,
    health,
    kiosk,
    procedures,
    queue_board,
    queue_desk,
    staff,
    staff_dossiers,
    tickets,
    turn,
    wards,
)
from assistant.bridge.services import build_real_searcher, build_services
from assistant.bridge.settings import BridgeSettings
from assistant.bridge.web import pages
from kiosk.settings import KioskSettings
from knowledge_base.search import ProcedureSearcher
from knowledge_base.settings import SearchSettings

ROUTERS = (
    health.router,  # /health
    dossiers.router,  # /api/dossiers/lookup
    desks.router,  # /api/desks/*
    wards.router,  # /api/wards
    tickets.router,  # /api/tickets/*
    procedures.router,  # /api/procedures/* (search, records, answer cards)
    turn.router,  # /api/turn (the actions' turn decision)
    feedback.router,  # /api/feedback
    staff.router,  # /api/staff/* (procedures, aliases, desk map, cards, reports, import)
    staff_dossiers.router,  # /api/staff/dossiers/*
    docs.router,  # /docs, /openapi.json served from local files
    chat.router,  # POST /api/chat (web chat relay to Rasa)
    pages.router,  # /, /staff, /widget.js, /web/* (chat page, widget, staff page)
    kiosk.router,  # /kiosk page + /ws/kiosk speech socket (engines lazy, or KIOSK_ENABLED)
    queue_desk.router,  # /api/desk/* (desk officers, desk-scoped tokens)
    queue_board.router,  # /desk, /board, /t/{id} pages; board events, announcements, printing
)
"""Every router of the bridge, in the order they are mounted."""


def shared_redis(settings: BridgeSettings):
    """A redis-py client for BRIDGE_REDIS_URL (it connects on first use), or None."""
    if not settings.redis_url:
        return None
    import redis

    return redis.Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)


def create_app(
    settings: BridgeSettings,
    *,
    search_settings: SearchSettings,
    kiosk_settings: KioskSettings,
    searcher: ProcedureSearcher | None = None,
    knowledge_sources: dict | None = None,
    dossier_source: DossierSource | None = None,
) -> FastAPI:
    """Build the app from the settings its entry point read (``python -m assistant.bridge serve``). Without an
    injected `searcher` the lifespan builds the real search (knowledge_base.search)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        search, search_error = (searcher, None) if searcher is not None else build_real_searcher(search_settings)
        services = build_services(
            settings,
            search_settings=search_settings,
            searcher=search,
            knowledge_sources=knowledge_sources,
            dossier_source=dossier_source,
            search_error=search_error,
        )
        app.state.services = services
        try:
            yield
        finally:
            services.close()
            if app.state.redis is not None:
                app.state.redis.close()
            # The chat relay's kept-alive connection to Rasa (routers/chat.py makes the relay on first use).
            relay_client = getattr(getattr(app.state, "chat_relay", None), "client", None)
            if hasattr(relay_client, "aclose"):
                await relay_client.aclose()

    # docs_url=None: FastAPI's own /docs loads Swagger UI from a CDN; routers/docs.py serves local files.
    app = FastAPI(title="Lễ tân số – bridge", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.search_settings = search_settings
    app.state.kiosk_settings = kiosk_settings
    app.state.redis = shared_redis(settings)
    app.state.rate_limiters = RateLimiters(
        settings.rate_limits, ward_limits=settings.ward_rate_limits, redis=app.state.redis
    )
    install_error_handlers(app)
    install_body_guard(app, settings)
    app.add_middleware(SecurityHeaders, widget_sites=settings.widget_frame_ancestors)
    # added last, so outermost: every other part sees the real caller and no unsigned X-Client-Id
    app.add_middleware(
        ForwardedFor,
        trusted_proxies=settings.trusted_proxies,
        service_token=lambda: getattr(getattr(app.state, "services", None), "service_token", ""),
    )
    for router in ROUTERS:
        app.include_router(router)
    return app
