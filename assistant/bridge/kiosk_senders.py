"""Signed kiosk conversation ids: a kiosk page that reconnects (bridge restarted, another bridge replica, Wi-Fi
gone for a moment) continues its conversation, and a page cannot pick up another kiosk's conversation.

The bridge issues `<sender>.<signature>` on the socket's "ready" (and after a "reset"); the page keeps it in
sessionStorage and offers it back as `/ws/kiosk?resume=…`. The signature is an HMAC keyed with the bridge's
dossier pepper (a private value every replica shares; the demo value only in demo mode), so every replica accepts
what another issued. A missing, malformed or forged token simply starts a new conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_SENDER = re.compile(r"^kiosk-[0-9a-f]{16}$")
_SIGNATURE_CHARS = 32


def _signature(sender: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"kiosk-sender:{sender}".encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_CHARS]


def issue(sender: str, *, secret: str) -> str:
    """The token a page may offer back to resume `sender`."""
    return f"{sender}.{_signature(sender, secret)}"


def resumed_sender(token: str | None, *, secret: str) -> str | None:
    """The sender a token names when this bridge (or a replica with the same secret) issued it, else None."""
    if not token or not secret or len(token) > 128:
        return None
    sender, _, signature = token.partition(".")
    if not _SENDER.fullmatch(sender):
        return None
    if not hmac.compare_digest(signature.encode(), _signature(sender, secret).encode()):
        return None
    return sender


def process_secret() -> str:
    """A secret for an app without bridge settings (router tests): resuming works within this process only."""
    return secrets.token_hex(16)
