"""Where dossier statuses come from: the `DossierSource` protocol and the local-database source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select

from assistant.bridge.db import Database
from assistant.bridge.dossiers.codes import digits_match, hash_last4
from assistant.bridge.models import Dossier, Ward


class SourceUnavailable(RuntimeError):
    """The source could not answer (timeout, 5xx, circuit open) and nothing usable is cached."""


@dataclass(frozen=True)
class DossierRecord:
    """What a source knows about one dossier (no personal data)."""

    code: str
    status_code: int
    procedure_code: str
    procedure_name: str
    received_at: date | None
    due_at: date | None
    pickup_desk_id: str | None
    ward: str | None = None
    """Code of the ward whose desk hands the result over (None or a code no ward file has: the default ward)."""
    stale: bool = False
    """True when served from the cache because the live source was unavailable."""


class DossierSource(Protocol):
    def find(self, code: str, id_last4: str) -> DossierRecord | None:
        """The dossier if the code exists AND the digits match, else None (never says which).

        May raise SourceUnavailable."""


_DUMMY_SALT = "0" * 32


class LocalDossierSource:
    """Dossiers stored in the bridge database (entered by staff or by `seed-demo`)."""

    def __init__(self, db: Database, *, pepper: str):
        self._db, self._pepper = db, pepper
        self._dummy_hash = hash_last4("0000", salt=_DUMMY_SALT, pepper=pepper)

    def find(self, code: str, id_last4: str) -> DossierRecord | None:
        with self._db.read() as session:
            found = session.execute(
                select(Dossier, Ward.code).outerjoin(Ward, Ward.id == Dossier.ward_id).where(Dossier.code == code)
            ).one_or_none()
        row, ward = found if found is not None else (None, None)
        if row is None:
            # Same work as a wrong-digit attempt, so timing does not tell whether the code exists.
            digits_match(id_last4, salt=_DUMMY_SALT, stored_hash=self._dummy_hash[::-1], pepper=self._pepper)
            return None
        if not digits_match(id_last4, salt=row.id_last4_salt, stored_hash=row.id_last4_hash, pepper=self._pepper):
            return None
        return DossierRecord(
            code=row.code,
            status_code=row.status_code,
            procedure_code=row.procedure_code,
            procedure_name=row.procedure_name,
            received_at=row.received_at,
            due_at=row.due_at,
            pickup_desk_id=row.pickup_desk_id,
            ward=ward,
        )
