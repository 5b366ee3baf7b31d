"""Settings of the bridge deployable (env prefix BRIDGE_, plus DATABASE_URL as is)."""
from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent


class BridgeSettings(BaseSettings):
    """Everything the bridge reads from the environment (or `.env`)."""

    model_config = SettingsConfigDict(env_prefix="BRIDGE_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = REPO_ROOT / "var"
    """Runtime state (SQLite file, logs); git-ignored."""
    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL", "BRIDGE_DATABASE_URL"))
    """SQLAlchemy URL; default sqlite file `<data_dir>/bridge.sqlite3`. PostgreSQL: postgresql+psycopg://..."""
    sqlite_synchronous: str = "FULL"
    """SQLite `PRAGMA synchronous` in WAL mode. FULL fsyncs the WAL at every commit (survives power loss too)."""

    ward_config_path: Path = PACKAGE_DIR / "data" / "ward.yaml"
    dossier_statuses_path: Path = PACKAGE_DIR / "data" / "dossier_statuses.yaml"
    catalogue_path: Path | None = None
    """Committed catalogue by default (knowledge_base.catalogue.load_catalogue)."""
    aliases_path: Path | None = None
    """Committed aliases file by default (knowledge_base/data/aliases.yaml)."""
    answer_cards_dir: Path | None = None
    """Citizen answer cards staff edit on the staff page; default: knowledge_base's (KB_ANSWER_CARDS_DIR)."""

    dossier_source: str = "local"
    """"local" (this database) or "http" (provincial one-stop system at dossier_http_url)."""
    dossier_http_url: str = "http://127.0.0.1:8700"
    dossier_http_timeout_s: float = 3.0
    breaker_failure_threshold: int = 3
    breaker_reset_after_s: float = 30.0
    dossier_pepper: str = "le-tan-so-demo-pepper"
    """Secret mixed into the hash of ID digits; set a private value in production (.env)."""
    trusted_client_id_hosts: list[str] = ["127.0.0.1", "::1"]
    """Callers at these addresses may name the citizen behind a request with `X-Client-Id` (the action
    server sends the conversation id; a reverse proxy must overwrite it with the remote address) so the
    per-client lookup lockout does not lump every chat user together under 127.0.0.1."""
    lookup_max_failures: int = 5
    lookup_window_minutes: int = 15

    minutes_per_ticket: int = 5
    priority_burst: int = 3
    """At most this many priority tickets in a row are called while normal tickets wait."""
    timezone: str = "Asia/Ho_Chi_Minh"

    search_cache_entries: int = 1024
    """Answers kept per knowledge version (0 = no cache); any staff edit starts a new version."""

    max_body_bytes: int = 64 * 1024
    max_import_bytes: int = 100 * 1024 * 1024
    """Uploads to /api/staff/import (the national JSONL is ~42 MB)."""

    log_level: str = "INFO"
    log_file: Path | None = None
    """Also write the (redacted) log here, e.g. var/bridge.log."""

    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055/health"
    health_timeout_s: float = 1.0

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bridge.sqlite3').resolve()}"
