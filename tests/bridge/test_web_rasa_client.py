"""RasaRestClient against a real stub Rasa REST server on 127.0.0.1, and with nothing listening."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.bridge.web.dialogue import DialogueUnavailable, RasaRestClient, conversation_key, parse_rest_reply
from assistant.bridge.web.relay import ChatRelay
from tests.servers import free_port, serve_in_thread


class StubRasa(BaseHTTPRequestHandler):
    """Answers like Rasa's REST channel; the message text chooses a misbehaviour."""

    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"path": self.path, "body": body, "key": self.headers.get("X-Conversation-Key")})
        message = body["message"]
        if message == "slow":
            time.sleep(1.5)
        if message == "crash":
            return self._send(500, b'{"error": "boom"}')
        if message == "garbage":
            return self._send(200, b"<html>not json</html>")
        if message == "object":
            return self._send(200, b'{"text": "not a list"}')
        reply = [
            {
                "recipient_id": body["sender"],
                "text": f"Trả lời: {message}",
                "buttons": [{"title": "Khai sinh", "payload": '/choose_option{"option":1}'}],
            },
            {"recipient_id": body["sender"], "image": "http://example.invalid/x.png"},
        ]
        self._send(200, json.dumps(reply).encode())

    def _send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def stub_rasa_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubRasa)
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_relays_to_the_rest_webhook_and_parses_text_and_buttons(stub_rasa_url):
    StubRasa.received.clear()
    client = RasaRestClient(stub_rasa_url, timeout_s=5)
    messages = asyncio.run(client.send("conv-123456", "làm khai sinh"))
    assert StubRasa.received == [
        {
            "path": "/webhooks/rest/webhook",
            "body": {"sender": "conv-123456", "message": "làm khai sinh"},
            "key": conversation_key("conv-123456"),
        }
    ]
    assert [m.to_json() for m in messages] == [
        {
            "text": "Trả lời: làm khai sinh",
            "buttons": [{"title": "Khai sinh", "payload": '/choose_option{"option":1}'}],
            "data": None,
        }
    ]


@pytest.mark.parametrize("message", ["crash", "garbage", "object"])
def test_bad_answers_raise_unavailable(stub_rasa_url, message):
    with pytest.raises(DialogueUnavailable):
        asyncio.run(RasaRestClient(stub_rasa_url, timeout_s=5).send("conv-123456", message))


def test_metadata_is_sent_in_the_rest_channel_body(stub_rasa_url):
    asyncio.run(RasaRestClient(stub_rasa_url, timeout_s=5).send("conv-123456", "xin chào", {"client": "a-" + "0" * 20}))
    assert StubRasa.received[-1]["body"] == {
        "sender": "conv-123456",
        "message": "xin chào",
        "metadata": {"client": "a-" + "0" * 20},
    }


def test_turns_in_one_event_loop_share_one_client_and_a_new_loop_gets_its_own(stub_rasa_url):
    client = RasaRestClient(stub_rasa_url, timeout_s=5)

    async def three_turns():
        return [await client.send("conv-123456", f"câu {i}") for i in range(3)]

    first = asyncio.run(three_turns())
    assert [m[0].text for m in first] == ["Trả lời: câu 0", "Trả lời: câu 1", "Trả lời: câu 2"]
    assert client.clients_made == 1
    # asyncio.run made a new loop: the first loop's client cannot serve it, a second one is made and works.
    assert asyncio.run(client.send("conv-123456", "lại"))[0].text == "Trả lời: lại"
    assert client.clients_made == 2


def test_closed_client_is_replaced_on_the_next_turn(stub_rasa_url):
    client = RasaRestClient(stub_rasa_url, timeout_s=5)

    async def turn_close_turn():
        await client.send("conv-123456", "một")
        await client.aclose()
        return await client.send("conv-123456", "hai")

    assert asyncio.run(turn_close_turn())[0].text == "Trả lời: hai"
    assert client.clients_made == 2


