"""The bridge FastAPI app: `create_app(settings, searcher=...)`; services are built in the lifespan."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from assistant.bridge.body_guard import install_body_guard
from assistant.bridge.errors import install_error_handlers
from assistant.bridge.headers import SecurityHeaders
from assistant.bridge.rate_limit import RateLimiters
from assistant.bridge.routers import (desks, docs, dossiers, feedback, health, procedures, staff, staff_dossiers,
                                      tickets, turn)
from assistant.bridge.services import build_real_searcher, build_services
from assistant.bridge.settings import BridgeSettings


def create_app(settings: BridgeSettings | None = None, *, searcher: Any | None = None,
               knowledge_sources: dict | None = None, dossier_source: Any | None = None) -> FastAPI:
    """Build the app. Without an injected `searcher` the lifespan builds the real search (knowledge_base.search)."""
    settings = settings or BridgeSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        search, search_error = (searcher, None) if searcher is not None else build_real_searcher()
        services = build_services(settings, searcher=search, knowledge_sources=knowledge_sources,
                                  dossier_source=dossier_source, search_error=search_error)
        app.state.services = services
        try:
            yield
        finally:
            services.close()
            # The chat relay's kept-alive connection to Rasa (routers/chat.py makes the relay on first use).
            relay_client = getattr(getattr(app.state, "chat_relay", None), "client", None)
            if hasattr(relay_client, "aclose"):
                await relay_client.aclose()

    # docs_url=None: FastAPI's own /docs loads Swagger UI from a CDN; routers/docs.py serves local files.
    app = FastAPI(title="Lễ tân số – bridge", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.rate_limiters = RateLimiters(settings.rate_limits)
    install_error_handlers(app)
    install_body_guard(app, settings)
    app.add_middleware(SecurityHeaders, widget_sites=settings.widget_frame_ancestors)
    for module in (health, dossiers, desks, tickets, procedures, turn, feedback, staff, staff_dossiers, docs):
        app.include_router(module.router)

    # --- BEGIN routers of other areas (web and kiosk helpers edit only this block) ---------------------
    from assistant.bridge.routers import chat as web_chat
    from assistant.bridge.web import pages as web_pages

    app.include_router(web_chat.router)  # POST /api/chat (web chat relay to Rasa)
    app.include_router(web_pages.router)  # /, /staff, /widget.js, /web/* (chat page, widget, staff page)
    from assistant.bridge.routers import kiosk as kiosk_page

    app.include_router(kiosk_page.router)  # /kiosk page + /ws/kiosk speech socket (engines lazy, or KIOSK_ENABLED)
    from assistant.bridge.routers import queue_board, queue_desk

    app.include_router(queue_desk.router)  # /api/desk/* (desk officers, desk-scoped tokens)
    app.include_router(queue_board.router)  # /desk, /board, /t/{id} pages; board events, announcements, printing
    # --- END routers of other areas ---------------------------------------------------------------------
    return app
