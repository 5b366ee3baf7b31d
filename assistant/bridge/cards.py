"""Staff edits of citizen answer cards: validated by the card validator, written to the YAML file, audited, live.

One ``AnswerCards`` object is loaded at start-up and shared by everything in the bridge that answers
(``services.cards.answer_cards.get(code, language)``). A save replaces that card inside the shared object
(``AnswerCards.put``), so a reader sees the new card as soon as the request returns — no reload, no restart.

The saved card also goes into the knowledge change log (assistant.bridge.replica): every other replica puts it into
its own shared object within a second, and at start-up each bridge replays the saved cards over its card files (on
another machine the YAML file written here is not there; the database is what all replicas share).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.bridge.audit import record_change
from assistant.bridge.changes import Change, changes_of_kind
from assistant.bridge.db import Database
from assistant.bridge.replica import KnowledgeSync

log = logging.getLogger(__name__)


class CardRejected(ValueError):
    """A submitted card is invalid; ``problems`` are the validator's lines (shown to staff as they are)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class CardService:
    """The shared answer cards, and the one way staff change them."""

    def __init__(
        self, *, db: Database, directory: Path, answer_cards: Any, procedure: Callable[[str], Any], sync: KnowledgeSync
    ):
        self._db = db
        self._sync = sync
        self.directory = Path(directory)
        self.answer_cards = answer_cards
        """The shared AnswerCards; readers call ``.get(code, language)`` on it."""
        self._procedure = procedure
        self._lock = threading.Lock()
        sync.register("card.", self.apply_change)

    @classmethod
    def load(
        cls, *, db: Database, directory: Path, procedure: Callable[[str], Any], sync: KnowledgeSync
    ) -> CardService:
        """The card files, then every card saved by staff (from the change log, oldest first) over them."""
        from knowledge_base.cards.model import AnswerCards

        service = cls(
            db=db, directory=directory, answer_cards=AnswerCards.load(directory), procedure=procedure, sync=sync
        )
        with db.read() as session:
            for change in changes_of_kind(session, "card.save"):
                service.apply_change(change)
        return service

    def apply_change(self, change: Change) -> None:
        """Put a saved card (this bridge's or another replica's) into the shared cards; idempotent."""
        from knowledge_base.cards.model import CardModel

        if change.kind != "card.save":
            raise ValueError(f"not a card change: {change.kind}")
        model = CardModel.model_validate(change.payload["card"])
        with self._lock:
            self.answer_cards.put(model, change.payload["file"])

    def describe(self, code: str) -> dict:
        """The card as written (vi and en), its file, the record's current hash and what the validator finds."""
        from knowledge_base.cards.check import check_card, record_hash

        model = self.answer_cards.cards.get(code)
        procedure = self._procedure(code)
        return {
            "code": code,
            "card": model.model_dump(mode="json") if model is not None else None,
            "file": self.answer_cards.files.get(code),
            "record_hash": record_hash(procedure) if procedure is not None else None,
            "findings": [f.__dict__ for f in check_card(model, procedure)] if model is not None else [],
        }

    def save(self, code: str, data: Any, *, actor: str) -> tuple[dict, bool]:
        """Validate (model + record check), write atomically, audit, then swap into the shared cards."""
        from knowledge_base.cards.check import check_card
        from knowledge_base.cards.model import CardError, CardModel
        from knowledge_base.cards.write import save_card

        if not isinstance(data, dict):
            raise CardRejected(["Thẻ phải là một đối tượng JSON. / A card must be a JSON object."])
        if data.get("code", code) != code:
            raise CardRejected([f"code {data.get('code')!r} khác mã trong đường dẫn / differs from the path's {code}"])
        try:
            model = CardModel.model_validate({**data, "code": code})
        except ValidationError as exc:
            raise CardRejected(_field_problems(exc)) from None
        procedure = self._procedure(code)
        errors = [f"{f.field}: {f.message}" for f in check_card(model, procedure) if f.level == "error"]
        if errors:
            raise CardRejected(errors)
        with self._sync.edit() as edit:  # caught up with every replica: `previous` is the province's current card
            previous = self.answer_cards.cards.get(code)
            file = self.answer_cards.files.get(code) or self._file_for(procedure)
            before = previous.model_dump(mode="json") if previous is not None else None
            after = model.model_dump(mode="json")
            record_change(
                edit.session,
                actor=actor,
                action="card.update" if previous else "card.create",
                target=code,
                before=before,
                after=after,
            )
            edit.record("card.save", code, {"card": after, "file": file})
            try:  # last inside the transaction: a file that cannot be written rolls the save back
                save_card(self.directory / file, model, comment=getattr(procedure, "name", "")[:100])
            except (CardError, OSError) as exc:
                raise CardRejected([str(exc)]) from None
        return self.describe(code), previous is None

    def _file_for(self, procedure: Any) -> str:
        """A new card goes to the file holding cards of the same catalogue field, else staff_cards.yaml."""
        field = getattr(procedure, "field", None)
        for code, file in sorted(self.answer_cards.files.items()):
            other = self._procedure(code)
            if field and other is not None and other.field == field:
                return file
        return "staff_cards.yaml"


def _field_problems(exc: ValidationError) -> list[str]:
    """One line per problem: the field path and the validator's message."""
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())) or "(card)"
        kind = err.get("type")
        message = (
            "khóa không được phép / unknown key"
            if kind == "extra_forbidden"
            else "thiếu / missing"
            if kind == "missing"
            else err.get("msg", "")
        )
        out.append(f"{where}: {message}")
    return out
