"""The bridge reports its search-cache hits and misses (the dialogue benchmark prints the hit rate)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.bridge.main import create_app
from assistant.bridge.settings import BridgeSettings
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.fakes import RecordingSearcher


@pytest.mark.app  # the bridge app in-process over a SQLite file in tmp_path
def test_search_cache_counts_hits_and_misses_of_real_requests(tmp_path):
    searcher = RecordingSearcher()
    settings = BridgeSettings(
        _env_file=None,
        data_dir=tmp_path,
        search_cache_entries=2,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9/health",
    )
    with TestClient(
        create_app(
            settings,
            search_settings=default_search_settings(),
            kiosk_settings=default_kiosk_settings(),
            searcher=searcher,
        )
    ) as client:
        assert client.get("/api/procedures/search-cache").json() == {
            "entries": 0,
            "max_entries": 2,
            "hits": 0,
            "misses": 0,
        }
        for question in ("khai sinh", "khai sinh", "kết hôn", "chứng thực", "khai sinh"):
            assert client.get("/api/procedures/search", params={"q": question}).status_code == 200
        stats = client.get("/api/procedures/search-cache").json()
    # "khai sinh" was evicted by the two newer questions (2 entries), so its third ask missed again.
    assert stats == {"entries": 2, "max_entries": 2, "hits": 1, "misses": 4}
    assert [q for q, _, _ in searcher.queries] == ["khai sinh", "kết hôn", "chứng thực", "khai sinh"]
