"""tests/rasa/ runs in .venv-rasa (Python 3.10, Rasa 3.6; `assistant/scripts/rasa_checks.sh` runs it); every other
folder runs in .venv (Python 3.11). Each interpreter collects only its own folders."""

import importlib.util
import re
from pathlib import Path

_FOLDERS = [p.name for p in Path(__file__).parent.iterdir() if p.is_dir() and (p / "__init__.py").exists()]

if importlib.util.find_spec("rasa") is not None:  # .venv-rasa
    collect_ignore = [name for name in _FOLDERS if name != "rasa"]
else:
    collect_ignore = ["rasa"]

_SLOW_KINDS = ("browser", "rasa", "models", "postgres", "redis")
_MODULE_MARK = re.compile(r"^pytestmark\s*=(.*?)(?:\n\s*\n|\Z)", re.MULTILINE | re.DOTALL)
_SLOW_MARK = re.compile(r"pytest\.mark\.(?:slow|" + "|".join(_SLOW_KINDS) + r")\b")


def pytest_ignore_collect(collection_path, config):
    """With slow tests deselected (`-m "not slow …"`: make test-fast, make test-api), a module whose every test is
    slow by its module-level ``pytestmark`` is not imported at all: importing it (a browser driver, schemathesis, a
    model loader) costs each worker time for tests that would be deselected anyway."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    if "not slow" not in (config.option.markexpr or ""):
        return None
    head = _MODULE_MARK.search(collection_path.read_text(encoding="utf-8"))
    return True if head and _SLOW_MARK.search(head.group(1)) else None


def pytest_collection_modifyitems(items):
    """The PostgreSQL run of a both_engines test is marked postgres; a test marked browser, rasa, models, postgres
    or redis is slow too: `-m "not slow"` (make test-api) leaves all of them out. A test on the bridge's database
    fixture (tests/bridge/conftest.py: an app started in-process over a SQLite file) is marked app: make test-fast
    leaves those out as well."""
    import pytest

    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.app)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_engine") == "postgresql":
            item.add_marker(pytest.mark.postgres)
        if any(item.get_closest_marker(kind) for kind in _SLOW_KINDS):
            item.add_marker(pytest.mark.slow)
