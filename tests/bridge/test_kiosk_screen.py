"""The kiosk screen in real headless Chromium without a speech model (as after a fresh `make run`): it says to type,
never offers the microphone, renders the answer card from the structured reply, keeps the input on screen, scales
its type with the screen (landscape and portrait 1080p), and a missing microphone is reported as such."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.bridge.routers.kiosk import router
from assistant.bridge.web import pages
from kiosk.audio import concat
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from tests.kiosk.audio_builders import quiet, tone
from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText, FakeTextToSpeech
from tests.kiosk.payloads import procedure_body
from tests.kiosk.support import CHROMIUM, serve

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]
expect = pytest.importorskip("playwright.sync_api").expect
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
            assert ws.receive_json()["speech"] is False
    with_model = kiosk_app(
        KioskEngines(
            KioskSettings(_env_file=None), stt=FakeSpeechToText(), tts=FakeTextToSpeech(), dialogue=FakeDialogue()
        )
    )
    with TestClient(with_model) as client:
        assert client.get("/api/kiosk/status").json() == {"speech": True}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium whose fake microphone plays a one-second sound between silences (the STT is a fake)."""
    from tests.kiosk.browser import chromium_with_microphone

    wav = tmp_path_factory.mktemp("mic") / "sound.wav"
    wav.write_bytes(concat(quiet(0.5), tone(1.0), quiet(2.5)).to_wav())
    with chromium_with_microphone(wav) as browser:
        yield browser


@pytest.mark.parametrize(
    "viewport", [{"width": 1920, "height": 1080}, {"width": 1080, "height": 1920}], ids=["landscape", "portrait"]
)
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
    engines = KioskEngines(
        KioskSettings(_env_file=None),
        stt=FakeSpeechToText([("không được gọi", 0.9)]),
        tts=FakeTextToSpeech(),
        dialogue=FakeDialogue(),
    )
    with serve(kiosk_app(engines)) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            page.add_init_script(
                "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('none', 'NotFoundError'));"
            )
            page.goto(url + "/kiosk")
            expect(page.locator("#talk")).to_be_enabled()
            page.click("#talk")
            expect(page.locator("#status")).to_contain_text("Không tìm thấy micrô")
            assert "chưa nghe rõ" not in page.locator("body").inner_text()
            expect(page.locator("#typed")).to_be_focused()
            assert engines._dialogue.received == [] and engines._stt.received == []
        finally:
            context.close()


class GatedDialogue(FakeDialogue):
    """Answers only once the test opens the gate, so the page can be seen while the turn is being answered."""

    def __init__(self, bodies) -> None:
        super().__init__(bodies)
        self.gate = threading.Event()

    def send(self, sender: str, message: str):
        self.gate.wait(10)
        return super().send(sender, message)


def test_the_server_ends_the_utterance_and_a_second_press_starts_nothing(browser):
    stt = FakeSpeechToText([("đăng ký khai sinh", 0.9)])
    dialogue = GatedDialogue([procedure_body("Đăng ký khai sinh.", speech="Khai sinh cần tờ khai.")])
    engines = KioskEngines(
        KioskSettings(_env_file=None, vad_hangover_ms=600), stt=stt, tts=FakeTextToSpeech(), dialogue=dialogue
    )
    with serve(kiosk_app(engines)) as url:
        context = browser.new_context(viewport={"width": 1080, "height": 1920})
        context.grant_permissions(["microphone"])
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            page.goto(url + "/kiosk")
            expect(page.locator("body")).to_have_attribute("data-speech", "yes")
            page.click("#talk")
            expect(page.locator("#talk")).to_have_attribute("aria-pressed", "true")
            expect(page.locator("#status")).to_contain_text("máy tự dừng")  # no "press again when done"
            # nobody presses again: the server's end of speech ends the turn and the button says it is working
            expect(page.locator("#transcript")).to_have_text("đăng ký khai sinh")
            expect(page.locator("body")).to_have_attribute("data-turn", "thinking")
            expect(page.locator("#talk")).to_be_disabled()
            expect(page.locator("#talk")).to_have_attribute("aria-pressed", "false")
            page.screenshot(path=str(SHOTS / "kiosk_portrait_thinking.png"))
            page.locator("#talk").click(force=True)  # an elderly visitor presses again: no new recording
            dialogue.gate.set()
            expect(page.locator("#card .card-procedure")).to_be_visible()
            expect(page.locator("#talk")).to_contain_text("Bấm để hỏi tiếp")
            expect(page.locator("#replay")).to_be_enabled()
            page.screenshot(path=str(SHOTS / "kiosk_portrait_answer.png"))
            assert len(stt.received) == 1 and len(dialogue.received) == 1
            assert page.locator("body").get_attribute("data-turn") == "idle"
        finally:
            dialogue.gate.set()
            context.close()
