"""Staff API tokens: random 32-byte tokens, only their sha256 stored; roles viewer < editor < admin.

A fourth role, "desk", stands apart from that ladder: a desk officer's token scoped to one desk, good only for
calling that desk's tickets (the /desk page) — never for reading or editing the knowledge. A fifth, "kiosk", is a
kiosk device's token: it names the kiosk (its `name`) and binds it to a ward, and is good for nothing else.

Every token is either province-wide (`ward_id` None: the only ones that may edit procedures, aliases and answer cards
or import) or a ward's (it sees and acts on that ward's desks, tickets, reports and question log only).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from assistant.bridge.db import Database, utcnow
from assistant.bridge.models import ApiToken

ROLES = ("viewer", "editor", "admin")
DESK_ROLE = "desk"
KIOSK_ROLE = "kiosk"
DEVICE_ROLES = (DESK_ROLE, KIOSK_ROLE)
"""Roles of one place (a desk, a kiosk) outside the staff ladder: each is good only for itself."""
TOKEN_PREFIX = "lts_"


@dataclass(frozen=True)
class StaffIdentity:
    token_id: int
    name: str
    role: str
    desk_id: str | None = None
    """Role "desk": the desk this token may call tickets for."""
    ward_id: int | None = None
    """The token's ward; None: province-wide."""

    @property
    def actor(self) -> str:
        """How this person appears in the audit log."""
        return f"{self.name} (token #{self.token_id}, {self.role})"

    def may(self, role: str) -> bool:
        if self.role in DEVICE_ROLES or role in DEVICE_ROLES:
            return self.role == role
        return ROLES.index(self.role) >= ROLES.index(role)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    db: Database, *, role: str, name: str, desk: str | None = None, ward_id: int | None = None
) -> tuple[str, int]:
    """Create a token; returns (plain token — shown once, never stored, token id). Role "desk" needs `desk` and
    `ward_id`, role "kiosk" `ward_id` (its `name` is the kiosk's id); other roles are province-wide without
    `ward_id`."""
    if role not in ROLES + DEVICE_ROLES:
        raise ValueError(f"role must be one of {ROLES + DEVICE_ROLES}")
    if (role == DESK_ROLE) != bool(desk):
        raise ValueError("a desk token needs --desk (and only a desk token takes one)")
    if role in DEVICE_ROLES and ward_id is None:
        raise ValueError(f"a {role} token belongs to a ward")
    name = " ".join(name.split())[:100] or "staff"
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write() as session:
        row = ApiToken(
            name=name,
            role=role,
            token_hash=hash_token(token),
            created_at=utcnow(),
            desk_id=desk or None,
            ward_id=ward_id,
        )
        session.add(row)
        session.flush()
        token_id = row.id
    return token, token_id


def identify(db: Database, token: str) -> StaffIdentity | None:
    """The staff member holding this token, or None (unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    with db.read() as session:
        row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return StaffIdentity(token_id=row.id, name=row.name, role=row.role, desk_id=row.desk_id, ward_id=row.ward_id)


def list_tokens(db: Database) -> list[dict]:
    with db.read() as session:
        rows = session.execute(select(ApiToken).order_by(ApiToken.id)).scalars().all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "role": r.role,
            "desk": r.desk_id,
            "ward_id": r.ward_id,
            "created_at": r.created_at,
            "revoked": r.revoked_at is not None,
        }
        for r in rows
    ]


def revoke_token(db: Database, token_id: int) -> bool:
    """Revoke by id; False when there is no such token."""
    with db.write() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            return False
        row.revoked_at = row.revoked_at or utcnow()
    return True
