"""The trained Rasa model + the real action server + a real stub bridge, driven through the REST channel.

Slow (Rasa loads in ~40 s); skipped when models/rasa/assistant.tar.gz has not been trained yet.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.assistant.stub_bridge import StubBridge
from tests.assistant.test_action_server import ROOT
from tests.servers import free_port, stop_process

MODEL = ROOT / "models" / "rasa" / "assistant.tar.gz"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

pytestmark = [
    pytest.mark.rasa,
    pytest.mark.skipif(not MODEL.exists() or not RASA_PYTHON.exists(), reason="Rasa model not trained (make setup)"),
]


def _wait_ready(url: str, process: subprocess.Popen, log: Path, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} process exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if b'"model_loaded":true' in response.read() or url.endswith("/health"):
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {limit} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def rasa_url(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("stack")
    actions_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    with StubBridge() as bridge:
        # PYTHONPATH: Rasa runs in a scratch directory and must import this checkout's assistant.components.
        env = {**os.environ, "SANIC_HOST": "127.0.0.1", "ACTIONS_BRIDGE_URL": bridge.url,
               "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
        actions_log, rasa_log = workdir / "actions.log", workdir / "rasa.log"
        actions = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "assistant.actions",
                                    "-p", str(actions_port)], cwd=ROOT, env=env,
                                   stdout=actions_log.open("w"), stderr=subprocess.STDOUT)
        rasa = subprocess.Popen(
            [
                str(RASA_PYTHON),
                "-m",
                "assistant.rasa_launcher",
                "run",
                "-i",
                "127.0.0.1",
                "-p",
                str(rasa_port),
                "--model",
                str(MODEL),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "assistant" / "credentials.yml"),
            ],
            cwd=workdir,
            env=env,
            stdout=rasa_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_ready(f"http://127.0.0.1:{actions_port}/health", actions, actions_log, 120)
            _wait_ready(f"http://127.0.0.1:{rasa_port}/webhooks/readiness/", rasa, rasa_log, 400)
            yield f"http://127.0.0.1:{rasa_port}"
        finally:
            stop_process(rasa)
            stop_process(actions)


def say(url: str, sender: str, message: str) -> list[dict]:
    data = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=data,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def texts(messages: list[dict]) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def test_issue_conversation_documents_fee_desk_for_birth_registration(rasa_url):
    assert "Xin chào" in texts(say(rasa_url, "bar", "chào bạn"))
    documents = texts(say(rasa_url, "bar", "làm giấy khai sinh cho con cần gì"))
    assert "1.001193" in documents and "Giấy tờ số 1" in documents
    fee = texts(say(rasa_url, "bar", "lệ phí bao nhiêu"))
    assert "1.001193" in fee and "miễn lệ phí" in fee
    desk = texts(say(rasa_url, "bar", "nộp ở quầy nào"))
    assert "1.001193" in desk and "Quầy 1" in desk
    ticket = texts(say(rasa_url, "bar", "có"))
    assert "A00" in ticket


def test_clarification_with_buttons_then_a_spoken_choice(rasa_url):
    messages = say(rasa_url, "clarify", "tôi cần làm chứng thực")
    assert len(messages[0]["buttons"]) == 3
    assert "2.000843" in texts(say(rasa_url, "clarify", messages[0]["buttons"][1]["payload"]))
    # naming only the family of the current procedure is a follow-up about it (knowledge_base.turn); a new
    # conversation gets the choice again and takes a spoken pick
    assert "2.000843" in texts(say(rasa_url, "clarify", "thủ tục chứng thực"))
    assert len(say(rasa_url, "clarify-2", "thủ tục chứng thực")[0]["buttons"]) == 3
    assert "2.000884" in texts(say(rasa_url, "clarify-2", "cái thứ ba"))


def test_english_turns_are_answered_in_english(rasa_url):
    reply = texts(say(rasa_url, "english", "what documents do I need to register a birth"))
    assert "code 1.001193" in reply
    assert "Hello" in texts(say(rasa_url, "english-2", "hello"))


def test_fixed_responses_follow_the_language_of_each_turn(rasa_url):
    # utter_* responses need no action server: Rasa's LanguageSlotPolicy sets the slot they depend on.
    assert "Hello" in texts(say(rasa_url, "switch", "hi there"))
    assert "Không có gì" in texts(say(rasa_url, "switch", "cảm ơn bạn"))
    assert "Goodbye" in texts(say(rasa_url, "switch", "goodbye"))


def test_dossier_form_with_one_bad_code(rasa_url):
    assert "mã hồ sơ" in texts(say(rasa_url, "dossier", "hồ sơ của tôi đến đâu rồi"))
    assert "000.00.20.H26-250801-0001" in texts(say(rasa_url, "dossier", "mã là 12345"))
    assert "4 số cuối" in texts(say(rasa_url, "dossier", "000.00.20.H26-250801-0001"))
    assert "Đang xử lý" in texts(say(rasa_url, "dossier", "1234"))


@pytest.mark.parametrize("message", ["", "a" * 5000, "<script>alert('x')</script>", "😀🙏", "<b>khai sinh</b>"])
def test_odd_messages_get_a_polite_answer_without_echo(rasa_url, message):
    reply = texts(say(rasa_url, f"odd-{len(message)}", message))
    assert reply and "<script>" not in reply and "<b>" not in reply and "aaaaa" not in reply
