"""Rasa's action-server calls reuse one kept-open connection once assistant/components/action_session.py is
installed (real Rasa EndpointConfig, real aiohttp server on 127.0.0.1, .venv-rasa), and still work after the
pooled connection has gone idle and been dropped."""
from __future__ import annotations

import json


from tests.assistant.rasa_probe import run_probe

_PROBE = r'''
import asyncio, json, sys
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig
from assistant.components import action_session

patched = sys.argv[1] == "patched"
if patched:
    action_session.install()
    action_session.KEEPALIVE_SECONDS = 0.3  # (read when a session is made) so the idle case is quick

async def main():
    peers = []
    async def webhook(request):
        peers.append(request.transport.get_extra_info("peername")[1])
        body = await request.json()
        return web.json_response({"echo": body["n"], "body": body, "events": [], "responses": []})
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    echoes = [(await endpoint.request(json={"n": n}, method="post"))["echo"] for n in range(5)]
    await asyncio.sleep(1.0)  # longer than the keep-alive: the next call must open a fresh connection
    echoes.append((await endpoint.request(json={"n": 5}, method="post"))["echo"])
    rich = {"n": 6, "text": "làm giấy khai sinh <b>a/b</b> 😀", "confidence": 0.8123456789012345, "none": None,
            "nested": [{"slot": True}, 1e-12]}
    received = (await endpoint.request(json=rich, method="post"))["body"]
    await runner.cleanup()
    print(json.dumps({"echoes": echoes, "connections_first_five": len(set(peers[:5])),
                      "last_is_new": peers[5] not in peers[:5], "rich_body_intact": received == rich}))

asyncio.run(main())
'''


def _probe(mode: str) -> dict:
    return run_probe(_PROBE, mode)


def test_rasa_alone_opens_a_connection_per_call():
    plain = _probe("plain")
    assert plain["echoes"] == [0, 1, 2, 3, 4, 5]
    assert plain["connections_first_five"] == 5


def test_installed_session_reuses_one_connection_and_survives_idle_drop():
    kept = _probe("patched")
    assert kept["echoes"] == [0, 1, 2, 3, 4, 5]
    assert kept["connections_first_five"] == 1
    assert kept["last_is_new"] is True
    assert kept["rich_body_intact"] is True


def test_request_bodies_decode_to_what_was_sent_and_odd_values_fall_back_to_json():
    import math

    from assistant.components.fast_json import dumps as encode_body

    payload = {"text": "hồ sơ <script>/x</script> 😀", "p": 0.1 + 0.2, "big": 2 ** 60, "none": None, "list": [1.5]}
    assert json.loads(encode_body(payload)) == payload
    assert math.isnan(json.loads(encode_body({"x": math.nan}))["x"])  # ujson refuses NaN; json writes it
    assert json.loads(encode_body({"x": float("inf")}))["x"] == float("inf")
