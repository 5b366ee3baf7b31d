"""Bridge test fixtures: a real SQLite file per test, the real catalogue (loaded once), a recording searcher.

Set BRIDGE_TEST_DATABASE_URL (e.g. postgresql+pg8000://bridge@127.0.0.1:55432/bridge) to run the in-process
API tests against that database instead; it is emptied before each test.
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
from assistant.bridge.rate_limit import RateLimit, RateLimits
from assistant.bridge.services import open_database
from assistant.bridge.settings import BridgeSettings
from knowledge_base.settings import SearchSettings
from tests.bridge.fakes import RecordingSearcher


@pytest.fixture(scope="session")
def knowledge_defaults() -> dict:
    """Catalogue + parsers from knowledge_base, loaded once for the whole session."""
    from assistant.bridge.knowledge import default_knowledge_sources

    return default_knowledge_sources(BridgeSettings(_env_file=None))


TEST_DATABASE_URL = os.environ.get("BRIDGE_TEST_DATABASE_URL") or None


def _empty_database(url: str) -> None:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> BridgeSettings:
    if TEST_DATABASE_URL:
        _empty_database(TEST_DATABASE_URL)
    cards = tmp_path / "answer_cards"  # a copy: staff card edits in a test never touch the committed files
    shutil.copytree(SearchSettings().answer_cards_dir, cards)
    return BridgeSettings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=TEST_DATABASE_URL,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9/health",
        health_timeout_s=0.2,
        rate_limits=UNLIMITED,
        demo_mode=True,
        answer_cards_dir=cards,
    )


UNLIMITED = RateLimits(**{name: RateLimit(burst=0, per_minute=1) for name in RateLimits.model_fields})
"""API tests send many requests from one TestClient; the limits have their own tests (test_rate_limits.py)."""


sqlite_only = pytest.mark.skipif(TEST_DATABASE_URL is not None, reason="about the SQLite file itself")


@pytest.fixture
def searcher() -> RecordingSearcher:
    return RecordingSearcher()


@pytest.fixture
def make_client(settings, searcher, knowledge_defaults):
    """Start an app (lifespan included) over the test's database; call again to 'restart' on the same file."""
    stack = contextlib.ExitStack()

    def start(*, searcher_override=None, settings_override=None, **kwargs) -> TestClient:
        app = create_app(settings_override or settings, searcher=searcher_override or searcher,
                         knowledge_sources=dict(knowledge_defaults), **kwargs)
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
