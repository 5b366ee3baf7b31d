"""Bridge test fixtures: a real SQLite file per test (a copy of one migrated file), the real catalogue (loaded once),
a recording searcher.

Database engines: a test module marked `pytestmark = pytest.mark.both_engines` runs each of its tests twice, on a
SQLite file and on a fresh database of a throwaway PostgreSQL cluster started once per session (initdb + pg_ctl on a
free port, tests/postgres_cluster.py). Without PostgreSQL's binaries those runs are skipped with the reason, except
when BRIDGE_REQUIRE_POSTGRES=1 (set by .ci/run) or CI=true: then they fail, so CI never silently tests SQLite only.
Set BRIDGE_TEST_DATABASE_URL (e.g. postgresql+psycopg://bridge@127.0.0.1:55432/bridge) to run every in-process
API test against that database instead; it is emptied before each test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.bridge.auth import create_token
from assistant.bridge.main import create_app
from assistant.bridge.rate_limit import RateLimit, RateLimits, WardRateLimits
from assistant.bridge.services import open_database
from assistant.bridge.settings import BridgeSettings
from knowledge_base.settings import SearchSettings
from tests.bridge.app_settings import default_kiosk_settings
from tests.bridge.fakes import RecordingSearcher


@pytest.fixture(scope="session")
def knowledge_defaults() -> dict:
    """Catalogue + parsers from knowledge_base, loaded once for the whole session."""
    from assistant.bridge.knowledge import default_knowledge_sources

    return default_knowledge_sources(SearchSettings(_env_file=None))


TEST_DATABASE_URL = os.environ.get("BRIDGE_TEST_DATABASE_URL") or None
REQUIRE_POSTGRES = any(
    os.environ.get(name, "").lower() in ("1", "true", "yes") for name in ("BRIDGE_REQUIRE_POSTGRES", "CI")
)


SQLITE_ONLY = "about the SQLite file itself"


def pytest_generate_tests(metafunc) -> None:
    definition = metafunc.definition
    sqlite_file = any(mark.kwargs.get("reason") == SQLITE_ONLY for mark in definition.iter_markers("skipif"))
    if "db_engine" in metafunc.fixturenames and definition.get_closest_marker("both_engines") and not sqlite_file:
        metafunc.parametrize("db_engine", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db_engine(request) -> str:
    """ "sqlite" unless the test is marked both_engines (then each engine in turn)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_cluster():
    from tests.postgres_cluster import ClusterUnavailable, PostgresCluster

    try:
        cluster = PostgresCluster()
    except ClusterUnavailable as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"BRIDGE_REQUIRE_POSTGRES is set: {exc}", pytrace=False)
        pytest.skip(str(exc))
    with cluster:
        yield cluster


@pytest.fixture
def database_url(request, db_engine) -> str | None:
    """None (the SQLite file in the test's data_dir), BRIDGE_TEST_DATABASE_URL, or a fresh PostgreSQL database."""
    if db_engine == "postgresql":
        return request.getfixturevalue("postgres_cluster").new_database()
    return TEST_DATABASE_URL


def _empty_database(url: str) -> None:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file with every migration applied, made once; each test starts from a copy of it."""
    data_dir = tmp_path_factory.mktemp("migrated")
    open_database(BridgeSettings(_env_file=None, data_dir=data_dir, sqlite_synchronous=NO_FSYNC)).dispose()
    path = data_dir / "bridge.sqlite3"
    assert not path.with_name(path.name + "-wal").exists(), "the template's WAL was not checkpointed on close"
    return path


@pytest.fixture
def settings(request, tmp_path: Path, database_url) -> BridgeSettings:
    if database_url and database_url == TEST_DATABASE_URL:
        _empty_database(TEST_DATABASE_URL)
    if database_url is None and request.node.get_closest_marker("unmigrated") is None:
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), tmp_path / "bridge.sqlite3")
    return BridgeSettings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=database_url,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9/health",
        health_timeout_s=0.2,
        rate_limits=UNLIMITED,
        ward_rate_limits=UNLIMITED_WARD,
        demo_mode=True,
        sqlite_synchronous=NO_FSYNC,
    )


@pytest.fixture
def search_settings(tmp_path: Path) -> SearchSettings:
    cards = tmp_path / "answer_cards"  # a copy: staff card edits in a test never touch the committed files
    shutil.copytree(SearchSettings(_env_file=None).answer_cards_dir, cards)
    return SearchSettings(_env_file=None, answer_cards_dir=cards)


NO_FSYNC = "OFF"
"""A test's SQLite file is thrown away, so its commits skip the fsync (as the PostgreSQL test cluster runs with
fsync=off). The bridge's default (FULL) is tested in test_migrations_and_storage.py; surviving kill -9 is tested
on a subprocess with the default settings (test_durability.py)."""

UNLIMITED = RateLimits(**{name: RateLimit(burst=0, per_minute=1) for name in RateLimits.model_fields})
"""API tests send many requests from one TestClient; the limits have their own tests (test_rate_limits.py)."""
UNLIMITED_WARD = WardRateLimits(**UNLIMITED.model_dump())
"""All of a test's requests come from one ward too; the per-ward limits have their own tests."""


sqlite_only = pytest.mark.skipif(TEST_DATABASE_URL is not None, reason=SQLITE_ONLY)
"""Also keeps a test of a both_engines module on SQLite only."""


@pytest.fixture
def searcher() -> RecordingSearcher:
    return RecordingSearcher()


@pytest.fixture
def make_client(settings, search_settings, searcher, knowledge_defaults):
    """Start an app (lifespan included) over the test's database; call again to 'restart' on the same file."""
    stack = contextlib.ExitStack()

    def start(*, searcher_override=None, settings_override=None, **kwargs) -> TestClient:
        app = create_app(
            settings_override or settings,
            search_settings=search_settings,
            kiosk_settings=default_kiosk_settings(),
            searcher=searcher_override or searcher,
            knowledge_sources=dict(knowledge_defaults),
            **kwargs,
        )
        return stack.enter_context(TestClient(app))

    with stack:
        yield start


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def tokens(settings) -> dict[str, str]:
    db = open_database(settings)
    try:
        return {role: create_token(db, role=role, name=f"test {role}")[0] for role in ("viewer", "editor", "admin")}
    finally:
        db.dispose()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff_headers(tokens) -> Iterator[dict]:
    yield {role: auth(token) for role, token in tokens.items()}
