"""Settings of the action server deployable (env prefix ``ACTIONS_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent.parent


class ActionSettings(BaseSettings):
    """Where the bridge is and how long to wait for it."""

    model_config = SettingsConfigDict(
        env_prefix="ACTIONS_", env_file=".env", extra="ignore", populate_by_name=True, use_attribute_docstrings=True
    )

    bridge_url: str = "http://127.0.0.1:8000"
    """Base URL of the FastAPI bridge (search, procedures, desks, tickets, dossiers)."""
    connect_timeout_s: float = 1.0
    """Seconds to wait for a connection to the bridge."""
    read_timeout_s: float = 3.0
    """Seconds to wait for the bridge's answer to one request."""
    max_query_chars: int = 300
    """User text longer than this is cut before it is sent to search."""
    service_token: str = Field(
        default="", validation_alias=AliasChoices("ACTIONS_SERVICE_TOKEN", "LETANSO_SERVICE_TOKEN")
    )
    """The bridge's service secret (X-Service-Token): with it the bridge accepts the citizen's client key that
    the chat relay passed as message metadata. On another machine than the bridge: the same value as
    BRIDGE_SERVICE_TOKEN (or LETANSO_SERVICE_TOKEN for both). Empty: read from service_token_file."""
    service_token_file: Path = REPO_ROOT / "var" / "service-token"
    """Written by scripts/setup.sh; missing = lookups count against the action server's own address."""
    handoff_desk: str | None = None
    """Desk id for a human handoff when no procedure is known; None = the first desk the bridge lists."""

    def resolved_service_token(self) -> str:
        if self.service_token:
            return self.service_token
        try:
            return self.service_token_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""
