"""Who is asking, for the lookup lockout: a keyed hash of the real remote address, never a header the public sets.

Only our own action server, proving itself with the service secret (`X-Service-Token`), may name the citizen
behind its request with `X-Client-Id` — and only with a key of this same shape, which the chat relay made
from the citizen's remote address and passed to Rasa as message metadata. The hash keeps addresses out of
the database; it is keyed with the pepper so it cannot be reversed by trying all IPv4 addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import re

CLIENT_HEADER = "x-client-id"
SERVICE_TOKEN_HEADER = "x-service-token"
CLIENT_METADATA_KEY = "client"
WARD_METADATA_KEY = "ward"
"""Message metadata: the code of the ward the turn came from (the widget's or the kiosk's); `ward_id` its id."""
KIOSK_METADATA_KEY = "kiosk_id"
"""Message metadata: the kiosk device a turn came from (its device token's name)."""
"""The key of the Rasa message metadata that carries the citizen's client key."""
_CLIENT_KEY = re.compile(r"^a-[0-9a-f]{20}$")


def address_key(host: str, *, secret: str) -> str:
    """A stable, non-reversible key for one remote address."""
    return "a-" + hmac.new(secret.encode(), f"client:{host}".encode(), hashlib.sha256).hexdigest()[:20]


def is_client_key(value: object) -> bool:
    return isinstance(value, str) and bool(_CLIENT_KEY.fullmatch(value))


def service_token_ok(offered: str, expected: str) -> bool:
    """Constant-time check; an unset secret never matches."""
    return bool(expected) and hmac.compare_digest(offered.encode(), expected.encode())


def client_identity(*, host: str, headers, secret: str, service_token: str) -> str:
    """The remote address's key, or the forwarded key when our own service vouches for it."""
    forwarded = headers.get(CLIENT_HEADER, "").strip()
    if (
        forwarded
        and is_client_key(forwarded)
        and service_token_ok(headers.get(SERVICE_TOKEN_HEADER, ""), service_token)
    ):
        return forwarded
    return address_key(host, secret=secret)
