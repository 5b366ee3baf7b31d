"""A kiosk page that reconnects continues its conversation with the signed id the bridge issued
(assistant/bridge/kiosk_senders.py); a forged or foreign id starts a new conversation instead."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.bridge import kiosk_senders
from assistant.bridge.routers.kiosk import router
from assistant.bridge.settings import BridgeSettings
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText, FakeTextToSpeech


def replica(dialogue: FakeDialogue, pepper: str = "shared-pepper") -> TestClient:
    """One bridge's kiosk socket; replicas of a deployment share the dossier pepper."""
    app = FastAPI()
    app.include_router(router)
    app.state.settings = BridgeSettings(_env_file=None, dossier_pepper=pepper, demo_mode=True)
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(_env_file=None), stt=FakeSpeechToText(), tts=FakeTextToSpeech(), dialogue=dialogue
    )
    return TestClient(app)


def turn(client: TestClient, text: str, resume: str | None = None) -> dict:
    """Open the socket (resuming when given), say `text`, close; returns the "ready" message."""
    path = "/ws/kiosk" + (f"?resume={resume}" if resume is not None else "")
    with client.websocket_connect(path) as ws:
        ready = ws.receive_json()
        ws.send_text(json.dumps({"type": "text", "text": text}))
        assert ws.receive_json()["type"] == "reply"
    return ready


def test_a_reconnected_page_continues_its_conversation_on_the_same_bridge():
    dialogue = FakeDialogue()
    with replica(dialogue) as client:
        first = turn(client, "tra cứu hồ sơ")
        again = turn(client, "000.00.20.H26-250801-0001", resume=first["session"])
    assert (first["resumed"], again["resumed"]) == (False, True)
    assert again["session"] == first["session"]
    senders = [sender for sender, _ in dialogue.received]
    assert senders[0] == senders[1] and senders[0].startswith("kiosk-")


def test_another_replica_with_the_same_pepper_accepts_the_id_and_one_with_another_pepper_does_not():
    dialogue = FakeDialogue()
    with replica(dialogue) as first, replica(dialogue) as second, replica(dialogue, pepper="other") as foreign:
        ready = turn(first, "tra cứu hồ sơ")
        assert turn(second, "tiếp", resume=ready["session"])["resumed"] is True
        refused = turn(foreign, "tiếp", resume=ready["session"])
    assert refused["resumed"] is False and refused["session"] != ready["session"]
    senders = [sender for sender, _ in dialogue.received]
    assert senders[0] == senders[1] != senders[2]


def forged(token: str) -> list[str]:
    sender, _, signature = token.partition(".")
    other = "kiosk-" + format(int(sender[6:], 16) ^ 1, "016x")
    return [
        other + "." + signature,
        other,
        sender,
        sender + ".",
        sender + "." + "0" * 32,
        "x" * 200,
        token + "x",
        "../" + token,
    ]


def test_a_page_cannot_pick_another_conversation():
    dialogue = FakeDialogue()
    with replica(dialogue) as client:
        victim = turn(client, "tra cứu hồ sơ")
        for token in forged(victim["session"]):
            ready = turn(client, "xin chào", resume=token)
            assert ready["resumed"] is False, token
    victim_sender = dialogue.received[0][0]
    assert all(sender != victim_sender for sender, _ in dialogue.received[1:])


def test_reset_issues_a_new_id_for_the_next_visitor():
    dialogue = FakeDialogue()
    with replica(dialogue) as client, client.websocket_connect("/ws/kiosk") as ws:
        ready = ws.receive_json()
        ws.send_text(json.dumps({"type": "reset"}))
        reset = ws.receive_json()
        assert reset["type"] == "reset" and reset["session"] != ready["session"]
        ws.send_text(json.dumps({"type": "text", "text": "xin chào"}))
        ws.receive_json()
    assert kiosk_senders.resumed_sender(reset["session"], secret="shared-pepper") == dialogue.received[0][0]


@pytest.mark.parametrize("token", [None, "", "kiosk-0123456789abcdef", "kiosk-0123456789abcdef.00"])
def test_tokens_without_a_valid_signature_name_nobody(token):
    assert kiosk_senders.resumed_sender(token, secret="s") is None
    valid = kiosk_senders.issue("kiosk-0123456789abcdef", secret="s")
    assert kiosk_senders.resumed_sender(valid, secret="s") == "kiosk-0123456789abcdef"
    assert kiosk_senders.resumed_sender(valid, secret="") is None
