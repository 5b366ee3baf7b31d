"""Grade one turn: the assistant's messages from ``POST /api/chat`` against the turn's ``expect`` plus the checks
every turn gets (at most 3 choices, a short spoken first answer about a procedure, no "…" inside a name, the reply
in the expected language).

What is read from a reply, in order of trust: the structured reply (``data`` on each message, assistant.payload);
for the procedure code only, a code cited in the text when a message carries no structured procedure. A message
without ``data`` counts as kind ``message``. Nothing else is guessed from prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from assistant.actions.language import detect_language
from assistant.payload import MAX_CHOICES
from benchmarks.conversations.scenarios import Turn
from knowledge_base.text import fold, has_diacritics

MAX_SPOKEN_CHARS = 200
"""The first answer about a procedure must be short enough to say aloud (spoken form, else the text)."""
EXCERPT_CHARS = 160
UNDECIDED = "undecided"
TICKET_KINDS = {"ticket", "handoff"}
CHECKS = (
    "kind",
    "code",
    "choices_include",
    "topic",
    "words_any",
    "words_none",
    "language",
    "priority",
    "desk",
    "max_choices",
    "speech_length",
    "ellipsis_name",
)
_CODE = re.compile(r"(?<![\d.])\d\.\d{6}(?![\d])")
_ELLIPSIS_BEFORE_CODE = re.compile(r"(…|\.\.\.)\s*\(?\s*(mã|code)\b", re.IGNORECASE)
_WORD_EDGE = "0-9a-z"
_CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”«»–—\n]+")


@dataclass(frozen=True)
class Message:
    """One assistant message as ``POST /api/chat`` returns it."""

    text: str = ""
    buttons: tuple[dict, ...] = ()
    data: dict | None = None
    """The structured reply (assistant.payload.ReplyPayload as JSON), or None."""

    @classmethod
    def from_json(cls, raw: Any) -> Message:
        raw = raw if isinstance(raw, dict) else {}
        text = raw.get("text") if isinstance(raw.get("text"), str) else ""
        buttons = tuple(b for b in raw.get("buttons") or () if isinstance(b, dict))
        data = raw.get("data") if isinstance(raw.get("data"), dict) else None
        return cls(text, buttons, data)

    @property
    def kind(self) -> str:
        return str(self.data.get("kind") or "message") if self.data else "message"

    @property
    def procedure(self) -> dict:
        return (self.data or {}).get("procedure") or {}

    @property
    def choices(self) -> list[dict]:
        return list((self.data or {}).get("choices") or [])


@dataclass
class TurnResult:
    """The outcome of one turn: each applied check → passed, and what was seen."""

    checks: dict[str, bool] = field(default_factory=dict)
    got: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(self.checks.values())

    @property
    def failed_checks(self) -> list[str]:
        return [name for name, ok in self.checks.items() if not ok]


def cited_codes(text: str) -> list[str]:
    """National procedure codes cited in a text, in order, without repeats."""
    return list(dict.fromkeys(_CODE.findall(text or "")))


def answer_codes(message: Message) -> list[str]:
    """The procedure(s) one message is about: its card's code; for clarify, its choices' codes; else the first
    code cited in its text."""
    if message.procedure.get("code"):
        return [message.procedure["code"]]
    if message.kind == "clarify":
        return [c["code"] for c in message.choices if c.get("code")]
    return cited_codes(message.text)[:1]


def offered_codes(message: Message) -> list[str]:
    """Codes among the choices offered: structured choices, or for a message without data that has buttons, the
    codes cited in its text and buttons."""
    if message.data is not None:
        return [c["code"] for c in message.choices if c.get("code")]
    if not message.buttons:
        return []
    button_text = " ".join(f"{b.get('title', '')} {b.get('payload', '')}" for b in message.buttons)
    return cited_codes(f"{message.text} {button_text}")


def contains_word(text: str, word: str) -> bool:
    """Case- and accent-insensitive match of ``word`` in ``text`` at word boundaries ("phí" not in "phía")."""
    needle = fold(word)
    if not needle:
        return False
    pattern = rf"(?<![{_WORD_EDGE}]){re.escape(needle)}(?![{_WORD_EDGE}])"
    return re.search(pattern, fold(text)) is not None


def reply_language(text: str) -> str:
    """The language of an assistant reply: "vi", "en", "none" for an empty reply, or UNDECIDED for a text with
    neither diacritics nor telltale words ("OK", "U006"), which passes either expectation.

    English replies quote Vietnamese names, documents and hours from the catalogue and the ward map ("Procedure
    Đăng ký khai sinh (code 1.001193) needs: Tờ khai…"), so accented words say nothing about the reply's own
    wording. The detector (assistant.actions.language) judges first the clauses of two or more words without
    any diacritic ("code 1", "Would you like a queue ticket"); when they do not decide, all the words without
    diacritics; when those do not decide either, any diacritic means Vietnamese.
    """
    if not text.strip():
        return "none"
    clauses = [c for c in _CLAUSE.split(text) if len(c.split()) >= 2 and not has_diacritics(c)]
    words = [w for w in text.split() if not has_diacritics(w)]
    for view in (" ".join(clauses), " ".join(words)):
        guess = detect_language(view, previous="vi")
        if guess == detect_language(view, previous="en"):  # decided by the words, not by the fallback
            return guess
    return "vi" if has_diacritics(text) else UNDECIDED


def spoken_form(message: Message) -> str:
    speech = (message.data or {}).get("speech")
    return speech if isinstance(speech, str) and speech.strip() else message.text


def is_procedure_answer(message: Message) -> bool:
    """An answer about one procedure: kind procedure, or (without data) a text citing a code."""
    if message.data is not None:
        return message.kind == "procedure"
    return bool(cited_codes(message.text))


def _names(message: Message) -> Iterable[str]:
    card = message.procedure
    yield from (card.get("name") or "", card.get("official_name") or "")
    yield from (c.get("title") or "" for c in message.choices)
    yield from (b.get("title") or "" for b in message.buttons)


def has_truncated_name(message: Message) -> bool:
    """A name cut with "…": in the card, a choice or a button, or right before a code cited in the text."""
    if any("…" in name or name.rstrip().endswith("...") for name in _names(message)):
        return True
    return _ELLIPSIS_BEFORE_CODE.search(message.text) is not None


def _ticket_or_desk(messages: list[Message]) -> tuple[list[bool], list[str]]:
    priorities, desks = [], []
    for m in messages:
        data = m.data or {}
        ticket = data.get("ticket") or {}
        if "priority" in ticket:
            priorities.append(bool(ticket["priority"]))
        for desk in (ticket.get("desk"), data.get("desk"), m.procedure.get("desk")):
            if isinstance(desk, dict) and desk.get("id"):
                desks.append(desk["id"])
    return priorities, desks


def grade_turn(
    turn: Turn, language: str, raw_messages: list[Any], *, first_procedure_answer: bool = True
) -> TurnResult:
    """Grade one reply. ``first_procedure_answer``: no earlier turn of the scenario answered about a procedure
    (the spoken-length check applies to the first such answer only)."""
    messages = [Message.from_json(raw) for raw in raw_messages]
    expect = turn.expect
    result = TurnResult()
    kinds = [m.kind for m in messages] or ["none"]
    codes = list(dict.fromkeys(code for m in messages for code in answer_codes(m)))
    offered = list(dict.fromkeys(code for m in messages for code in offered_codes(m)))
    topics = [m.procedure.get("topic") for m in messages if m.procedure.get("topic")]
    priorities, desks = _ticket_or_desk(messages)
    shown = " ".join([m.text for m in messages] + [b.get("title") or "" for m in messages for b in m.buttons])
    text = " ".join(m.text for m in messages)
    got_language = reply_language(text)
    result.got = {
        "kinds": kinds,
        "codes": codes,
        "offered": offered,
        "topics": topics,
        "priority": priorities,
        "desks": desks,
        "language": got_language,
        "reply": text,
    }

    checks = result.checks
    if expect.kind is not None:
        checks["kind"] = any(kind in expect.kind for kind in kinds)
    if expect.code is not None:
        checks["code"] = any(code in expect.code for code in codes)
    if expect.choices_include is not None:
        checks["choices_include"] = any(code in expect.choices_include for code in offered)
    if expect.topic is not None:
        checks["topic"] = expect.topic in topics
    if expect.words_any is not None:
        checks["words_any"] = any(contains_word(shown, word) for word in expect.words_any)
    if expect.words_none is not None:
        checks["words_none"] = not any(contains_word(shown, word) for word in expect.words_none)
    # a ticket's priority: judged when a ticket was issued, or when nothing but a ticket is acceptable (a turn that
    # also accepts "which procedure is the number for?" has no ticket to judge yet)
    if expect.priority is not None and (priorities or set(expect.kind or ()) <= TICKET_KINDS):
        checks["priority"] = expect.priority in priorities
    if expect.desk is not None:
        checks["desk"] = expect.desk in desks
    checks["language"] = got_language in (expect.language or language, UNDECIDED)
    checks["max_choices"] = all(
        (len(m.choices) if m.data is not None else len(m.buttons)) <= MAX_CHOICES for m in messages
    )
    answers = [m for m in messages if is_procedure_answer(m)]
    if first_procedure_answer and answers:
        spoken = spoken_form(answers[0])
        result.got["spoken_chars"] = len(spoken)
        checks["speech_length"] = len(spoken) <= MAX_SPOKEN_CHARS
    checks["ellipsis_name"] = not any(has_truncated_name(m) for m in messages)
    result.got["procedure_answer"] = bool(answers)
    return result
