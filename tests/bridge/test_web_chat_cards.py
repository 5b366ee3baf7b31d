"""The chat page as a phone and a desktop browser show it (real headless Chromium, fake dialogue with canned
structured replies): the document never scrolls, the log keeps most of the height, answer cards with the portal
link and QR code, tickets and dossier statuses, confirmation before wiping, and the widget isolated from host CSS."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from tests.bridge.fakes_web import RecordingDialogueClient, scripted_reply
from tests.bridge.test_web_chat_page import build_app
from tests.bridge.web_support import CHROMIUM, chromium, free_port, serve

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]
expect = pytest.importorskip("playwright.sync_api").expect
SHOTS = Path("/tmp/pages")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
HOSTILE_CSS = (
    "* { font-family: serif !important; text-transform: uppercase; color: #888; letter-spacing: 3px; }"
    " button { background: yellow; font-size: 9px; } div { padding: 30px; }"
)


@pytest.fixture(scope="module")
def host_port():
    """The port of the ward site that embeds the widget (the chat page may be framed only by it)."""
    return free_port()


@pytest.fixture(scope="module")
def bridge_url(tmp_path_factory, host_port):
    app = build_app(
        RecordingDialogueClient(scripted_reply), tmp_path_factory.mktemp("bridge"), f"http://127.0.0.1:{host_port}"
    )
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def open_page(browser, url, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    return context, page


def ask(page, text, frame=None):
    target = frame or page
    target.locator("#chat-input").fill(text)
    target.locator("#chat-input").press("Enter")


def layout(page) -> dict:
    return page.evaluate("""() => {
        const log = document.getElementById('messages').getBoundingClientRect();
        const last = [...document.querySelectorAll('#messages .msg-bot')].pop().getBoundingClientRect();
        return {scroll: document.documentElement.scrollHeight, body: document.body.scrollHeight,
                inner: innerHeight, log: log.height, logTop: log.top, logBottom: log.bottom, lastTop: last.top};
    }""")


@pytest.mark.parametrize("height", [844, 480], ids=["phone", "keyboard-open"])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_phone_page_never_scrolls_and_the_log_keeps_half_the_height(browser, bridge_url, large, height):
    context, page = open_page(browser, bridge_url + "/", {"width": 390, "height": height})
    try:
        if large:
            page.locator("#large-text").click()
        for text in ("câu hỏi một", "khai sinh"):  # the second answer is long (24 lines + a card)
            ask(page, text)
            # chat.js ignores a question sent while the last one is unanswered: wait for the answer first
            expect(page.locator("#messages")).to_have_attribute("aria-busy", "false")
        expect(page.locator(".card-procedure")).to_be_visible()
        figures = layout(page)
        assert figures["scroll"] <= figures["inner"] and figures["body"] <= figures["inner"], figures
        assert figures["log"] >= 0.5 * figures["inner"], figures
        # the long answer opens at its start: its top is inside the log, not scrolled past
        assert figures["logTop"] - 1 <= figures["lastTop"] <= figures["logTop"] + 40, figures
        page.screenshot(path=str(SHOTS / f"chat_phone_{height}_{'large' if large else 'normal'}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_procedure_card_with_portal_link_qr_and_follow_ups(browser, bridge_url, viewport):
    context, page = open_page(browser, bridge_url + "/", viewport)
    try:
        ask(page, "khai sinh")
        card = page.locator(".card-procedure")
        expect(card.locator(".card-title")).to_contain_text("Đăng ký khai sinh")
        expect(card.locator(".card-documents li")).to_have_count(3)
        expect(card.locator(".card-documents li").nth(1)).to_have_text("Giấy chứng sinh do bệnh viện cấp")
        expect(card.locator(".card-facts")).to_contain_text("Miễn lệ phí")
        expect(card.locator(".card-facts")).to_contain_text("Quầy 2 – Hộ tịch")
        link = card.locator("a.card-portal")
        assert link.get_attribute("href").startswith("https://dichvucong.gov.vn/")
        assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
        qr = card.locator(".card-qr img")
        expect(qr).to_be_visible()
        qr.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
        assert qr.get_attribute("src").startswith("/api/qr?data=https%3A%2F%2Fdichvucong.gov.vn")
        # the full written answer is one tap away; speech wording never shows
        expect(page.locator(".msg-full summary")).to_be_visible()
        assert "nói 'chi tiết'" not in page.locator("#messages").inner_text()
        page.screenshot(path=str(SHOTS / f"card_{viewport['width']}.png"))  # QR scrolled into view
        chips = page.locator(".msg-card .suggestions button")
        expect(chips).to_have_text(["Lệ phí", "Thời gian", "Nộp ở đâu", "Lấy số"])
        chips.nth(3).click()  # a tappable follow-up: shown as the citizen's words, sends its payload
        expect(page.locator("#messages .msg-user").last).to_have_text(re.compile("Lấy số$"))
        expect(page.locator(".card-ticket .ticket-number")).to_have_text("A012")
        expect(page.locator(".card-ticket")).to_contain_text("Quầy 2 – Hộ tịch")
        ask(page, "hồ sơ")
        expect(page.locator(".card-dossier .dossier-label")).to_have_text("Đã có kết quả")
        expect(page.locator(".card-dossier")).to_contain_text("10/12/2026")
        page.screenshot(path=str(SHOTS / f"chat_ticket_dossier_{viewport['width']}.png"))
    finally:
        context.close()


def test_starting_over_asks_first(browser, bridge_url):
    context, page = open_page(browser, bridge_url + "/", PHONE)
    try:
        ask(page, "câu hỏi cần giữ")
        expect(page.locator("#messages .msg-user")).to_have_count(1)
        page.locator("#new-chat").click()
        expect(page.locator("#confirm-new")).to_be_visible()
        page.locator("#confirm-cancel").click()
        expect(page.locator("#messages .msg-user")).to_have_count(1)
        page.locator("#new-chat").click()
        page.locator("#confirm-ok").click()
        expect(page.locator("#messages .msg-user")).to_have_count(0)
    finally:
        context.close()


def test_qr_endpoint_encodes_only_portal_and_own_links(bridge_url):
    portal = httpx.get(bridge_url + "/api/qr", params={"data": "https://dichvucong.gov.vn/p/x?ma=1.001193"})
    assert portal.status_code == 200 and portal.headers["content-type"].startswith("image/svg+xml")
    assert portal.text.startswith("<svg") and "<path" in portal.text
    own = httpx.get(bridge_url + "/api/qr?data=" + quote(bridge_url + "/?q=1", safe=""))
    assert own.status_code == 200
    for bad in ("https://evil.example/", "https://dichvucong.gov.vn.evil.example/", "javascript:alert(1)", ""):
        assert httpx.get(bridge_url + "/api/qr", params={"data": bad}).status_code in (400, 422), bad


def host_app(bridge_url: str) -> FastAPI:
    host = FastAPI()

    def page(title: str, css: str) -> HTMLResponse:
        return HTMLResponse(f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<style>{css}</style><script src="{bridge_url}/widget.js" data-offset-x="24" data-offset-y="90" defer></script></head>
<body><h1>{title}</h1><p>Trang của phường.</p><a href="/tin-tuc">Tin tức</a></body></html>""")

    host.get("/")(lambda: page("Trang chủ", ""))
    host.get("/hostile")(lambda: page("Trang chủ", HOSTILE_CSS))
    host.get("/tin-tuc")(lambda: page("Tin tức", HOSTILE_CSS))
    return host


