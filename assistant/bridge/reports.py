"""Staff reports: most-asked procedures, unanswered questions (keyword forms, junk left out), ratings; CSV export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from assistant.bridge.db import Database, as_utc
from assistant.bridge.models import Feedback, QuestionLog

_LETTER = re.compile(r"[^\W\d_]")
_REPEAT = re.compile(r"(.)\1\1")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_MASH_RUN = 4


def _keyboard_run(word: str) -> bool:
    """True when the word holds 4 neighbouring keys of one keyboard row ("asdf", "rewq", "hjkl")."""
    for row in _KEYBOARD_ROWS:
        for start in range(len(row) - _MASH_RUN + 1):
            run = row[start : start + _MASH_RUN]
            if run in word or run[::-1] in word:
                return True
    return False


def _mash(word: str) -> bool:
    letters = "".join(_LETTER.findall(word))
    if not letters:
        return True
    return bool(_REPEAT.search(letters)) or _keyboard_run(letters)  # not "no vowel": bhxh, cccd, gplx are real


def is_junk(keywords: str) -> bool:
    """A logged question form nobody can act on: no letters, a single character, or keyboard mash only.

    The forms are accent-folded lower case (``assistant.privacy.keywords``). Mash is three repeats of a letter
    or four neighbouring keys of a row; words without vowels are kept (citizens type bhxh, cccd, gplx).
    """
    real = [word for word in (keywords or "").split() if not _mash(word)]
    return sum(len(_LETTER.findall(word)) for word in real) < 2


def _bounds(since: date | None, until: date | None, tz: timezone) -> tuple[datetime | None, datetime | None]:
    """[since 00:00, until+1 00:00) in the ward's time zone, as UTC instants."""
    start = datetime.combine(since, time.min, tz) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, tz) if until else None
    return start, end


def build_report(
    db: Database,
    *,
    name_of: Callable[[str], str],
    limit: int = 20,
    since: date | None = None,
    until: date | None = None,
    tz=timezone.utc,
    ward_id: int | None = None,
) -> dict:
    """Most-asked procedures (confident answers), unanswered questions (no_match, as keywords, junk left out),
    ratings — between ``since`` and ``until`` (whole days in ``tz``, both included) when given; of one ward when
    ``ward_id`` is given, else of every ward."""
    start, end = _bounds(since, until, tz)

    def within(column, query):
        if ward_id is not None:
            query = query.where(column.class_.ward_id == ward_id)
        if start is not None:
            query = query.where(column >= start)
        if end is not None:
            query = query.where(column < end)
        return query

    with db.read() as session:
        asked = session.execute(
            within(
                QuestionLog.at,
                select(QuestionLog.top_code, func.count().label("n")).where(
                    QuestionLog.confidence == "confident", QuestionLog.top_code.is_not(None)
                ),
            )
            .group_by(QuestionLog.top_code)
            .order_by(func.count().desc(), QuestionLog.top_code)
            .limit(limit)
        ).all()
        unanswered_rows = session.execute(
            within(
                QuestionLog.at,
                select(QuestionLog.keywords, func.count().label("n"), func.max(QuestionLog.at).label("last")).where(
                    QuestionLog.confidence == "no_match"
                ),
            )
            .group_by(QuestionLog.keywords)
            .order_by(func.count().desc(), func.max(QuestionLog.at).desc())
        ).all()
        rating_avg, rating_count = session.execute(
            within(Feedback.at, select(func.avg(Feedback.rating), func.count(Feedback.id)))
        ).one()
        total_questions = session.execute(within(QuestionLog.at, select(func.count(QuestionLog.id)))).scalar()
        recent_comments = session.execute(
            within(Feedback.at, select(Feedback.rating, Feedback.comment, Feedback.at).where(Feedback.comment != ""))
            .order_by(Feedback.id.desc())
            .limit(limit)
        ).all()
    unanswered = [(k, n, last) for k, n, last in unanswered_rows if not is_junk(k)]
    return {
        "period": {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None},
        "questions_total": total_questions,
        "most_asked": [{"code": code, "name": name_of(code), "count": n} for code, n in asked],
        "unanswered": [
            {"keywords": k, "count": n, "last_asked_at": as_utc(last).isoformat()} for k, n, last in unanswered[:limit]
        ],
        "junk_left_out": len(unanswered_rows) - len(unanswered),
        "feedback": {
            "average_rating": round(float(rating_avg), 2) if rating_avg is not None else None,
            "count": rating_count,
            "recent_comments": [
                {"rating": r, "comment": c, "at": as_utc(at).isoformat()} for r, c, at in recent_comments
            ],
        },
    }


def report_csv(report: dict) -> str:
    """The report's tables as one CSV (a `section` column says which table a row belongs to).

    UTF-8 with BOM, for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "code", "name_or_keywords", "count", "last_asked_at"])
    for row in report["most_asked"]:
        writer.writerow(["most_asked", row["code"], row["name"], row["count"], ""])
    for row in report["unanswered"]:
        writer.writerow(["unanswered", "", row["keywords"], row["count"], row["last_asked_at"]])
    return "\ufeff" + out.getvalue()
