"""Rasa's action-server calls through assistant/components/action_session.py, against real HTTP servers on
127.0.0.1: one kept-open connection instead of one per call, the same replies, a fresh connection after the idle
drop, and one resend on a new connection when the server had closed a kept connection (never on a new one)."""

from __future__ import annotations

import asyncio
import json

import aiohttp
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


PAYLOADS = [{"n": n} for n in range(5)] + [
    {
        "n": 5,
        "text": "làm giấy khai sinh <b>a/b</b> 😀",
        "p": 0.1 + 0.2,
        "none": None,
        "nested": [{"slot": True}, 1e-12],
    }
]


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


class ClosingServer:
    """A raw HTTP/1.1 server that answers keep-alive but closes a connection, without replying, on the request
    number ``close_on`` of that connection (1 = every connection's first request)."""

    def __init__(self, close_on: int) -> None:
        self.close_on, self.received, self.connections = close_on, [], 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        count = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                body = json.loads(await reader.readexactly(length))
                self.received.append(body["n"])
                count += 1
                if count == self.close_on:
                    break
                reply = json.dumps({"echo": body["n"]}).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(reply), reply)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def calls(self, count: int) -> list:
        """``count`` calls through ``EndpointConfig.request``: each reply's echo, or the error's class name."""
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        endpoint = EndpointConfig(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/webhook")
        outcomes = []
        try:
            for n in range(count):
                try:
                    outcomes.append((await endpoint.request(json={"n": n}, method="post"))["echo"])
                except aiohttp.ClientError as error:
                    outcomes.append(type(error).__name__)
        finally:
            server.close()
            await server.wait_closed()
        return outcomes


def test_a_kept_connection_closed_by_the_server_is_resent_once_on_a_new_one(kept):
    server = ClosingServer(close_on=2)  # every connection serves one request, then closes on the second
    assert run(server.calls(4)) == [0, 1, 2, 3]
    # calls 1 and 3 went out on a kept connection, were dropped, and were sent again on a new connection;
    # call 2 found no kept connection (the server had closed it) and opened one
    assert server.received == [0, 1, 1, 2, 3, 3]


def test_a_new_connection_closed_by_the_server_is_not_resent(kept):
    server = ClosingServer(close_on=1)  # closes every connection on its first request
    assert run(server.calls(2)) == ["ServerDisconnectedError"] * 2
    assert server.received == [0, 1]  # each request reached the server once: no resend


def test_stock_rasa_fails_the_same_way_on_a_closed_connection(stock):
    server = ClosingServer(close_on=1)
    assert run(server.calls(2)) == ["ServerDisconnectedError"] * 2
