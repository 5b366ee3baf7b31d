"""Settings of the action server deployable (env prefix ``ACTIONS_``)."""
from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ActionSettings(BaseSettings):
    """Where the bridge is and how long to wait for it."""

    model_config = SettingsConfigDict(env_prefix="ACTIONS_", env_file=".env", extra="ignore")

    bridge_url: str = "http://127.0.0.1:8000"
    """Base URL of the FastAPI bridge (search, procedures, desks, tickets, dossiers)."""
    connect_timeout_s: float = 1.0
    read_timeout_s: float = 3.0
    max_query_chars: int = 300
    """User text longer than this is cut before it is sent to search."""
    handoff_desk: str | None = None
    """Desk id for a human handoff when no procedure is known; None = the first desk the bridge lists."""
