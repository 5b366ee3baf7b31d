"""The private stack starter's failure paths, with tiny stand-in processes instead of the real services."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.stack import Stack, StackError, rasa_command


def test_no_trained_model_is_a_clear_error(tmp_path):
    with pytest.raises(StackError, match="no trained Rasa model"):
        Stack.start(model=tmp_path / "missing.tar.gz")


def test_rasa_command_names_the_port_model_and_endpoints(tmp_path):
    command = rasa_command(5123, tmp_path / "m.tar.gz", tmp_path / "endpoints.yml")
    assert (
        command[1:4] == ["-m", "assistant.rasa_launcher", "run"] and "--enable-api" not in command and "5123" in command
    )
    assert str(tmp_path / "m.tar.gz") in command and str(tmp_path / "endpoints.yml") in command


def test_a_service_that_dies_while_starting_is_reported_with_its_log(tmp_path):
    stack = Stack(tmp_path, 1, 2, 3)
    stack._launch(
        "bridge",
        [sys.executable, "-c", "print('cannot open index'); raise SystemExit(3)"],
        tmp_path,
        {},
        "http://127.0.0.1:9/health",
    )
    with pytest.raises(StackError, match=r"(?s)bridge exited with code 3.*cannot open index"):
        stack._wait_ready(stack.services[0], 60)
    stack.stop()
    assert tmp_path.exists() is False


def test_stop_ends_a_running_service_and_keeps_the_logs_when_asked(tmp_path):
    stack = Stack(tmp_path, 1, 2, 3, keep_logs=True)
    stack._launch(
        "actions",
        [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"],
        tmp_path,
        {},
        "http://127.0.0.1:9/health",
    )
    process = stack.services[0].process
    stack.stop(timeout=10)
    assert process.poll() is not None and Path(tmp_path / "actions.log").exists()
