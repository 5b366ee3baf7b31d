"""Settings of the bridge deployable (env prefix BRIDGE_, plus DATABASE_URL as is)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.bridge.rate_limit import RateLimits, WardRateLimits

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent


DEMO_PEPPER = "le-tan-so-demo-pepper"


class DemoPepperRefused(RuntimeError):
    """The bridge will not serve real dossiers with the pepper published in this repository."""


class BridgeSettings(BaseSettings):
    """Everything the bridge reads from the environment (or `.env`).

    The catalogue, aliases and answer cards are knowledge_base's files: their paths are `SearchSettings`
    (KB_CATALOGUE_PATH, KB_ALIASES_PATH, KB_ANSWER_CARDS_DIR), one source for search and the bridge."""

    model_config = SettingsConfigDict(
        env_prefix="BRIDGE_", env_file=".env", extra="ignore", populate_by_name=True, use_attribute_docstrings=True
    )

    host: str = "127.0.0.1"
    """Address `python -m assistant.bridge serve` listens on (127.0.0.1: put a reverse proxy in front for the LAN)."""
    port: int = 8000
    """Port of the bridge (API, chat page, staff page, kiosk page)."""
    data_dir: Path = REPO_ROOT / "var"
    """Runtime state (SQLite file, logs); git-ignored."""
    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL", "BRIDGE_DATABASE_URL"))
    """SQLAlchemy URL; default sqlite file `<data_dir>/bridge.sqlite3`. PostgreSQL: postgresql+psycopg://..."""
    sqlite_synchronous: str = "FULL"
    """SQLite `PRAGMA synchronous` in WAL mode. FULL fsyncs the WAL at every commit (survives power loss too)."""

    ward_config_path: Path = PACKAGE_DIR / "data" / "ward.yaml"
    """The default ward's file: its desks and which procedure fields each desk handles (staff edit it, or the staff
    page). A channel or request that names no ward is this ward's."""
    wards_dir: Path | None = None
    """More wards of one deployment: one ward file (like ward.yaml, with `ward.code`) per `*.yaml` in this folder."""
    dossier_statuses_path: Path = PACKAGE_DIR / "data" / "dossier_statuses.yaml"
    """Citizen-facing wording of each dossier status (staff-editable YAML)."""

    dossier_source: str = "local"
    """"local" (this database) or "http" (provincial one-stop system at dossier_http_url)."""
    dossier_http_url: str = "http://127.0.0.1:8700"
    """Base URL of the provincial one-stop system (dossier_source "http")."""
    dossier_http_timeout_s: float = 2.0
    """Seconds one lookup may wait for the provincial system."""
    dossier_http_max_concurrent: int = 4
    """Lookups waiting on the provincial system at once; more fail at once with 503 instead of taking threads."""
    breaker_failure_threshold: int = 3
    """Failed provincial lookups in a row after which lookups fail at once for breaker_reset_after_s."""
    breaker_reset_after_s: float = 30.0
    """Seconds the provincial source is left alone after the breaker opens."""
    dossier_pepper: str = DEMO_PEPPER
    """Secret mixed into the hash of ID digits; set a private value in production (.env). The bridge refuses to
    start with the public demo value unless `demo_mode` is on."""
    demo_mode: bool = False
    """`make run` sets BRIDGE_DEMO_MODE=true: demo dossiers and the public demo pepper are accepted."""
    trusted_proxies: list[str] = ["127.0.0.1", "::1"]
    """Addresses or CIDRs of the reverse proxies / load balancers in front of the bridge (e.g. '["10.0.0.0/24"]'):
    only their X-Forwarded-For is believed (the right-most address that is not itself a proxy); from anyone else
    the header is dropped. Rate limits, the dossier lockout and ticket printing key on the address found."""
    kiosk_print_hosts: list[str] = ["127.0.0.1", "::1"]
    """Addresses that may print queue tickets (`POST /api/queue/print/…`): the kiosk browser on this machine. A
    reverse proxy forwards the citizen's own address (X-Forwarded-For), so public callers never match."""
    service_token: str = Field(
        default="", validation_alias=AliasChoices("BRIDGE_SERVICE_TOKEN", "LETANSO_SERVICE_TOKEN")
    )
    """Secret of our own action server: only a caller sending it (X-Service-Token) may name the citizen
    behind a request with X-Client-Id. Several machines: set the same value here and as ACTIONS_SERVICE_TOKEN (or
    LETANSO_SERVICE_TOKEN for both). Empty: read from service_token_file (written by scripts/setup.sh)."""
    service_token_file: Path | None = None
    """Default `<data_dir>/service-token`; a missing file means no caller may name a citizen."""
    lookup_max_failures: int = 5
    """Failed dossier lookups per (code, client) in the window; per-code delays start after as many."""
    lookup_client_max_failures: int = 5
    """Failed lookups per client over all codes in the window (codes are sequential: stops walking them)."""
    lookup_window_minutes: int = 15
    """The window failed dossier lookups are counted in."""
    lookup_max_delay_minutes: int = 15
    """Longest wait the per-code delays (2, 4, 8 … s after each further failure, from any client) grow to."""
    lookup_code_memory_hours: int = 24
    """How long failures count towards a code's delay, unless a desk officer lifts the lock."""

    minutes_per_ticket: int = 5
    """Estimated minutes a desk spends per ticket, for waiting-time estimates (a desk in ward.yaml may set its own)."""
    priority_burst: int = 3
    """At most this many priority tickets in a row are called while normal tickets wait."""
    timezone: str = "Asia/Ho_Chi_Minh"
    """The ward's time zone: queue days and reports are whole days here."""

    search_max_chars: int = 300
    """Longer search queries are cut to this many characters (at a word boundary) before searching."""
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("BRIDGE_REDIS_URL", "REDIS_URL"))
    """Redis shared by the bridge replicas (redis://host:6379/2): the public endpoints' per-client rate limits are
    then counted there, across replicas. Empty: in this process. (The dossier lockout is in the database, which
    replicas share already.)"""
    rate_limits: RateLimits = RateLimits()
    """Per-client allowances of the public endpoints (chat, search, tickets, feedback); our own services
    (action server, kiosk relay) are not counted here."""
    ward_rate_limits: WardRateLimits = WardRateLimits()
    """Allowances of the same endpoints for all of one ward's public callers together (shared in Redis like the
    per-client ones), so one ward's traffic cannot starve the province's other wards."""
    websocket_origins: list[str] = []
    """Origins (scheme://host[:port]) besides the bridge's own that may open /ws/kiosk."""
    widget_frame_ancestors: list[str] = []
    """Ward websites (scheme://host) that may frame the chat page through the widget; every other page may
    not be framed at all."""

    search_cache_entries: int = 1024
    """Answers kept per knowledge version (0 = no cache); any staff edit, on any replica, starts a new version."""
    knowledge_poll_s: float = Field(default=1.0, ge=0)
    """Seconds between catch-ups with the knowledge change log (staff edits made on other bridge replicas), whatever
    else wakes the follower; 0 = no follower (only edits made by this process are applied until it restarts)."""
    knowledge_listen: bool = True
    """PostgreSQL: wake at once on each edit's NOTIFY (LISTEN on one extra connection) instead of at the next poll."""
    knowledge_max_lag_s: float = Field(default=5.0, gt=0)
    """`/ready` answers 503 while a committed knowledge change has waited longer than this to be applied here."""

    max_body_bytes: int = 64 * 1024
    """Largest request body accepted (except imports); larger ones get 413."""
    max_import_bytes: int = 100 * 1024 * 1024
    """Uploads to /api/staff/import (the national JSONL is ~42 MB)."""

    log_level: str = "INFO"
    """Python logging level of the bridge (DEBUG, INFO, WARNING, ERROR)."""
    log_file: Path | None = None
    """Also write the (redacted) log here, e.g. var/bridge.log."""
    access_log: bool = False
    """One log line per HTTP request (uvicorn's access log). Off by default: every chat turn makes 2–3 requests
    (the relay, the actions' calls back), and each redacted line costs ~0.1 ms of the bridge's CPU per request."""

    rasa_url: str = "http://127.0.0.1:5005"
    """Rasa server the chat relay talks to (REST channel)."""
    chat_timeout_s: float = Field(default=10.0, gt=0)
    """How long one chat turn may wait for Rasa before the citizen gets the 'try again' fallback."""
    action_server_url: str = "http://127.0.0.1:5055/health"
    """Health URL of the action server, checked by `/health`."""
    health_timeout_s: float = 1.0
    """Seconds `/health` waits for Rasa and the action server."""
    health_min_free_disk_mb: int = 500
    """`/health` reports the disk as low below this much free space in data_dir."""

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        from assistant.bridge.forwarded import parse_networks

        parse_networks(value)  # a typo is a clear error at start-up, not a proxy silently distrusted
        return value

    def refuse_demo_pepper(self) -> None:
        """Raise DemoPepperRefused when the public demo pepper is set outside demo mode (anyone who has the
        code can recover verification digits hashed with it)."""
        if self.dossier_pepper == DEMO_PEPPER and not self.demo_mode:
            raise DemoPepperRefused(
                "BRIDGE_DOSSIER_PEPPER còn là giá trị demo công khai: đặt một giá trị bí mật trong .env, hoặc "
                "BRIDGE_DEMO_MODE=true để chạy thử. / BRIDGE_DOSSIER_PEPPER is the public demo value: set a "
                "private one in .env, or BRIDGE_DEMO_MODE=true for a demo."
            )

    def resolved_service_token(self) -> str:
        if self.service_token:
            return self.service_token
        path = self.service_token_file or self.data_dir / "service-token"
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bridge.sqlite3').resolve()}"
