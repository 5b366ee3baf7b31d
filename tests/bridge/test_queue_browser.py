"""The queue end to end in real headless Chromium against a real bridge (uvicorn on a free port, SQLite file):
a ticket issued from the chat page (a fake dialogue that issues it through the real tickets API) → the desk page
calls it → the hall board shows it within 1 s and fetches the spoken announcement → the ticket's public page says
it was called; then the bridge restarts on the same database and the board reconnects and shows the next call."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant.bridge.auth import create_token
from assistant.bridge.queue_speech import Announcer, spoken_text
from assistant.bridge.routers import queue_board
from assistant.bridge.web.dialogue import BotMessage
from assistant.payload import Desk, ReplyPayload, Ticket
from tests.bridge.test_web_chat_page import OWN_SERVICE, build_app
from tests.bridge.web_support import CHROMIUM, CHROMIUM_ARGS, free_port, serve
from tests.kiosk.fakes import FakeTextToSpeech

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
SHOTS = Path("/tmp")


class TicketIssuingDialogue:
    """DialogueClient fake: on "lấy số" it issues a ticket at desk Q1 through the bridge's real tickets API and
    answers with the ticket card; records every turn and every ticket it issued."""

    def __init__(self) -> None:
        self.bridge_url = ""
        self.received: list[tuple[str, str]] = []
        self.issued: list[dict] = []

    async def send(self, sender: str, message: str, metadata: dict | None = None) -> list[BotMessage]:
        self.received.append((sender, message))
        if message != "lấy số":
            return [BotMessage(f"Bạn hỏi: {message}")]
        async with httpx.AsyncClient(base_url=self.bridge_url) as http:
            ticket = (
                (await http.post("/api/tickets", json={"desk": "Q1"}, headers=OWN_SERVICE)).raise_for_status().json()
            )
        self.issued.append(ticket)
        card = Ticket(
            number=ticket["number"],
            desk=Desk(id=ticket["desk"]["id"], name=ticket["desk"]["name"], floor=ticket["desk"]["floor"]),
            ahead=ticket["position"] - 1,
            wait_minutes=ticket["estimated_wait_minutes"],
            public_id=ticket["public_id"],
        )
        return [BotMessage(f"Số thứ tự của bạn là {ticket['number']}.", data=ReplyPayload(kind="ticket", ticket=card))]


def start_bridge(dialogue, data_dir, tts):
    app = build_app(dialogue, data_dir, "http://ward.example")
    app.state.board_announcer = Announcer(lambda: tts)
    return app


def test_ticket_from_chat_is_called_at_the_desk_shown_and_spoken_on_the_board(tmp_path, monkeypatch):
    monkeypatch.setattr(queue_board, "EVENT_STREAM_S", 2.0)  # let the server stop quickly for the restart
    dialogue, tts, port = TicketIssuingDialogue(), FakeTextToSpeech(), free_port()
    sync = sync_api.sync_playwright().start()
    browser = sync.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + ["--autoplay-policy=no-user-gesture-required"]
    )
    try:
        app = start_bridge(dialogue, tmp_path, tts)
        with serve(app, port=port) as url:
            dialogue.bridge_url = url
            desk_token = create_token(app.state.services.db, role="desk", name="cán bộ quầy 1", desk="Q1", ward_id=1)[0]
            board = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            board.goto(url + "/board")
            expect(board.locator("#desk-Q1 .number")).to_have_text("—")

            chat = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            chat.goto(url + "/")
            chat.locator("#chat-input").fill("lấy số")
            chat.locator("#chat-input").press("Enter")
            expect(chat.locator(".card-ticket .ticket-number")).to_have_text("A001")  # the day's first ticket at Q1
            number, public_id = dialogue.issued[0]["number"], dialogue.issued[0]["public_id"]
            assert chat.locator(".card-follow").get_attribute("href") == f"/t/{public_id}"
            expect(chat.locator(".card-ticket .card-qr img")).to_have_js_property("complete", True)
            chat.screenshot(path=str(SHOTS / "queue-chat-ticket.png"))

            desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            desk.goto(url + "/desk")
            desk.locator("#token").fill(desk_token)
            desk.locator("#login-form button").click()
            expect(desk.locator("#waiting li strong").first).to_have_text(number)
            desk.locator("#call-next").click()
            expect(desk.locator("#current-number")).to_have_text(number)

            expect(board.locator("#desk-Q1 .number")).to_have_text(number, timeout=1000)
            expect(board.locator("#announcement")).to_contain_text(f"Mời số {number} đến Quầy 1")
            expect(board.locator("body")).to_have_attribute("data-fetched-call", "1")
            assert tts.received == [(spoken_text(number, "Quầy 1"), "vi")]
            expect(board.locator("body")).to_have_attribute("data-spoken-call", "1")  # played to the end
            board.screenshot(path=str(SHOTS / "queue-board.png"))
            for priority in ("none", "elderly", "none", "pregnant"):  # more citizens arrive: the order shows priority
                httpx.post(
                    url + "/api/tickets", json={"desk": "Q1", "priority": priority}, headers=OWN_SERVICE
                ).raise_for_status()
            desk.reload()
            expect(desk.locator("#waiting li")).to_have_count(4)
            assert desk.locator("#waiting li strong").all_text_contents() == ["A003", "A005", "A002", "A004"]
            expect(desk.locator("#waiting li .badge.priority")).to_have_count(2)
            desk.screenshot(path=str(SHOTS / "queue-desk.png"))

            ticket_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            ticket_page.goto(url + f"/t/{public_id}")
            expect(ticket_page.locator("#state")).to_contain_text("Đến lượt bạn")
            expect(ticket_page.locator("body")).to_have_attribute("data-status", "called")
            ticket_page.screenshot(path=str(SHOTS / "queue-ticket.png"))

        # The bridge restarts on the same database: the board reconnects by itself and reloads the state.
        expect(board.locator("#connection")).to_contain_text("kết nối lại")
        with serve(start_bridge(dialogue, tmp_path, tts), port=port) as url:
            dialogue.bridge_url = url
            called = httpx.post(url + "/api/desk/call-next", headers={"Authorization": f"Bearer {desk_token}"}).json()
            assert called["number"] == "A003"  # the elderly citizen first
            expect(board.locator("#desk-Q1 .number")).to_have_text("A003", timeout=5000)
            expect(board.locator("body")).to_have_attribute("data-fetched-call", str(called["call_id"]))
    finally:
        browser.close()
        sync.stop()


class RecordingPrinter:
    """TicketPrinter fake: records the tickets it was asked to print."""

    def __init__(self) -> None:
        self.printed: list = []

    def print_ticket(self, ticket) -> None:
        self.printed.append(ticket)


def test_kiosk_page_prints_the_ticket_it_was_given_once(tmp_path):
    from kiosk.engines import KioskEngines
    from kiosk.settings import KioskSettings
    from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText
    from tests.kiosk.payloads import ticket_body
    from tests.kiosk.support import CHROMIUM_ARGS as KIOSK_ARGS

    dialogue = FakeDialogue()
    app = build_app(TicketIssuingDialogue(), tmp_path, "http://ward.example")
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(), stt=FakeSpeechToText(), tts=FakeTextToSpeech(), dialogue=dialogue
    )
    printer = app.state.ticket_printer = RecordingPrinter()
    with serve(app) as url:
        ticket = httpx.post(
            url + "/api/tickets", json={"desk": "Q2", "priority": "pregnant"}, headers=OWN_SERVICE
        ).json()
        body = ticket_body(f"Số thứ tự của bạn là {ticket['number']}.", number=ticket["number"])
        body["messages"][0]["data"]["ticket"]["public_id"] = ticket["public_id"]
        dialogue.bodies.append(body)
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=KIOSK_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1080, "height": 1400}).new_page()
                page.goto(url + "/kiosk")
                expect(page.locator("body")).to_have_attribute("data-connection", "ready")
                page.fill("#typed", "cho tôi lấy số")
                page.click("#type-form button[type=submit]")
                expect(page.locator("#ticket")).to_have_text(ticket["number"])
                expect(page.locator("body")).to_have_attribute("data-ticket-print", "printed")
                expect(page.locator("#ticket-printed")).to_contain_text("Đã in phiếu")
            finally:
                browser.close()
    assert [(t.number, t.priority) for t in printer.printed] == [(ticket["number"], "Phụ nữ mang thai")]
    assert printer.printed[0].url == f"{url}/t/{ticket['public_id']}"