def test_slow_engine_times_out(stub_rasa_url):
    with pytest.raises(DialogueUnavailable):
        asyncio.run(RasaRestClient(stub_rasa_url, timeout_s=0.3).send("conv-123456", "slow"))


def test_nothing_listening_gives_polite_degraded_reply():
    relay = ChatRelay(RasaRestClient(f"http://127.0.0.1:{free_port()}", timeout_s=2))
    reply = asyncio.run(relay.reply("conv-123456", "xin chào"))
    assert reply.degraded is True
    assert reply.messages[0].text.startswith("Xin lỗi, hệ thống trả lời tự động đang tạm gián đoạn")


def test_parse_rest_reply_drops_junk_and_caps_buttons():
    data = [
        {"text": None, "buttons": "nope"},
        {"text": "ok", "buttons": [{"title": f"t{i}", "payload": f"p{i}"} for i in range(15)] + [{"title": ""}, 3]},
        {"buttons": [{"title": "Chỉ có nút"}]},
    ]
    messages = parse_rest_reply(data)
    assert [m.text for m in messages] == ["ok", ""]
    assert len(messages[0].buttons) == 10
    assert messages[1].buttons[0].payload == "Chỉ có nút"
    for bad in ({"text": "x"}, "x", [1, 2], None):
        with pytest.raises(DialogueUnavailable):
            parse_rest_reply(bad)


class KeepAliveRasa(StubRasa):
    protocol_version = "HTTP/1.1"  # keeps the relay's connection open between turns, as Sanic does
    connections: list = []

    def do_POST(self):  # noqa: N802 (http.server API)
        type(self).connections.append(self.connection)
        super().do_POST()


class ReusableServer(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def test_a_restarted_rasa_is_answered_on_the_next_turn_not_a_stale_connection():
    server = ReusableServer(("127.0.0.1", 0), KeepAliveRasa)
    port = server.server_address[1]
    serve_in_thread(server)
    client = RasaRestClient(f"http://127.0.0.1:{port}", timeout_s=5)

    async def turns_across_a_restart():
        first = await client.send("conv-123456", "trước")
        server.shutdown()
        for connection in KeepAliveRasa.connections:  # the old Rasa process is gone: so is its side of the
            connection.shutdown(socket.SHUT_RDWR)  # kept-alive connection
        server.server_close()
        again = ReusableServer(("127.0.0.1", port), KeepAliveRasa)
        serve_in_thread(again)
        try:
            return first, await client.send("conv-123456", "sau")
        finally:
            again.shutdown()
            again.server_close()

    first, second = asyncio.run(turns_across_a_restart())
    assert (first[0].text, second[0].text) == ("Trả lời: trước", "Trả lời: sau")
    assert client.clients_made == 1


def test_a_post_lost_on_a_new_connection_is_not_sent_again():
    """Rasa may be handling a message whose connection broke: only a kept connection found closed is retried."""
    accepted: list = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def accept_and_drop():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection.recv(65536))
            connection.close()  # no reply at all

    threading.Thread(target=accept_and_drop, daemon=True).start()
    client = RasaRestClient(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout_s=5)
    try:
        with pytest.raises(DialogueUnavailable):
            asyncio.run(client.send("conv-123456", "xin chào"))
    finally:
        listener.close()
    assert len(accepted) == 1 and b"/webhooks/rest/webhook" in accepted[0]


def test_every_turn_names_its_conversation_for_the_balancer(stub_rasa_url):
    """A balancer hashing on X-Conversation-Key keeps each conversation on one Rasa replica."""
    StubRasa.received.clear()
    client = RasaRestClient(stub_rasa_url)

    async def turns() -> None:
        for sender in ("kiosk-1", "web-2", "kiosk-1"):
            await client.send(sender, "xin chào")

    asyncio.run(turns())
    seen = [(r["body"]["sender"], r["key"]) for r in StubRasa.received]
    keys = {sender: key for sender, key in seen}
    assert [key for _, key in seen] == [keys["kiosk-1"], keys["web-2"], keys["kiosk-1"]]
    assert keys["kiosk-1"] != keys["web-2"] and "kiosk-1" not in keys["kiosk-1"]
