"""Rasa 3.6 opens a new HTTP session, and so a new TCP connection, for every action-server call.

``EndpointConfig.request`` does ``async with self.session() as session``, and the session closes on exit: each
turn pays a connect on both sides (~0.8 ms of Rasa's ~8 ms per turn, py-spy under 10 concurrent senders).
``install()`` makes ``EndpointConfig.session()`` lend one kept-open session per endpoint and event loop instead,
with the same headers, auth and timeout. Idle connections are dropped after ``KEEPALIVE_SECONDS``, well before
the action server's own keep-alive timeout (Sanic: 5 s), so a pooled connection is never one the server has
already closed. Only ``EndpointConfig`` is touched; requests, errors and retries are Rasa's own.
"""
import asyncio
from typing import Any, Dict, Tuple

KEEPALIVE_SECONDS = 2.0
_INSTALLED_FLAG = "_le_tan_so_kept_session"


class _LentSession:
    """What ``async with`` gets: the shared session, not closed on exit."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def install() -> None:
    """Patch ``rasa.utils.endpoints.EndpointConfig.session`` once per process (later calls do nothing)."""
    import aiohttp
    from rasa.utils.endpoints import EndpointConfig

    if getattr(EndpointConfig, _INSTALLED_FLAG, False):
        return
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    original = EndpointConfig.session
    sessions: Dict[Tuple[Any, ...], Any] = {}

    def session(self: EndpointConfig) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not inside a coroutine: behave exactly as Rasa does
            return original(self)
        auth = self.basic_auth or {}
        key = (id(loop), self.url, repr(sorted((self.headers or {}).items())),
               auth.get("username"), auth.get("password"))
        shared = sessions.get(key)
        if shared is None or shared.closed:
            # the same headers, auth and timeout as Rasa's own session() sets
            shared = aiohttp.ClientSession(
                headers=self.headers,
                auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
            )
            sessions[key] = shared
        return _LentSession(shared)

    EndpointConfig.session = session
    setattr(EndpointConfig, _INSTALLED_FLAG, True)
