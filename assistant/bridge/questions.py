"""Question log for staff reports: redacted search questions with their outcome; feedback storage."""
from __future__ import annotations

from sqlalchemy import func, select

from assistant.bridge.db import Database, as_utc, utcnow
from assistant.bridge.models import Feedback, QuestionLog
from assistant.bridge.redaction import redact
from knowledge_base.text import clean

MAX_LOGGED_CHARS = 500


def log_question(db: Database, *, query: str, confidence: str, top_code: str | None) -> None:
    """Store a search question, scrubbed of personal data first."""
    text = redact(clean(query, max_chars=MAX_LOGGED_CHARS))
    if not text:
        return
    with db.write() as session:
        session.add(QuestionLog(at=utcnow(), query=text, confidence=confidence, top_code=top_code))


def add_feedback(db: Database, *, conversation_id: str, rating: int, comment: str) -> int:
    with db.write() as session:
        row = Feedback(conversation_id=conversation_id, rating=rating, comment=redact(clean(comment, max_chars=2000)), at=utcnow())
        session.add(row)
        session.flush()
        return row.id


def build_report(db: Database, *, names: dict[str, str], limit: int = 20) -> dict:
    """Most-asked procedures (confident answers), unanswered questions (no_match) and the average rating."""
    with db.read() as session:
        asked = session.execute(
            select(QuestionLog.top_code, func.count().label("n")).where(QuestionLog.confidence == "confident", QuestionLog.top_code.is_not(None))
            .group_by(QuestionLog.top_code).order_by(func.count().desc(), QuestionLog.top_code).limit(limit)).all()
        unanswered = session.execute(
            select(QuestionLog.query, func.count().label("n"), func.max(QuestionLog.at).label("last"))
            .where(QuestionLog.confidence == "no_match").group_by(QuestionLog.query)
            .order_by(func.count().desc(), func.max(QuestionLog.at).desc()).limit(limit)).all()
        rating_avg, rating_count = session.execute(select(func.avg(Feedback.rating), func.count(Feedback.id))).one()
        total_questions = session.execute(select(func.count(QuestionLog.id))).scalar()
        recent_comments = session.execute(
            select(Feedback.rating, Feedback.comment, Feedback.at).where(Feedback.comment != "").order_by(Feedback.id.desc()).limit(limit)).all()
    return {
        "questions_total": total_questions,
        "most_asked": [{"code": code, "name": names.get(code, ""), "count": n} for code, n in asked],
        "unanswered": [{"query": q, "count": n, "last_asked_at": as_utc(last).isoformat()} for q, n, last in unanswered],
        "feedback": {"average_rating": round(float(rating_avg), 2) if rating_avg is not None else None, "count": rating_count,
                     "recent_comments": [{"rating": r, "comment": c, "at": as_utc(at).isoformat()} for r, c, at in recent_comments]},
    }
