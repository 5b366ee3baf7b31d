"""How the bridge is composed: its settings come from the environment and reach the engines they configure."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.bridge.main import create_app
from assistant.bridge.routers.chat import build_chat_relay
from assistant.bridge.settings import BridgeSettings
from tests.bridge.app_settings import default_search_settings


def test_chat_timeout_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("BRIDGE_CHAT_TIMEOUT_S", "3.5")
    monkeypatch.setenv("BRIDGE_RASA_URL", "http://127.0.0.1:5999")
    relay = build_chat_relay(BridgeSettings(_env_file=None))
    assert relay.client.timeout_s == 3.5
    assert relay.client.webhook_url.startswith("http://127.0.0.1:5999/")


def test_chat_timeout_must_be_positive(monkeypatch):
    monkeypatch.setenv("BRIDGE_CHAT_TIMEOUT_S", "0")
    with pytest.raises(ValidationError, match="chat_timeout_s"):
        BridgeSettings(_env_file=None)


@pytest.mark.parametrize("has_model", [True, False])
def test_the_kiosk_page_uses_the_kiosk_settings_given_to_create_app(tmp_path, has_model):
    from fastapi.testclient import TestClient

    from kiosk.settings import KioskSettings

    model_dir = tmp_path / "vosk-model"
    if has_model:
        model_dir.mkdir()
        (model_dir / "conf").write_text("")
    kiosk = KioskSettings(_env_file=None, vosk_model_dir=model_dir)
    app = create_app(
        BridgeSettings(_env_file=None, data_dir=tmp_path),
        search_settings=default_search_settings(),
        kiosk_settings=kiosk,
    )
    client = TestClient(app)  # no lifespan: only the kiosk status is asked for
    assert client.get("/api/kiosk/status").json() == {"speech": has_model}


def test_the_real_search_and_the_recording_fake_both_are_procedure_searchers():
    import inspect

    from knowledge_base.search import ProcedureSearcher, ShipsVectors
    from knowledge_base.search.engine import ProcedureSearch
    from tests.bridge.fakes import RecordingSearcher

    assert isinstance(RecordingSearcher(), ProcedureSearcher) and isinstance(RecordingSearcher(), ShipsVectors)
    protocols = {"passage_vectors": ShipsVectors}
    for name in ("search", "document", "derived", "upsert", "remove", "replace_aliases", "passage_vectors"):
        wanted = list(inspect.signature(getattr(protocols.get(name, ProcedureSearcher), name)).parameters)
        for implementation in (ProcedureSearch, RecordingSearcher):
            assert list(inspect.signature(getattr(implementation, name)).parameters) == wanted, (implementation, name)
