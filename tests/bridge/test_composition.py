"""How the bridge is composed: its settings come from the environment and reach the engines they configure."""
from __future__ import annotations

import pytest

from assistant.bridge.main import create_app
from assistant.bridge.settings import BridgeSettings


@pytest.mark.parametrize("has_model", [True, False])
def test_the_kiosk_page_uses_the_kiosk_settings_given_to_create_app(tmp_path, has_model):
    from fastapi.testclient import TestClient

    from kiosk.settings import KioskSettings

    model_dir = tmp_path / "vosk-model"
    if has_model:
        model_dir.mkdir()
        (model_dir / "conf").write_text("")
    kiosk = KioskSettings(_env_file=None, vosk_model_dir=model_dir)
    app = create_app(BridgeSettings(_env_file=None, data_dir=tmp_path), kiosk_settings=kiosk)
    client = TestClient(app)  # no lifespan: only the kiosk status is asked for
    assert client.get("/api/kiosk/status").json() == {"speech": has_model}
