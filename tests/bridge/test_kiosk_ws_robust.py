"""Malformed /ws/kiosk messages get a clear error JSON and leave no traceback, over a real uvicorn server
(and a hypothesis run over the in-process socket); a browser leaving before "ready" ends quietly."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant.bridge.routers.kiosk import router
from kiosk.engines import KioskEngines
from kiosk.settings import KioskSettings
from tests.kiosk.fakes import FakeDialogue, FakeSpeechToText, FakeTextToSpeech
from tests.servers import serve

websockets = pytest.importorskip("websockets")

BAD_MESSAGES = {
    "deeply nested array": "[" * 4000 + "]" * 4000,
    "deeply nested object": '{"a":' * 1200 + "1" + "}" * 1200,
    "nesting past the size cap": "[" * 100_000 + "]" * 100_000,
    "lone surrogate in text": '{"type": "text", "text": "\\ud800 khai sinh"}',
    "lone surrogate as type": '{"type": "\\udfff"}',
    "not JSON": "xin chào",
    "JSON array": "[1, 2]",
    "huge integer": '{"type": "start", "rate": ' + "9" * 5000 + "}",
    "rate as text": '{"type": "start", "rate": "16000"}',
    "unknown type": '{"type": ["text"]}',
    "choice not on screen": '{"type": "choose", "payload": {"a": 1}}',
    "empty text": '{"type": "text", "text": "   "}',
    "odd binary frame": b"\x00\x01\x02",
    "oversized binary frame": b"\x00\x00" * 40_000,
}


class TracebackRecorder(logging.Handler):
    """Every record carrying a traceback, from our loggers and uvicorn's (which does not propagate)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.records.append(record)


@pytest.fixture
def tracebacks():
    recorder = TracebackRecorder()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error", "uvicorn.asgi")]
    for logger in loggers:
        logger.addHandler(recorder)
    yield recorder.records
    for logger in loggers:
        logger.removeHandler(recorder)


def kiosk_app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    app.state.kiosk_engines = KioskEngines(
        KioskSettings(), stt=FakeSpeechToText(), tts=FakeTextToSpeech(), dialogue=FakeDialogue()
    )
    return app


async def _exchange(url: str) -> dict[str, dict]:
    answers = {}
    async with websockets.connect(url, max_size=None) as socket:
        assert json.loads(await socket.recv())["type"] == "ready"
        for name, message in BAD_MESSAGES.items():
            await socket.send(message)
            answers[name] = json.loads(await asyncio.wait_for(socket.recv(), 10))
        await socket.send('{"type": "greet"}')  # still usable after all that
        answers["greet after errors"] = json.loads(await asyncio.wait_for(socket.recv(), 10))
    for _ in range(3):  # gone before "ready"
        early = await websockets.connect(url)
        early.transport.abort()
    async with websockets.connect(url) as socket:  # the server still serves new kiosks
        answers["new kiosk"] = json.loads(await socket.recv())
    return answers


def test_every_bad_message_gets_a_clear_error_and_no_traceback(tracebacks):
    with serve(kiosk_app()) as base:
        answers = asyncio.run(_exchange(base.replace("http://", "ws://") + "/ws/kiosk"))
    for name in BAD_MESSAGES:
        answer = answers[name]
        assert answer["type"] == "error" and answer["code"] == "protocol", (name, answer)
        assert "không hợp lệ" in answer["message"] and "invalid message" in answer["message"], name
    assert answers["greet after errors"]["type"] != "error"
    assert answers["new kiosk"]["type"] == "ready"
    assert [r.getMessage() for r in tracebacks] == []


def test_an_engine_that_cannot_start_is_reported_without_a_traceback(tracebacks):
    class BrokenEngines(KioskEngines):
        def tts(self):
            raise OSError("no audio device")

    app = FastAPI()
    app.include_router(router)
    app.state.kiosk_engines = BrokenEngines(KioskSettings(), stt=FakeSpeechToText(), dialogue=FakeDialogue())
    with TestClient(app) as client, client.websocket_connect("/ws/kiosk") as socket:
        answer = socket.receive_json()
    assert answer["type"] == "error" and answer["code"] == "internal" and "Sorry" in answer["message"]
    assert tracebacks == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
control_messages = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "choose", "start", "stop", "greet", "x"])},
    optional={"text": json_values, "payload": json_values, "rate": json_values},
)
frames = st.one_of(
    st.text(max_size=200),  # any code points, lone surrogates included
    control_messages.map(json.dumps),
    st.binary(max_size=5000),
)

FUZZ_COUNTS = {"messages": 0, "internal": 0}


@pytest.mark.slow
def test_fuzzed_messages_never_give_an_internal_error(tracebacks):
    with TestClient(kiosk_app()) as client, client.websocket_connect("/ws/kiosk") as socket:
        assert socket.receive_json()["type"] == "ready"

        @given(frame=frames)
        @hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(frame):
            FUZZ_COUNTS["messages"] += 1
            if isinstance(frame, bytes):
                socket.send_bytes(frame)
            else:
                socket.send_text(frame)
            socket.send_text('{"type": "reset"}')  # answered with exactly one "reset" message: the end marker
            while (answer := socket.receive_json()).get("type") != "reset":
                FUZZ_COUNTS["internal"] += answer.get("code") == "internal"

        run()
    print(
        f"kiosk socket fuzz: {FUZZ_COUNTS['messages']} messages, {FUZZ_COUNTS['internal']} internal errors, "
        f"{len(tracebacks)} tracebacks"
    )
    assert FUZZ_COUNTS["internal"] == 0 and tracebacks == []
