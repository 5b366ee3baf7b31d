"""The bridge FastAPI app: `create_app(settings, searcher=...)`; services are built in the lifespan."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from assistant.bridge.errors import BodySizeLimit, install_error_handlers
from assistant.bridge.routers import desks, dossiers, feedback, health, procedures, staff, staff_dossiers, tickets, turn
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

    app = FastAPI(title="Lễ tân số – bridge", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes,
                       large_paths={"/api/staff/import": settings.max_import_bytes})
    for module in (health, dossiers, desks, tickets, procedures, turn, feedback, staff, staff_dossiers):
        app.include_router(module.router)

    # --- BEGIN routers of other areas (web and kiosk helpers edit only this block) ---------------------
    from assistant.bridge.routers import chat as web_chat
    from assistant.bridge.web import pages as web_pages

    app.include_router(web_chat.router)  # POST /api/chat (web chat relay to Rasa)
    app.include_router(web_pages.router)  # /, /staff, /widget.js, /web/* (chat page, widget, staff page)
    from assistant.bridge.routers import kiosk as kiosk_page

    app.include_router(kiosk_page.router)  # /kiosk page + /ws/kiosk speech socket (engines lazy, or KIOSK_ENABLED)
    # --- END routers of other areas ---------------------------------------------------------------------
    return app
