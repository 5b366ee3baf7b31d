""".venv-rasa imports the project's Rasa-side modules from any working directory, without PYTHONPATH (the path
file scripts/setup.sh writes), and has exactly the Rasa version the patches were checked against."""

from __future__ import annotations

import subprocess
import sys

import rasa.version

from assistant.components.patches import CHECKED_RASA_VERSION


def test_the_pinned_rasa_is_the_installed_one():
    assert rasa.version.__version__ == CHECKED_RASA_VERSION  # bump requirements/rasa.* and patches.py together


def test_rasa_side_modules_import_outside_the_repository(tmp_path):
    modules = "assistant.components.language_policy, assistant.actions.language, knowledge_base.text"
    result = subprocess.run(
        [sys.executable, "-c", f"import {modules}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=300,
    )
    assert result.returncode == 0, f"run scripts/setup.sh (it writes le_tan_so.pth):\n{result.stderr[-2000:]}"
