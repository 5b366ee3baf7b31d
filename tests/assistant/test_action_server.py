"""A real rasa-sdk action server on 127.0.0.1 talking to a real stub bridge over HTTP, driven by webhook calls."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.assistant.replies_text import says
from tests.assistant.stub_bridge import StubBridge
from tests.servers import free_port, stop_process

pytestmark = pytest.mark.slow  # starts the action server as a process

ROOT = Path(__file__).resolve().parents[2]


def post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """(action server webhook URL, stub bridge, log file) — the server process is stopped afterwards."""
    with StubBridge() as bridge:
        port = free_port()
        log_path = tmp_path_factory.mktemp("actions") / "server.log"
        env = {**os.environ, "SANIC_HOST": "127.0.0.1", "ACTIONS_BRIDGE_URL": bridge.url}
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "assistant.actions", "-p", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5).close()
                    break
                except (urllib.error.URLError, OSError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("action server did not start:\n" + log_path.read_text())
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}/webhook", bridge, log_path
        finally:
            stop_process(process, timeout=10)


def webhook_request(action: str, text: str, intent: str, slots: dict | None = None) -> dict:
    return {
        "next_action": action,
        "sender_id": "webhook-test",
        "version": "3.6.21",
        "domain": {"forms": {"dossier_form": {"required_slots": ["dossier_code", "id_last4"]}}},
        "tracker": {
            "sender_id": "webhook-test",
            "slots": {"language": None, "procedure_code": None, **(slots or {})},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def test_procedure_answer_through_the_webhook(stack):
    url, bridge, _ = stack
    body = post(url, webhook_request("action_answer_procedure", "làm giấy khai sinh cho con cần gì", "ask_documents"))
    assert "1.001193" in body["responses"][0]["text"]
    assert {"event": "slot", "name": "procedure_code", "value": "1.001193"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in body["events"]
    ]
    assert ("GET", "/api/turn") in bridge.requests


def test_ticket_and_dossier_through_the_webhook(stack):
    url, bridge, log_path = stack
    body = post(
        url,
        webhook_request(
            "action_issue_ticket", "tôi là người già cho lấy số", "ask_queue_ticket", {"procedure_code": "1.001193"}
        ),
    )
    assert says(body["responses"][0]["text"], "ticket_priority")
    slots = {"dossier_code": "000.00.20.H26-250801-0001", "id_last4": "1234"}
    body = post(url, webhook_request("action_dossier_status", "1234", "inform", slots))
    assert "Đang xử lý" in body["responses"][0]["text"]
    # the digits never reach the action server's log (as a number of their own, not inside a port or a time)
    assert not re.search(r"(?<![\d.:])1234(?![\d])", log_path.read_text())


def test_bridge_down_is_a_polite_reply_not_a_crash(stack):
    url, bridge, _ = stack
    bridge.overrides["/api/turn"] = (500, {"error": "boom"})
    try:
        body = post(url, webhook_request("action_answer_procedure", "đăng ký kết hôn", "ask_procedure"))
    finally:
        bridge.overrides.clear()
    assert says(body["responses"][0]["text"], "bridge_down")
