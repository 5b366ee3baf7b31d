"""Chat page and widget in real headless Chromium against the bridge web routers with a fake dialogue engine."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from assistant.bridge.auth import create_token
from assistant.bridge.knowledge import default_knowledge_sources
from assistant.bridge.main import create_app
from assistant.bridge.services import open_database
from assistant.bridge.settings import BridgeSettings
from assistant.bridge.web.relay import ChatRelay
from knowledge_base.settings import SearchSettings
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.fakes import RecordingSearcher
from tests.bridge.fakes_web import RecordingDialogueClient, scripted_reply
from tests.bridge.web_support import SCREENSHOT_DIR, chromium, free_port, serve

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

SERVICE_TOKEN = "test-service-secret"
OWN_SERVICE = {"X-Service-Token": SERVICE_TOKEN}
"""Headers of our own action server (may declare a stated priority, not rate-limited)."""


def build_app(dialogue, data_dir, ward_site: str) -> FastAPI:
    """The real bridge app (SQLite in a temp dir, fake searcher) with the fake dialogue engine behind /api/chat;
    `ward_site` may frame the chat page (the widget)."""
    settings = BridgeSettings(
        _env_file=None,
        data_dir=data_dir,
        database_url=None,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9/health",
        health_timeout_s=0.2,
        widget_frame_ancestors=[ward_site],
        service_token=SERVICE_TOKEN,
    )
    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=RecordingSearcher(),
        knowledge_sources=default_knowledge_sources(SearchSettings(_env_file=None)),
    )
    app.state.chat_relay = ChatRelay(dialogue)
    app.state.test_settings = settings
    return app


def build_host_app(bridge_url: str) -> FastAPI:
    host = FastAPI()

    @host.get("/")
    def page() -> HTMLResponse:
        return HTMLResponse(f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>UBND phường</title>
<script src="{bridge_url}/widget.js" defer></script></head>
<body><h1>Cổng thông tin phường</h1><p>Trang chủ của phường.</p><a href="#">Tin tức</a></body></html>""")

    return host


@pytest.fixture(scope="module")
def dialogue():
    return RecordingDialogueClient(scripted_reply)


@pytest.fixture(scope="module")
def host_port() -> int:
    """Port of the ward website test page that embeds the widget."""
    return free_port()


@pytest.fixture(scope="module")
def bridge_app(dialogue, tmp_path_factory, host_port):
    return build_app(dialogue, tmp_path_factory.mktemp("bridge"), f"http://127.0.0.1:{host_port}")


@pytest.fixture(scope="module")
def bridge_url(bridge_app):
    with serve(bridge_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def bot_messages(page):
    return page.locator("#messages .msg-bot:not(.feedback) .msg-text")


def test_send_message_and_see_reply(page, bridge_url, dialogue):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(bridge_url + "/")
    expect(page.locator("h1")).to_contain_text("Hỏi đáp thủ tục hành chính")
    ward = httpx.get(bridge_url + "/api/desks").json()["ward"]
    expect(page.locator("#ward-details summary")).to_contain_text(ward["name"])
    page.locator("#ward-details summary").click()  # opening hours fold out on demand (compact header)
    expect(page.locator("#ward-info")).to_contain_text("Giờ làm việc")
    page.fill("#chat-input", "làm giấy khai sinh")
    page.click("#send")
    expect(bot_messages(page).last).to_contain_text("Bạn hỏi: làm giấy khai sinh")
    expect(page.locator("#messages .msg-user").last).to_contain_text("làm giấy khai sinh")
    sender, message = dialogue.received[-1]
    assert message == "làm giấy khai sinh"
    assert re.fullmatch(r"web-[0-9a-f]{24}", sender)
    assert page.evaluate("sessionStorage.getItem('lts.chat.sender')") == sender
    assert requested and all(url.startswith(bridge_url + "/") for url in requested)  # no CDN, fonts or trackers
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "chat_page.png"), full_page=True)


def test_html_in_reply_is_shown_as_literal_text(page, bridge_url):
    page.goto(bridge_url + "/")
    page.fill("#chat-input", "html")
    page.keyboard.press("Tab")  # leave the box; send with the button
    page.click("#send")
    last = bot_messages(page).last
    expect(last).to_contain_text('<img src=x onerror="window.__pwned=1"><b>đậm</b>')
    assert page.locator("#messages img").count() == 0
    assert page.locator("#messages b").count() == 0
    assert page.evaluate("window.__pwned === undefined")


def test_html_typed_by_the_user_is_shown_literally_and_refused_politely(page, bridge_url, dialogue):
    page.goto(bridge_url + "/")
    before = len(dialogue.received)
    page.fill("#chat-input", "<b>đậm</b> khai sinh")
    page.press("#chat-input", "Enter")
    expect(bot_messages(page).last).to_contain_text("Tin nhắn không được chứa mã HTML")
    expect(page.locator("#messages .msg-user").last).to_contain_text("<b>đậm</b> khai sinh")
    assert page.locator("#messages b").count() == 0
    assert len(dialogue.received) == before


