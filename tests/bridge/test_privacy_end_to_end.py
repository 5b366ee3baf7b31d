"""The privacy corpus through the real bridge: every message is searched, chatted and left as feedback, then the
bridge's log file and stderr, every text column of every table (and the SQLite files' bytes) and the staff reports
are searched for each personal token. None may be found.

Real: the app and its lifespan, the SQLite database and migrations, the logging set-up of `serve`, the question
recorder, the reports. Fake: the dialogue engine (a recording echo, down for some turns) and the search engine
(answers from canned outcomes) — what is tested is what the bridge keeps.
"""

from __future__ import annotations

import logging
import sqlite3

import pytest

from assistant.bridge.logging_setup import configure_logging
from assistant.bridge.web.dialogue import BotMessage
from assistant.bridge.web.relay import ChatRelay
from knowledge_base.search import SearchHit, SearchOutcome
from tests.bridge.conftest import sqlite_only
from tests.bridge.fakes_web import RecordingDialogueClient
from tests.bridge.privacy_support import leaks_in, load_corpus

pytestmark = sqlite_only  # greps the SQLite file itself


@pytest.fixture
def bridge_logging(settings):
    """The logging `python -m assistant.bridge serve` installs (file + stderr, redacting), at DEBUG; restored after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    saved_uvicorn = {
        name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate)
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    }
    log_file = settings.data_dir / "bridge.log"
    configure_logging(settings.model_copy(update={"log_file": log_file, "log_level": "DEBUG"}))
    try:
        yield log_file
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        for name, (handlers, propagate) in saved_uvicorn.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).propagate = propagate


def _database_text(path) -> str:
    """Every value of every column of every table, as text."""
    conn = sqlite3.connect(path)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        parts = []
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                parts.extend(str(value) for value in row if value is not None)
        return "\n".join(parts)
    finally:
        conn.close()


@pytest.mark.slow  # whole conversations through the bridge and the database
def test_full_conversations_leave_no_personal_data(
    settings, searcher, make_client, staff_headers, bridge_logging, capfd
):
    corpus = load_corpus()
    birth = SearchOutcome("q", "confident", [SearchHit("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", 0.9)])
    for item in corpus[::3]:  # some questions are answered, the rest are "unanswered" in the report
        searcher.canned[item.message] = birth
    dialogue = RecordingDialogueClient(lambda message: [BotMessage(f"Bạn hỏi: {message}")])
    down = RecordingDialogueClient(unavailable=True)
    client = make_client()
    for index, item in enumerate(corpus):
        sender = f"privacy-{index:03d}"
        client.app.state.chat_relay = ChatRelay(down if index % 7 == 0 else dialogue)
        assert client.get("/api/procedures/search", params={"q": item.message}).status_code == 200
        assert client.post("/api/chat", json={"sender": sender, "message": item.message}).status_code == 200
        assert (
            client.post(
                "/api/feedback", json={"conversation_id": sender, "rating": 1 + index % 5, "comment": item.message}
            ).status_code
            == 201
        )
    client.app.state.services.questions.flush()
    reports = client.get("/api/staff/reports", params={"limit": 200}, headers=staff_headers["viewer"])
    audit = client.get("/api/staff/audit", headers=staff_headers["viewer"])
    assert reports.status_code == 200 and audit.status_code == 200

    report = reports.json()
    # The question log did record the questions (those with something left once names and numbers are gone) ...
    assert report["questions_total"] >= 100
    assert report["most_asked"][0]["code"] == "1.001193"
    assert len(report["unanswered"]) > 20 and report["feedback"]["count"] == len(corpus)
    log_text = bridge_logging.read_text(encoding="utf-8")
    assert (
        "search no_match" in log_text and "GET http://testserver/api/procedures/search" in log_text
    )  # ... the log too

    database = settings.data_dir / "bridge.sqlite3"
    places = {
        "log file": log_text,
        "stderr": capfd.readouterr().err,
        "database": _database_text(database),
        "database files": b"".join(p.read_bytes() for p in settings.data_dir.glob("bridge.sqlite3*")).decode(
            "utf-8", "replace"
        ),
        "reports": reports.text + audit.text,
    }
    tokens = [token for item in corpus for token in item.personal]
    leaks = [
        (where, token, probes)
        for where, text in places.items()
        for token, probes in leaks_in(text, tokens).items()
        if probes
    ]
    assert not leaks, leaks[:20]
