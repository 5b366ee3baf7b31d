"""The kiosk screen in real headless Chromium without a speech model (as after a fresh `make run`): it says to type,
never offers the microphone, renders the answer card from the structured reply, keeps the input on screen, scales
its type with the screen (landscape and portrait 1080p), and a missing microphone is reported as such."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.bridge.routers.kiosk import router
from assistant.bridge.web import pages
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText, FakeTextToSpeech
from tests.kiosk.payloads import procedure_body
from tests.kiosk.support import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
SHOTS = Path("/tmp/pages")
LONG_TEXT = "\n".join(f"Dòng {n} của câu trả lời đầy đủ về đăng ký khai sinh." for n in range(1, 16))


def kiosk_app(engines: KioskEngines) -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.include_router(pages.router)  # /api/qr for the card's QR code
    app.state.kiosk_engines = engines
    return app


def engines_without_speech(tmp_path: Path, bodies) -> KioskEngines:
    settings = KioskSettings(_env_file=None, vosk_model_dir=tmp_path / "no-vosk-model")
    return KioskEngines(settings, tts=FakeTextToSpeech(), dialogue=FakeDialogue(bodies))


def test_status_and_ready_say_whether_speech_works(tmp_path):
    without = kiosk_app(engines_without_speech(tmp_path, []))
    with TestClient(without) as client:
        assert client.get("/api/kiosk/status").json() == {"speech": False}
        with client.websocket_connect("/ws/kiosk") as ws:
            assert ws.receive_json() == {"type": "ready", "speech": False}
    with_model = kiosk_app(KioskEngines(KioskSettings(_env_file=None), stt=FakeSpeechToText(), tts=FakeTextToSpeech(),
                                        dialogue=FakeDialogue()))
    with TestClient(with_model) as client:
        assert client.get("/api/kiosk/status").json() == {"speech": True}


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("viewport", [{"width": 1920, "height": 1080}, {"width": 1080, "height": 1920}],
                         ids=["landscape", "portrait"])
def test_kiosk_without_speech_model_offers_typing_and_shows_the_card(browser, tmp_path, viewport):
    body = procedure_body(LONG_TEXT, speech="Đăng ký khai sinh cần tờ khai và giấy chứng sinh.")
    engines = engines_without_speech(tmp_path, [body])
    with serve(kiosk_app(engines)) as url:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            page.goto(url + "/kiosk")
            expect(page.locator("body")).to_have_attribute("data-speech", "no")
            expect(page.locator("#status")).to_have_text("Hãy gõ câu hỏi / Please type your question")
            expect(page.locator("#talk")).to_be_hidden()
            visible_text = page.locator("body").inner_text()
            assert "Bấm để nói" not in visible_text and "micrô" not in visible_text.lower()
            assert "nói" not in page.locator("#greeting").inner_text()
            status_px = page.evaluate("parseFloat(getComputedStyle(document.getElementById('status')).fontSize)")
            assert status_px >= 28
            expect(page.locator("#typed")).to_be_focused()
            page.screenshot(path=str(SHOTS / f"kiosk_{viewport['width']}x{viewport['height']}_start.png"))
            page.fill("#typed", "khai sinh")
            page.press("#typed", "Enter")
            card = page.locator("#card .card-procedure")
            expect(card.locator(".card-documents li")).to_have_count(3)
            expect(card.locator("a.card-portal")).to_have_attribute("target", "_blank")
            expect(card.locator(".card-qr img")).to_be_attached()
            expect(page.locator("#follow-ups .suggestions button")).to_have_count(4)
            # the input and the replay button never leave the screen, however long the answer
            expect(page.locator("#typed")).to_be_in_viewport()
            expect(page.locator("#replay")).to_be_in_viewport()
            expect(page.locator("#replay")).to_be_enabled()
            assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")
            said = engines._tts.received[-1][0]
            assert said.startswith("Đăng ký khai sinh cần tờ khai") and "…" not in said
            page.screenshot(path=str(SHOTS / f"kiosk_{viewport['width']}x{viewport['height']}_card.png"))
            page.locator("#follow-ups .suggestions button").first.focus()
            ring = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
            assert ring >= 3
        finally:
            context.close()


def test_missing_microphone_is_reported_as_such_and_nothing_is_sent(browser, tmp_path):
    engines = KioskEngines(KioskSettings(_env_file=None), stt=FakeSpeechToText([("không được gọi", 0.9)]),
                           tts=FakeTextToSpeech(), dialogue=FakeDialogue())
    with serve(kiosk_app(engines)) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            page.add_init_script("navigator.mediaDevices.getUserMedia = () => "
                                 "Promise.reject(new DOMException('none', 'NotFoundError'));")
            page.goto(url + "/kiosk")
            expect(page.locator("#talk")).to_be_enabled()
            page.click("#talk")
            expect(page.locator("#status")).to_contain_text("Không tìm thấy micrô")
            assert "chưa nghe rõ" not in page.locator("body").inner_text()
            expect(page.locator("#typed")).to_be_focused()
            assert engines._dialogue.received == [] and engines._stt.received == []
        finally:
            context.close()
