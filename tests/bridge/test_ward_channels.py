"""Channels name their ward: the chat widget's ward travels to the actions as message metadata, and the action server
passes it back on every bridge call of that turn — a ticket asked for in ward B's chat is ward B's."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets.exceptions
import websockets.sync.client
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from assistant.actions.bridge_client import HttpBridgeClient
from assistant.actions.channel import current_ward, turn_channel
from assistant.actions.runtime import build_services as build_action_services
from assistant.actions.service_actions import ActionIssueTicket
from assistant.actions.settings import ActionSettings
from assistant.bridge.auth import create_token
from assistant.bridge.main import create_app
from assistant.bridge.models import Ticket
from assistant.bridge.web.relay import ChatRelay
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from tests.assistant.conftest import make_tracker
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.fakes_web import RecordingDialogueClient
from tests.bridge.test_wards import write_ward
from tests.kiosk.fakes import FakeSpeechToText, FakeTextToSpeech
from tests.servers import serve

SECRET = "channel-service-secret"
B = "dong-anh"


@pytest.fixture
def settings(settings, tmp_path):
    write_ward(tmp_path / "wards", B, "Xã Đông Anh")
    return settings.model_copy(update={"wards_dir": tmp_path / "wards", "service_token": SECRET})


def test_the_widget_s_ward_goes_to_the_actions_as_message_metadata(make_client):
    client = make_client()
    dialogue = RecordingDialogueClient()
    client.app.state.chat_relay = ChatRelay(dialogue)
    assert client.post("/api/chat", json={"sender": "abcdef12", "message": "lấy số", "ward": B}).status_code == 200
    assert client.post("/api/chat", json={"sender": "abcdef12", "message": "lấy số"}).status_code == 200
    (first, second) = dialogue.metadata
    assert (first["ward"], first["ward_id"], second["ward"], second["ward_id"]) == (B, 2, "cua-nam", 1)
    assert first["client"] == second["client"]  # the citizen's address key travels beside it, as before
    unknown = client.post("/api/chat", json={"sender": "abcdef12", "message": "lấy số", "ward": "nowhere"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_ward"
    assert len(dialogue.metadata) == 2  # refused before the dialogue engine


def test_each_turn_has_its_own_ward_even_when_conversations_interleave():
    seen: dict[str, list] = {}

    async def turn(ward: str | None) -> None:
        with turn_channel({"ward": ward} if ward else {}):
            await asyncio.sleep(0)  # let the other conversation run in between
            seen.setdefault(ward or "default", []).append(current_ward.get())

    async def both() -> None:
        await asyncio.gather(*(turn(w) for w in (B, None, B, "cua-nam", "Bad Code")))

    asyncio.run(both())
    assert seen == {B: [B, B], "default": [None], "cua-nam": ["cua-nam"], "Bad Code": [None]}
    assert current_ward.get() is None


@pytest.fixture
def bridge(settings, searcher, knowledge_defaults):
    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
    )
    with serve(app) as url:
        yield url, app


def test_a_ticket_asked_for_in_a_ward_s_chat_is_that_ward_s(bridge):
    url, app = bridge
    settings = ActionSettings(
        bridge_url=url, read_timeout_s=20, connect_timeout_s=5, service_token=SECRET, service_token_file="/nonexistent"
    )

    async def ask(metadata: dict) -> list[dict]:
        client = HttpBridgeClient(settings)
        try:
            action = ActionIssueTicket(build_action_services(settings, bridge=client))
            tracker = make_tracker("cho tôi lấy số", "ask_queue_ticket", slots={"procedure_code": "1.001193"})
            tracker.latest_message["metadata"] = metadata
            dispatcher = CollectingDispatcher()
            await action.run(dispatcher, tracker, {})
            return dispatcher.messages
        finally:
            await client.aclose()

    in_b = asyncio.run(ask({"ward": B, "ward_id": 2, "client": "x"}))
    in_a = asyncio.run(ask({}))
    tickets = [m["custom"]["reply"]["ticket"] for m in (in_b[0], in_a[0])]
    assert [t["number"] for t in tickets] == ["A001", "A001"]  # one number each: two wards' desk Q1
    services = app.state.services
    with services.db.read() as session:
        rows = session.execute(select(Ticket.ward_id, Ticket.number).order_by(Ticket.id)).all()
    assert [tuple(r) for r in rows] == [(2, "A001"), (1, "A001")]


@pytest.fixture
def kiosk_bridge(settings, searcher, knowledge_defaults):
    """The real app with a recording dialogue engine behind its relay and fake speech engines for the kiosk."""
    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
    )
    rasa = RecordingDialogueClient()
    app.state.chat_relay = ChatRelay(rasa)
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(_env_file=None), stt=FakeSpeechToText(), tts=FakeTextToSpeech()
    )
    with serve(app) as url:
        yield url.replace("http", "ws") + "/ws/kiosk", app, rasa


def kiosk_turn(socket_url: str, text: str) -> None:
    with websockets.sync.client.connect(socket_url) as ws:
        assert json.loads(ws.recv())["type"] == "ready"
        ws.send(json.dumps({"type": "text", "text": text}))
        ws.recv()


def test_a_kiosk_device_token_binds_the_kiosk_to_its_ward(kiosk_bridge):
    socket_url, app, rasa = kiosk_bridge
    services = app.state.services
    ward_b = services.wards.get(B)
    kiosk, _ = create_token(services.db, role="kiosk", name="kiosk-sanh-1", ward_id=ward_b.id)
    desk, _ = create_token(services.db, role="desk", name="Quầy 1", desk="Q1", ward_id=ward_b.id)
    kiosk_turn(f"{socket_url}?device={kiosk}", "lấy số")
    kiosk_turn(socket_url, "lấy số")
    by_device, plain = rasa.metadata
    assert (by_device["ward"], by_device["ward_id"], by_device["kiosk_id"]) == (B, ward_b.id, "kiosk-sanh-1")
    assert (plain["ward"], "kiosk_id" in plain) == ("cua-nam", False)
    for token in ("lts_not-a-token", desk):  # unknown, or a token of another kind
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            websockets.sync.client.connect(f"{socket_url}?device={token}")
        assert refused.value.response.status_code == 403
        assert b"unknown_device" in refused.value.response.body
    assert len(rasa.metadata) == 2
