"""The real Rasa as `scripts/run.sh` starts it (the launcher, no --enable-api): its HTTP API is closed,
readiness has its own channel, and the citizen's client key travels relay → Rasa metadata → action → bridge with the
service secret.

Slow (Rasa loads in ~40 s); skipped when models/rasa/assistant.tar.gz has not been trained yet.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from assistant.bridge.clients import address_key
from assistant.bridge.web.dialogue import RasaRestClient
from assistant.bridge.web.relay import ChatRelay
from tests.assistant.rasa_stack import actions_and_rasa, needs_trained_rasa
from tests.assistant.stub_bridge import StubBridge

pytestmark = [pytest.mark.rasa, needs_trained_rasa]
SERVICE_TOKEN = "stack-test-service-secret"
CLIENT = address_key("203.0.113.50", secret="test-pepper")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Stub bridge + real action server + real Rasa with the committed endpoints (tracker store) and channels."""
    with (
        StubBridge() as bridge,
        actions_and_rasa(
            tmp_path_factory.mktemp("closed"), bridge_url=bridge.url, extra_env={"ACTIONS_SERVICE_TOKEN": SERVICE_TOKEN}
        ) as rasa,
    ):
        yield rasa.url, bridge, rasa.log


def test_rasa_api_is_closed_and_the_client_key_reaches_the_bridge_with_the_secret(stack):
    url, bridge, rasa_log = stack
    relay = ChatRelay(RasaRestClient(url, timeout_s=60))

    def say(text: str) -> str:
        reply = asyncio.run(relay.reply("closed-api-1", text, client=CLIENT))
        assert not reply.degraded
        return " ".join(message.text for message in reply.messages)

    assert "mã hồ sơ" in say("hồ sơ của tôi đến đâu rồi")
    say("000.00.20.H26-250801-0001")
    assert "Đang xử lý" in say("1234")
    lookup = bridge.fake.called("lookup_dossier")[-1]
    assert lookup["client_id"] == CLIENT
    assert bridge.headers[-1]["X-Service-Token"] == SERVICE_TOKEN

    with httpx.Client(base_url=url, timeout=30, trust_env=False) as rasa:
        refused = {
            "GET /status": rasa.get("/status").status_code,
            "GET tracker": rasa.get("/conversations/closed-api-1/tracker").status_code,
            "GET tracker with token": rasa.get(
                "/conversations/closed-api-1/tracker", params={"token": "x"}
            ).status_code,
            "DELETE /model": rasa.delete("/model").status_code,
            "PUT /model": rasa.put("/model", json={"model_server": {"url": "http://127.0.0.1:9/m.tar.gz"}}).status_code,
            "POST /model/parse": rasa.post("/model/parse", json={"text": "xin chào"}).status_code,
        }
        assert all(status in (404, 405) for status in refused.values()), refused
        assert rasa.get("/webhooks/readiness/").json() == {"model_loaded": True}  # the model is still there
    assert "Xin chào" in say("chào bạn")
    assert "Using `InMemoryTrackerStore` instead" not in rasa_log.read_text()  # our store was loaded
