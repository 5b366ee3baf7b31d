"""Run a probe script inside real Rasa (.venv-rasa, Python 3.10) and read the JSON it prints last."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests.assistant.test_action_server import ROOT

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MODEL = ROOT / "models" / "rasa" / "assistant.tar.gz"


def run_probe(script: str, *args: str, stdin: str | None = None, needs_model: bool = False) -> object:
    """The probe's last stdout line, parsed as JSON; skips the test when .venv-rasa (or the model) is missing."""
    if not RASA_PYTHON.exists():
        pytest.skip("no .venv-rasa (make setup)")
    if needs_model and not MODEL.exists():
        pytest.skip("no trained Rasa model (make setup)")
    result = subprocess.run([str(RASA_PYTHON), "-c", script, *args], input=stdin, capture_output=True, text=True,
                            cwd=ROOT, timeout=300, env={"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                                                        "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
