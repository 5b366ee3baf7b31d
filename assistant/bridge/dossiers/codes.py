"""Dossier code shape `<agency code>-<yyMMdd>-<NNNN>` and ID-digit hashing."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

EXAMPLE_CODE = "000.00.20.H26-250801-0001"
_CODE = re.compile(r"^(?P<agency>[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){0,5})-(?P<day>\d{6})-(?P<seq>\d{4,6})$")
_LAST4 = re.compile(r"^\d{4}$")


def normalise_code(raw: str) -> str | None:
    """Upper-case and strip spaces; None when it is not a dossier code (including impossible dates)."""
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    code = "".join(raw.split()).upper()
    match = _CODE.match(code)
    if not match:
        return None
    day = match["day"]
    try:
        date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
    except ValueError:
        return None
    return code


def valid_last4(raw: str) -> bool:
    return isinstance(raw, str) and bool(_LAST4.match(raw.strip()))


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_last4(last4: str, *, salt: str, pepper: str) -> str:
    """HMAC-SHA256 keyed by pepper+salt. Four digits are only 10^4 values: the pepper (kept out of the DB) is the real
    protection."""
    return hmac.new(f"{pepper}:{salt}".encode(), last4.strip().encode(), hashlib.sha256).hexdigest()


def digits_match(last4: str, *, salt: str, stored_hash: str, pepper: str) -> bool:
    """Constant-time comparison of the offered digits against the stored hash."""
    return hmac.compare_digest(hash_last4(last4, salt=salt, pepper=pepper), stored_hash)
