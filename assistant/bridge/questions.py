"""Question log for staff reports (keyword forms only, written in batches off the request path); feedback storage."""

from __future__ import annotations

import logging
import queue
import threading

from assistant.bridge.db import Database, utcnow
from assistant.bridge.models import Feedback, QuestionLog
from assistant.privacy import keywords, redact
from knowledge_base.text import clean

MAX_LOGGED_CHARS = 500
log = logging.getLogger(__name__)


class QuestionRecorder:
    """Stores the keyword form of search questions (no names, no numbers, never the text) in batches.

    Searching must not wait for a disk sync per question. The price: questions still queued when the
    process is killed are lost — acceptable for statistics (staff edits, by contrast, are committed
    before they are acknowledged). `flush()` waits until everything queued so far is stored.
    """

    def __init__(self, db: Database, *, batch_size: int = 200):
        self._db, self._batch_size = db, batch_size
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="question-recorder", daemon=True)
        self._thread.start()

    def record(
        self, *, query: str, confidence: str, top_code: str | None, ward_id: int, form: str | None = None
    ) -> None:
        """Queue a question's keyword form (`form` when the caller already has it, else made from `query`) under the
        ward it was asked in."""
        form = keywords(clean(query, max_chars=MAX_LOGGED_CHARS)) if form is None else form
        if form:
            self._queue.put(
                QuestionLog(at=utcnow(), keywords=form, confidence=confidence, top_code=top_code, ward_id=ward_id)
            )

    def flush(self, timeout_s: float = 10.0) -> None:
        done = threading.Event()
        self._queue.put(done)
        done.wait(timeout_s)

    def close(self) -> None:
        self.flush()
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            batch, markers, stop = [], [], False
            while True:
                if item is None:
                    stop = True
                elif isinstance(item, threading.Event):
                    markers.append(item)
                else:
                    batch.append(item)
                if stop or len(batch) >= self._batch_size:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                try:
                    with self._db.write() as session:
                        session.add_all(batch)
                except Exception:  # statistics only; never take the service down
                    log.exception("could not store %d questions", len(batch))
            for marker in markers:
                marker.set()
            if stop:
                return


def add_feedback(db: Database, *, ward_id: int, conversation_id: str, rating: int, comment: str) -> int:
    with db.write() as session:
        row = Feedback(
            ward_id=ward_id,
            conversation_id=conversation_id,
            rating=rating,
            comment=redact(clean(comment, max_chars=2000)),
            at=utcnow(),
        )
        session.add(row)
        session.flush()
        return row.id
