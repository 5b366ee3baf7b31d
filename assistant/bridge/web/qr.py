"""QR codes for answer cards: an SVG of a link the citizen can open on their phone (national portal or this site).

Only links to the national public-service portal or to the bridge's own host are encoded, so the endpoint cannot
be used to brand arbitrary links with the ward's name."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno

PORTAL_HOSTS = ("dichvucong.gov.vn",)
"""The national portal and its subdomains."""
MAX_URL_CHARS = 600


class QrRefused(ValueError):
    """The text is not a link this site makes QR codes for."""


def check_link(url: str, own_host: str | None) -> str:
    """The URL when it is an http(s) link to the portal or to `own_host` (host[:port]); QrRefused otherwise."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        raise QrRefused("link missing or too long")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise QrRefused("only http(s) links")
    portal = any(host == allowed or host.endswith("." + allowed) for allowed in PORTAL_HOSTS)
    own = own_host is not None and parts.netloc.lower() == own_host.lower()
    if not (portal or own):
        raise QrRefused("only links to the national portal or this site")
    return url


def qr_svg(url: str, title: str = "") -> bytes:
    """A black-on-white SVG QR code (medium error correction, quiet zone of 2 modules)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer,
        kind="svg",
        scale=4,
        border=2,
        dark="#000000",
        light="#ffffff",
        xmldecl=False,
        title=title or None,
        svgclass=None,
        lineclass=None,
        omitsize=True,
    )
    return buffer.getvalue()
