"""Who the caller really is behind a balancer: X-Forwarded-For believed only from trusted proxies, and the
internal identity header (X-Client-Id) removed from every request our own services did not sign.

ASGI middleware, outermost, so everything after it (rate limits, the lockout's client key, the kiosk print check,
the chat relay's client key) reads the real address from `request.client`:
- the direct peer is in `trusted_proxies` (CIDRs of the reverse proxies / load balancers): the client is the
  right-most X-Forwarded-For entry that is not itself a trusted proxy (entries left of it are whatever the
  citizen's browser sent, so never believed); X-Forwarded-Proto sets the scheme the same way;
- any other peer: X-Forwarded-For / X-Forwarded-Proto are dropped, the peer is the client.
X-Client-Id is kept only with the right X-Service-Token (assistant/bridge/clients.py), so no handler can
mistake a citizen's header for our action server's word. uvicorn's own proxy-header handling is turned off
(assistant/bridge/serving.py): this is the one place the rule lives.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.bridge.clients import CLIENT_HEADER, SERVICE_TOKEN_HEADER, service_token_ok

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto")
_SCHEMES = {"http": ("http", "ws"), "https": ("https", "wss")}


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """CIDRs (or single addresses) as networks; a bad entry is a clear ValueError naming it."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"trusted_proxies: {entry!r} is not an address or CIDR ({exc})") from None
    return tuple(networks)


def is_trusted(host: str | None, networks: tuple[Network, ...]) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str | None, networks: tuple[Network, ...]) -> str:
    """The caller's address: `peer`, or, when `peer` is a trusted proxy, the right-most untrusted forwarded one."""
    if not forwarded_for or not is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, networks):
            return _valid_address(hop) or peer
    return (_valid_address(hops[0]) or peer) if hops else peer


def _valid_address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        return None


class ForwardedFor:
    """ASGI middleware applying the rule above to HTTP and WebSocket scopes."""

    def __init__(self, app: ASGIApp, *, trusted_proxies: Iterable[str], service_token: Callable[[], str]):
        self.app = app
        self.networks = parse_networks(trusted_proxies)
        self.service_token = service_token
        """Read per request: the bridge resolves its secret (env or file) once at start-up."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers") or []
        first = {name.decode("latin-1"): value.decode("latin-1") for name, value in reversed(headers)}
        peer = (scope.get("client") or ("", 0))[0]
        trusted = is_trusted(peer, self.networks)
        scope = dict(scope)
        if trusted:
            forwarded_for = ", ".join(value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for")
            client = forwarded_client(peer, forwarded_for or None, self.networks)
            scope["client"] = (client, 0 if client != peer else (scope.get("client") or ("", 0))[1])
            proto = first.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
            if proto in _SCHEMES:
                scope["scheme"] = _SCHEMES[proto][0 if scope["type"] == "http" else 1]
        signed = service_token_ok(first.get(SERVICE_TOKEN_HEADER, ""), self.service_token())
        scope["headers"] = [
            (name, value)
            for name, value in headers
            if not (name == CLIENT_HEADER.encode() and not signed) and not (name in _FORWARDED and not trusted)
        ]
        await self.app(scope, receive, send)
