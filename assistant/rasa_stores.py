"""Which endpoints file Rasa runs with: conversations in memory (one Rasa) or shared (several Rasa replicas).

Rasa's endpoints.yml cannot be conditional, so there is one committed file per choice and
`LETANSO_TRACKER_STORE` picks it (assistant/rasa_launcher.py applies this before Rasa starts):
- `memory` (default, `make run`): assistant/endpoints.yml — the redacting in-memory store, Rasa's in-memory locks;
- `sql`: assistant/endpoints-sql.yml — PostgreSQL tracker store, Redis lock store;
- `redis`: assistant/endpoints-redis.yml — Redis tracker store (expiring keys), Redis lock store.
The shared files name their hosts as `${LETANSO_…}`, which Rasa expands from the environment; every such variable
has a default here, filled in before Rasa reads the file. An explicit `--endpoints` is used as given.
Plain Python (no pydantic): it runs in .venv-rasa (Python 3.10) and is read by scripts/env_example.py in .venv.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

ASSISTANT_DIR = Path(__file__).resolve().parent
ENDPOINT_FILES = {
    "memory": ASSISTANT_DIR / "endpoints.yml",
    "sql": ASSISTANT_DIR / "endpoints-sql.yml",
    "redis": ASSISTANT_DIR / "endpoints-redis.yml",
}
CHOICE = "LETANSO_TRACKER_STORE"


@dataclass(frozen=True)
class StoreVariable:
    name: str
    default: str
    meaning: str


VARIABLES = (
    StoreVariable(
        CHOICE,
        "memory",
        "Where Rasa keeps conversations: memory (one Rasa server, `make run`), sql "
        "(PostgreSQL) or redis; sql and redis also keep Rasa's conversation locks in Redis, so several "
        "Rasa replicas can serve one deployment (route each sender to one replica at the balancer).",
    ),
    StoreVariable(
        "LETANSO_ACTION_SERVER_URL",
        "http://127.0.0.1:5055/webhook",
        "Action server webhook Rasa calls (sql/redis; the memory file names 127.0.0.1:5055 itself).",
    ),
    StoreVariable("LETANSO_TRACKER_DB_HOST", "127.0.0.1", "PostgreSQL host of Rasa's tracker store (sql)."),
    StoreVariable("LETANSO_TRACKER_DB_PORT", "5432", "PostgreSQL port of Rasa's tracker store (sql)."),
    StoreVariable(
        "LETANSO_TRACKER_DB_NAME", "rasa", "Database of Rasa's tracker store (sql; Rasa creates its `events` table)."
    ),
    StoreVariable("LETANSO_TRACKER_DB_USER", "rasa", "PostgreSQL user of Rasa's tracker store (sql)."),
    StoreVariable("LETANSO_TRACKER_DB_PASSWORD", "", "Password of that user (sql; empty: none)."),
    StoreVariable(
        "LETANSO_REDIS_HOST", "127.0.0.1", "Redis host of Rasa's lock store (sql, redis) and tracker store (redis)."
    ),
    StoreVariable("LETANSO_REDIS_PORT", "6379", "Redis port (sql, redis)."),
    StoreVariable("LETANSO_REDIS_PASSWORD", "", "Redis password (empty: none)."),
    StoreVariable("LETANSO_REDIS_LOCK_DB", "1", "Redis database number of Rasa's conversation locks."),
    StoreVariable("LETANSO_REDIS_TRACKER_DB", "0", "Redis database number of Rasa's conversations (redis)."),
)


class StoreConfigError(ValueError):
    """LETANSO_TRACKER_STORE names no known store, or the Rasa API would be open without a token."""


@dataclass(frozen=True)
class RunPlan:
    argv: List[str]
    """Rasa's arguments, with `--endpoints` added when it was not given."""
    environment: Mapping[str, str]
    """Every LETANSO_ variable of the endpoints files (given, from .env, or its default), set before Rasa reads
    the file: Rasa expands `${…}` from the process environment only."""
    summary: str
    """One line for stderr naming the file and the stores (never a password)."""


def store_choice(env: Mapping[str, str]) -> str:
    choice = (env.get(CHOICE) or "memory").strip().lower()
    if choice not in ENDPOINT_FILES:
        raise StoreConfigError(f"{CHOICE}={choice!r}: expected one of {', '.join(ENDPOINT_FILES)}")
    return choice


def _option(argv: List[str], *names: str) -> Tuple[bool, Optional[str]]:
    """(present, value) of an option given as `--name value` or `--name=value`."""
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name:
                return True, argv[i + 1] if i + 1 < len(argv) else None
            if arg.startswith(name + "="):
                return True, arg.split("=", 1)[1]
    return False, None


def refuse_open_api(argv: List[str]) -> None:
    """`run --enable-api` without `--auth-token`: Rasa's API (trackers, model replacement) would be open to anyone
    who reaches the port, and its trackers hold conversations."""
    if "--enable-api" in argv:
        has_token, token = _option(argv, "--auth-token", "-t")
        if not has_token or not (token or "").strip():
            raise StoreConfigError(
                "--enable-api needs --auth-token <secret> (Rasa's HTTP API reads and replaces conversations and "
                "the model); without the API, readiness stays on /webhooks/readiness/"
            )


def plan_run(argv: List[str], env: Mapping[str, str]) -> RunPlan:
    """How `rasa run` is started: the endpoints file for LETANSO_TRACKER_STORE unless `--endpoints` was given."""
    refuse_open_api(argv)
    choice = store_choice(env)
    given, explicit = _option(argv, "--endpoints")
    argv = list(argv)
    if not given:
        argv += ["--endpoints", str(ENDPOINT_FILES[choice])]
    values = {v.name: env.get(v.name, v.default) for v in VARIABLES}
    return RunPlan(argv=argv, environment=values, summary=describe(choice, explicit, values))


def describe(choice: str, explicit: Optional[str], values: Mapping[str, str]) -> str:
    if explicit:
        return f"endpoints {explicit} (given with --endpoints; {CHOICE} not used)"
    redis = f"Redis {values['LETANSO_REDIS_HOST']}:{values['LETANSO_REDIS_PORT']}"
    stores = {
        "memory": "conversations and locks in this process",
        "sql": (
            f"conversations in PostgreSQL {values['LETANSO_TRACKER_DB_USER']}@{values['LETANSO_TRACKER_DB_HOST']}:"
            f"{values['LETANSO_TRACKER_DB_PORT']}/{values['LETANSO_TRACKER_DB_NAME']}, locks in {redis} "
            f"db {values['LETANSO_REDIS_LOCK_DB']}"
        ),
        "redis": (
            f"conversations in {redis} db {values['LETANSO_REDIS_TRACKER_DB']}, locks in db "
            f"{values['LETANSO_REDIS_LOCK_DB']}"
        ),
    }[choice]
    return f"endpoints {ENDPOINT_FILES[choice].relative_to(ASSISTANT_DIR.parent)} ({CHOICE}={choice}: {stores})"


def read_dotenv(path: Path) -> dict:
    """The LETANSO_ variables of a `.env` file (KEY=VALUE lines; the other services read the same file)."""
    if not path.is_file():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name.startswith("LETANSO_") and not name.startswith("#"):
            found[name.strip()] = value.strip().strip('"').strip("'")
    return found


def apply(plan: RunPlan, environ: MutableMapping[str, str] = os.environ) -> None:
    """Set the plan's variables that the process environment does not already have."""
    for name, value in plan.environment.items():
        environ.setdefault(name, value)