def test_clarify_buttons_send_payload_and_show_title(page, bridge_url, dialogue):
    page.goto(bridge_url + "/")
    page.fill("#chat-input", "giấy tờ")
    page.press("#chat-input", "Enter")
    choice = page.get_by_role("button", name="Đăng ký kết hôn")
    expect(choice).to_be_visible()
    choice.click()
    expect(page.locator("#messages .msg-user").last).to_have_text(re.compile(r"Đăng ký kết hôn$"))
    expect(bot_messages(page).last).to_contain_text('Bạn hỏi: /choose_option{"option":2}')
    assert dialogue.received[-1][1] == '/choose_option{"option":2}'
    expect(choice).to_be_disabled()


def test_large_text_toggle_changes_font_size(page, bridge_url):
    page.goto(bridge_url + "/")

    def size() -> float:
        return page.evaluate("parseFloat(getComputedStyle(document.querySelector('.msg-text')).fontSize)")

    before = size()
    assert before >= 18
    toggle = page.locator("#large-text")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert size() >= before * 1.25
    page.reload()  # the choice is remembered
    expect(page.locator("#large-text")).to_have_attribute("aria-pressed", "true")
    page.locator("#large-text").click()
    assert size() == before


def test_keyboard_only_flow(page, bridge_url, dialogue):
    page.goto(bridge_url + "/")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "chat-input"
    page.keyboard.type("lệ phí bao nhiêu")
    page.keyboard.press("Enter")
    expect(bot_messages(page).last).to_contain_text("Bạn hỏi: lệ phí bao nhiêu")
    assert dialogue.received[-1][1] == "lệ phí bao nhiêu"
    assert page.evaluate("document.activeElement.id") == "chat-input"
    assert page.locator("#messages").get_attribute("aria-live") == "polite"
    # focus is visible: a thick outline on the focused input
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.rstrip("px")) >= 3


def test_rating_is_offered_only_at_the_end_of_the_conversation(page, bridge_url, bridge_app):
    page.goto(bridge_url + "/")
    for n in range(4):
        page.fill("#chat-input", f"câu hỏi {n}")
        page.press("#chat-input", "Enter")
        expect(bot_messages(page).last).to_contain_text(f"câu hỏi {n}")
    assert page.locator("#feedback").count() == 0  # answers never interrupt with a rating prompt
    page.fill("#chat-input", "tạm biệt")
    page.press("#chat-input", "Enter")
    page.locator("#rate-open").click()  # small and unobtrusive until asked for
    page.get_by_role("button", name=re.compile("^4 sao")).click()
    expect(page.locator("#feedback-result")).to_contain_text("Cảm ơn")
    db = open_database(bridge_app.state.test_settings)
    try:
        token = create_token(db, role="viewer", name="web test")[0]
    finally:
        db.dispose()
    reports = httpx.get(bridge_url + "/api/staff/reports", headers={"Authorization": f"Bearer {token}"}).json()
    assert reports["feedback"]["count"] == 1 and reports["feedback"]["average_rating"] == 4


def test_widget_on_plain_host_page_opens_chat_panel(page, bridge_url, dialogue, host_port):
    with serve(build_host_app(bridge_url), port=host_port) as host_url:
        page.goto(host_url + "/")
        launcher = page.get_by_role("button", name=re.compile("Hỏi đáp thủ tục"))
        expect(launcher).to_be_visible()
        assert launcher.get_attribute("aria-expanded") == "false"
        launcher.focus()
        page.keyboard.press("Enter")
        panel = page.locator("#lts-panel")
        expect(panel).to_be_visible()
        chat = page.frame_locator("#lts-panel iframe")
        expect(chat.locator("#chat-input")).to_be_focused()
        page.keyboard.type("hỏi từ widget")
        page.keyboard.press("Enter")
        expect(chat.locator("#messages .msg-bot:not(.feedback) .msg-text").last).to_contain_text(
            "Bạn hỏi: hỏi từ widget"
        )
        assert dialogue.received[-1][1] == "hỏi từ widget"
        expect(chat.locator(".page-header")).to_be_hidden()
        chat.locator("#large-text").click()
        for n in range(3):  # a long conversation in large text still leaves the question box on screen
            chat.locator("#chat-input").fill(f"câu hỏi dài số {n} " * 8)
            chat.locator("#chat-input").press("Enter")
            expect(chat.locator("#messages .msg-bot:not(.feedback) .msg-text").last).to_contain_text(
                f"câu hỏi dài số {n}"
            )
        expect(chat.locator("#chat-input")).to_be_in_viewport()
        expect(chat.locator("#send")).to_be_in_viewport()
        page.screenshot(path=str(SCREENSHOT_DIR / "widget_open.png"))
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        expect(launcher).to_be_focused()


def test_rasa_down_shows_the_polite_fallback(page, bridge_url, dialogue):
    page.goto(bridge_url + "/")
    dialogue.unavailable = True
    try:
        page.fill("#chat-input", "xin chào")
        page.press("#chat-input", "Enter")
        expect(bot_messages(page).last).to_contain_text("hệ thống trả lời tự động đang tạm gián đoạn")
        expect(bot_messages(page).last).to_contain_text("Sorry")
    finally:
        dialogue.unavailable = False


def test_bridge_unreachable_shows_polite_message(page, bridge_url):
    page.goto(bridge_url + "/")
    page.route("**/api/chat", lambda route: route.abort())
    page.fill("#chat-input", "xin chào")
    page.press("#chat-input", "Enter")
    expect(bot_messages(page).last).to_contain_text("Xin lỗi, không kết nối được")
