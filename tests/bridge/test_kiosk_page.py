"""The kiosk page in real headless Chromium: a WAV file is the microphone, the page streams it over the
WebSocket, and the screen shows transcript, answer, options, desk and ticket (fake STT and dialogue)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi import FastAPI

from assistant.bridge.routers.kiosk import router
from kiosk.audio import concat, read_wav, silence
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from kiosk.vad import frame_level_dbfs
from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText, FakeTextToSpeech
from tests.kiosk.payloads import CLARIFY, option_payload, ticket_body
from tests.kiosk.support import CHROMIUM, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian espeak-ng not installed"),
]
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

ANSWER = ticket_body("Thủ tục Đăng ký khai tử. Mời bác đến Quầy 2 – Hộ tịch. Số thứ tự của bác là A012.")
TYPED_ANSWER = {"messages": [{"text": "Lệ phí chứng thực là 2.000 đồng một trang."}]}


@pytest.fixture(scope="module")
def microphone_wav(tmp_path_factory) -> Path:
    """Vietnamese speech from espeak-ng with silence around it (Chromium loops the file)."""
    speech = read_wav(
        subprocess.run(
            ["espeak-ng", "-v", "aav/vi", "--stdout", "Tôi muốn đăng ký khai sinh"], capture_output=True, check=True
        ).stdout
    )
    path = tmp_path_factory.mktemp("mic") / "question.wav"
    path.write_bytes(concat(silence(0.5, speech.rate), speech, silence(2.5, speech.rate)).to_wav())
    return path


@pytest.fixture(scope="module")
def engines():
    return KioskEngines(
        KioskSettings(vad_hangover_ms=600, no_speech_timeout_s=8.0),
        stt=FakeSpeechToText([("đăng ký khai sinh", 0.9), ("số hai", 0.85)]),
        tts=FakeTextToSpeech(),
        dialogue=FakeDialogue([CLARIFY, ANSWER, TYPED_ANSWER]),
    )


@pytest.fixture(scope="module")
def kiosk_url(engines):
    app = FastAPI()
    app.include_router(router)
    app.state.kiosk_engines = engines
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def page(microphone_wav, kiosk_url):
    from tests.kiosk.browser import chromium_with_microphone

    with chromium_with_microphone(microphone_wav) as browser:
        context = browser.new_context(viewport={"width": 1080, "height": 1400})
        context.grant_permissions(["microphone"])
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(kiosk_url + "/kiosk")
        yield page
        context.close()


def test_speak_see_transcript_answer_options_then_choose_by_voice(page, engines):
    expect(page.locator("body")).to_have_attribute("data-connection", "ready")
    expect(page.locator("#talk")).to_contain_text("Bấm để nói")
    page.click("#talk")
    expect(page.locator("#transcript")).to_have_text("đăng ký khai sinh")
    expect(page.locator("#answer")).to_contain_text("Bác muốn làm thủ tục nào?")
    expect(page.locator("#options button")).to_have_count(2)
    expect(page.locator("#options button").nth(1)).to_contain_text("2. Đăng ký khai tử")
    expect(page.locator("body")).not_to_have_attribute("data-audio-state", "loading")
    assert page.locator("body").get_attribute("data-audio-state") in {"playing", "ended"}

    # the server got the microphone as 16 kHz PCM: speech-length and clearly louder than silence
    heard = engines._stt.received[0]
    assert heard.rate == 16000 and 1.0 < heard.seconds < 6.0
    assert max(frame_level_dbfs(heard.samples[i : i + 960]) for i in range(0, len(heard.samples), 960)) > -35

    page.click("#talk")  # "số hai" picks the second option
    expect(page.locator("#transcript")).to_have_text("số hai")
    expect(page.locator("#ticket")).to_have_text("A012")
    expect(page.locator("#desk")).to_have_text("Quầy 2 – Hộ tịch")
    sender = engines._dialogue.received[0][0]
    assert engines._dialogue.received[:2] == [(sender, "đăng ký khai sinh"), (sender, option_payload(2))]
    assert "a không một hai" in engines._tts.received[-1][0]


def test_typed_question_is_answered_on_screen(page, engines):
    page.fill("#typed", "lệ phí chứng thực")
    page.click("#type-form button[type=submit]")
    expect(page.locator("#transcript")).to_have_text("lệ phí chứng thực")
    expect(page.locator("#answer")).to_contain_text("2.000 đồng")
    expect(page.locator("#ticket-card")).to_be_hidden()
    assert engines._dialogue.received[-1][1] == "lệ phí chứng thực"
    assert "hai nghìn đồng" in engines._tts.received[-1][0]


def test_screen_clears_and_a_new_conversation_starts_after_idle(page, kiosk_url, engines):
    page.goto(kiosk_url + "/kiosk?idle=1")
    expect(page.locator("body")).to_have_attribute("data-connection", "ready")
    page.fill("#typed", "câu hỏi thứ nhất")
    page.click("#type-form button[type=submit]")
    expect(page.locator("#answer-box")).to_be_visible()
    expect(page.locator("#answer-box")).to_be_hidden(timeout=5_000)  # the next visitor sees a clean screen
    expect(page.locator("#transcript-box")).to_be_hidden()
    page.fill("#typed", "câu hỏi của người sau")
    page.click("#type-form button[type=submit]")
    expect(page.locator("#answer-box")).to_be_visible()
    first, second = engines._dialogue.received[-2], engines._dialogue.received[-1]
    assert (first[1], second[1]) == ("câu hỏi thứ nhất", "câu hỏi của người sau")
    assert first[0] != second[0]


def test_a_reloaded_page_continues_its_conversation(page, kiosk_url, engines):
    """The page keeps the bridge's signed conversation id in sessionStorage and resumes it on its next socket."""
    page.goto(kiosk_url + "/kiosk")
    expect(page.locator("body")).to_have_attribute("data-connection", "ready")
    page.fill("#typed", "câu hỏi trước khi mất kết nối")
    page.click("#type-form button[type=submit]")
    expect(page.locator("#answer")).to_contain_text("trước khi mất kết nối")
    page.reload()  # the socket closes and a new one opens, as after a network drop or a bridge restart
    expect(page.locator("body")).to_have_attribute("data-connection", "ready")
    page.fill("#typed", "câu hỏi sau khi nối lại")
    page.click("#type-form button[type=submit]")
    expect(page.locator("#answer")).to_contain_text("sau khi nối lại")
    before, after = engines._dialogue.received[-2], engines._dialogue.received[-1]
    assert (before[1], after[1]) == ("câu hỏi trước khi mất kết nối", "câu hỏi sau khi nối lại")
    assert before[0] == after[0]
