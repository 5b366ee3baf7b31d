"""Run an app under uvicorn the way `python -m assistant.bridge serve` does (redacting logs, keep-alive)."""

from __future__ import annotations

import uvicorn

from assistant.bridge.logging_setup import configure_logging
from assistant.bridge.settings import BridgeSettings

KEEP_ALIVE_S = 30
"""Longer than uvicorn's 5 s so pooled clients (action server, kiosk, benchmarks) rarely hit a closed socket."""


def run(app, settings: BridgeSettings, *, host: str, port: int) -> None:
    """Serve until stopped; raises DemoPepperRefused before listening when the demo pepper is set outside demo mode."""
    settings.refuse_demo_pepper()
    configure_logging(settings)
    # log_config=None: uvicorn must not install its own (unredacted) handlers; ours on the root logger apply.
    # proxy_headers=False: X-Forwarded-For is judged by the bridge's ForwardedFor middleware (trusted_proxies).
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_config=None,
        timeout_keep_alive=KEEP_ALIVE_S,
        access_log=settings.access_log,
        proxy_headers=False,
    )
