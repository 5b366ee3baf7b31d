"""Migration 2: a question log written with raw (weakly redacted) questions is rewritten to keyword forms."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from assistant.bridge.db import make_engine
from assistant.bridge.migrations import MIGRATIONS, current_version, migrate
from tests.bridge.conftest import sqlite_only

pytestmark = pytest.mark.unmigrated  # the tests build a version 1 database

OLD_ROWS = [  # as the released version 1 stored them: the old redactor missed these names and numbers
    ("đăng ký tạm trú cho chị Ngô Thị Lan, căn cước 001.203.004.567", "no_match"),
    ("Họ tên: Trần văn bình hỏi nuôi rồng", "no_match"),
    ("tên tôi là [tên], gọi [số điện thoại]", "no_match"),  # nothing but personal data and question words
    ("làm giấy khai sinh", "confident"),
]
SECRETS = ["Ngô Thị Lan", "001.203.004.567", "Trần văn bình", "0912-345-678"]


def _version_1_database(settings):
    engine = make_engine(settings)
    migrate(engine, MIGRATIONS[:1])
    with engine.begin() as conn:
        # Migration 1 builds today's model; the released table named the column "query".
        conn.execute(text("ALTER TABLE question_log RENAME COLUMN keywords TO query"))
        for query, confidence in OLD_ROWS:
            conn.execute(
                text("INSERT INTO question_log (at, query, confidence) VALUES ('2026-01-01 00:00:00', :q, :c)"),
                {"q": query, "c": confidence},
            )
        conn.execute(
            text(
                "INSERT INTO feedback (conversation_id, rating, comment, at) "
                "VALUES ('c1', 2, 'ông Nguyễn Văn Tư gọi 0912-345-678', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()  # closing checkpoints the WAL: the old rows sit in the main file, as in a long-running install
    return make_engine(settings)


def test_old_questions_become_keywords_and_empty_ones_are_dropped(settings):
    engine = _version_1_database(settings)
    assert (
        migrate(engine) == [number for number, _, _ in MIGRATIONS[1:]] and current_version(engine) == MIGRATIONS[-1][0]
    )
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT keywords, confidence FROM question_log ORDER BY id")).all()
        comment = conn.execute(text("SELECT comment FROM feedback")).scalar()
    engine.dispose()
    assert rows == [
        ("dang ky tam tru can cuoc", "no_match"),
        ("nuoi rong", "no_match"),
        ("giay khai sinh", "confident"),
    ]
    assert comment == "ông [tên] gọi [số điện thoại]"


@sqlite_only
def test_old_questions_are_gone_from_the_file_itself(settings):
    engine = _version_1_database(settings)
    migrate(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the main file
    raw = b"".join(path.read_bytes() for path in settings.data_dir.glob("*") if path.is_file())
    for secret in SECRETS + ["Nguyễn Văn Tư"]:
        assert secret.encode() not in raw, secret
