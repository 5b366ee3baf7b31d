"""Rasa's action-server calls through assistant/components/action_session.py, against real HTTP servers on
127.0.0.1: one kept-open connection instead of one per call, the same replies, a fresh connection after the idle
drop."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from assistant.components import action_session
from tests.rasa.conftest import STOCK, run


@pytest.fixture
def kept(monkeypatch):
    """The kept-open session installed, with a short idle drop so the idle case is quick."""
    action_session.install()
    monkeypatch.setattr(action_session, "KEEPALIVE_SECONDS", 0.3)  # read when a session is made


@pytest.fixture
def stock(monkeypatch):
    """Rasa's own session(): a new connection per call."""
    monkeypatch.setattr(EndpointConfig, "session", STOCK["action_session"])


async def echo_calls(payloads: list, pause_before_last: float = 0.0) -> tuple[list, list]:
    """POST each payload through ``EndpointConfig.request`` to an aiohttp echo server; (replies, client ports)."""
    ports = []

    async def webhook(request):
        ports.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"body": await request.json(), "events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    endpoint = EndpointConfig(f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/webhook")
    replies = []
    try:
        for index, payload in enumerate(payloads):
            if index == len(payloads) - 1 and pause_before_last:
                await asyncio.sleep(pause_before_last)
            replies.append((await endpoint.request(json=payload, method="post"))["body"])
    finally:
        await runner.cleanup()
    return replies, ports


PAYLOADS = [{"n": n} for n in range(5)] + [{"n": 5, "text": "làm giấy khai sinh <b>a/b</b> 😀", "p": 0.1 + 0.2,
                                            "none": None, "nested": [{"slot": True}, 1e-12]}]


def test_rasa_alone_opens_a_connection_per_call(stock):
    replies, ports = run(echo_calls(PAYLOADS))
    assert replies == PAYLOADS
    assert len(set(ports)) == len(PAYLOADS)


def test_kept_session_reuses_one_connection_with_the_same_replies(kept):
    replies, ports = run(echo_calls(PAYLOADS))
    assert replies == PAYLOADS
    assert len(set(ports)) == 1


def test_an_idle_connection_is_dropped_and_the_next_call_opens_a_new_one(kept):
    replies, ports = run(echo_calls(PAYLOADS, pause_before_last=1.0))
    assert replies == PAYLOADS
    assert len(set(ports[:-1])) == 1 and ports[-1] not in ports[:-1]
