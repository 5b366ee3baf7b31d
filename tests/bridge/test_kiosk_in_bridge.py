"""The kiosk inside the real bridge app: /kiosk is served, and a kiosk turn goes in-process through the bridge's
chat relay (the one behind POST /api/chat; no HTTP call to itself) — fake Rasa behind the relay, fake STT/TTS."""

from __future__ import annotations

import json

import pytest
import websockets.sync.client

from assistant.bridge.main import create_app
from assistant.bridge.settings import BridgeSettings
from assistant.bridge.web.dialogue import BotMessage, ChatButton
from assistant.bridge.web.relay import ChatRelay
from assistant.payload import Desk, ReplyPayload, Ticket
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.fakes import RecordingSearcher
from tests.bridge.fakes_web import RecordingDialogueClient
from tests.kiosk.fakes import FakeSpeechToText, FakeTextToSpeech
from tests.kiosk.support import serve


def rasa_reply(message: str) -> list[BotMessage]:
    if message == "khai sinh":
        return [
            BotMessage(
                "Bác muốn làm thủ tục nào?",
                [
                    ChatButton("Đăng ký khai sinh", '/choose_option{"option":1}'),
                    ChatButton("Trích lục khai sinh", '/choose_option{"option":2}'),
                ],
            )
        ]
    ticket = ReplyPayload(
        kind="ticket", ticket=Ticket(number="A003", desk=Desk(id="quay-1", name="Quầy 1 – Hộ tịch, chứng thực"))
    )
    return [BotMessage("Mời bác đến Quầy 1 – Hộ tịch, chứng thực. Số thứ tự của bác là A003.", data=ticket)]


@pytest.fixture
def bridge(tmp_path, knowledge_defaults):
    settings = BridgeSettings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=None,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9/health",
        health_timeout_s=0.2,
    )
    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=RecordingSearcher(),
        knowledge_sources=dict(knowledge_defaults),
    )
    rasa = RecordingDialogueClient(rasa_reply)
    app.state.chat_relay = ChatRelay(rasa)
    # no injected dialogue: the kiosk must use the app's own chat relay
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(_env_file=None), stt=FakeSpeechToText(), tts=FakeTextToSpeech()
    )
    with serve(app) as url:
        yield url, rasa


def test_kiosk_page_is_part_of_the_bridge(bridge):
    import httpx

    url, _ = bridge
    page = httpx.get(url + "/kiosk", trust_env=False)
    assert page.status_code == 200 and "Bấm để nói" in page.text


def test_kiosk_turns_go_through_the_bridge_chat_relay(bridge):
    url, rasa = bridge
    with websockets.sync.client.connect(url.replace("http", "ws") + "/ws/kiosk") as ws:
        ready = json.loads(ws.recv())
        assert (ready["type"], ready["speech"]) == ("ready", True)
        ws.send(json.dumps({"type": "text", "text": "khai sinh"}))
        first = json.loads(ws.recv())
        assert [b["title"] for b in first["buttons"]] == ["Đăng ký khai sinh", "Trích lục khai sinh"]
        ws.send(json.dumps({"type": "text", "text": "số một"}))  # typed number picks the option too
        second = json.loads(ws.recv())
    assert (second["desk"], second["ticket"]) == ("Quầy 1 – Hộ tịch, chứng thực", "A003")
    sender = rasa.received[0][0]
    assert sender.startswith("kiosk-")
    assert rasa.received == [(sender, "khai sinh"), (sender, '/choose_option{"option":1}')]


def test_relay_dialogue_that_never_answers_is_unavailable_not_a_crash():
    import asyncio
    import threading

    from assistant.bridge.routers.kiosk import RelayDialogue
    from kiosk.dialogue import DialogueUnavailable

    class Stuck:
        async def send(self, sender, message):
            await asyncio.Event().wait()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(DialogueUnavailable, match="did not answer"):
            RelayDialogue(ChatRelay(Stuck()), loop, timeout_s=0.2).send("kiosk-abc123", "xin chào")
        answered = RelayDialogue(ChatRelay(RecordingDialogueClient(rasa_reply)), loop).send("kiosk-abc123", "lấy số")
        assert (answered.ticket, answered.desk) == ("A003", "Quầy 1 – Hộ tịch, chứng thực")
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def test_a_message_the_relay_refuses_is_read_as_please_rephrase_not_system_down(bridge):
    url, rasa = bridge
    with websockets.sync.client.connect(url.replace("http", "ws") + "/ws/kiosk") as ws:
        assert json.loads(ws.recv())["type"] == "ready"
        ws.send(json.dumps({"type": "text", "text": "<b>khai sinh</b>"}))  # /api/chat answers 422 html_not_allowed
        answer = json.loads(ws.recv())
    assert answer["kind"] == "rephrase" and answer["offer_typing"] is True
    assert "cách khác" in answer["text"] and "other words" in answer["text"]
    assert "gián đoạn" not in answer["text"]  # not the "system down" sentence
    assert rasa.received == []