LOOKS = """() => {
    const root = document.getElementById('lts-chat-widget').shadowRoot;
    const pick = (sel) => { const s = getComputedStyle(root.querySelector(sel));
        return [s.fontFamily, s.textTransform, s.color, s.fontSize, s.letterSpacing, s.backgroundColor].join('|'); };
    const launcher = root.querySelector('#lts-launcher').getBoundingClientRect();
    return {launcher: pick('#lts-launcher'), label: pick('#lts-launcher span'), small: pick('#lts-launcher small'),
            right: innerWidth - launcher.right, bottom: innerHeight - launcher.bottom};
}"""


def test_widget_on_a_hostile_host_page_looks_the_same_and_keeps_the_conversation(browser, bridge_url, host_port):
    with serve(host_app(bridge_url), port=host_port) as host_url:
        context, page = open_page(browser, host_url + "/", PHONE)
        try:
            plain = page.evaluate(LOOKS)
            page.goto(host_url + "/hostile")
            hostile = page.evaluate(LOOKS)
            assert hostile == plain
            assert "serif" not in plain["label"].split("|")[0].replace("sans-serif", "")
            assert (plain["right"], plain["bottom"]) == (24, 90)  # corner offset from data attributes
            page.screenshot(path=str(SHOTS / "widget_hostile_closed.png"))
            page.get_by_role("button", name=re.compile("Hỏi đáp thủ tục")).click()
            frame = page.frame_locator("#lts-panel iframe")
            expect(frame.locator("#chat-input")).to_be_focused()  # the frame's script is running: safe to type
            ask(page, "hỏi trên trang chủ", frame)
            expect(frame.locator("#messages .msg-bot .msg-text").last).to_contain_text("Bạn hỏi: hỏi trên trang chủ")
            panel = page.locator("#lts-panel").bounding_box()
            assert panel["y"] >= 0 and panel["y"] + panel["height"] <= PHONE["height"]  # not clipped on a phone
            page.screenshot(path=str(SHOTS / "widget_hostile_open.png"))
            page.goto(host_url + "/tin-tuc")  # another page of the host site: the conversation is still there
            frame = page.frame_locator("#lts-panel iframe")
            expect(frame.locator("#messages .msg-user").last).to_contain_text("hỏi trên trang chủ")
        finally:
            context.close()


class GatedDialogue(RecordingDialogueClient):
    """Holds each answer until the test opens the gate (the page is seen while it waits)."""

    def __init__(self) -> None:
        super().__init__(scripted_reply)
        self.gate = threading.Event()

    async def send(self, sender: str, message: str, metadata: dict | None = None):
        await asyncio.to_thread(self.gate.wait, 10)
        return await super().send(sender, message, metadata)


def test_typing_indicator_shows_while_the_answer_is_on_its_way(browser, tmp_path):
    dialogue = GatedDialogue()
    with serve(build_app(dialogue, tmp_path, "http://127.0.0.1:9")) as url:
        context, page = open_page(browser, url + "/", PHONE)
        try:
            ask(page, "khai sinh")
            typing = page.locator("#messages .typing")
            expect(typing).to_be_visible()
            expect(typing).to_contain_text("Trợ lý đang trả lời")
            expect(page.locator("#status")).to_contain_text("Trợ lý đang trả lời")
            page.screenshot(path=str(SHOTS / "chat_phone_typing.png"))
            dialogue.gate.set()
            expect(page.locator(".card-procedure")).to_be_visible()
            expect(typing).to_have_count(0)
        finally:
            dialogue.gate.set()
            context.close()
