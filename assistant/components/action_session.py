"""Rasa's action-server calls over one kept-open HTTP session per endpoint, instead of a new connection per call.

Rasa 3.6's ``EndpointConfig.request`` does ``async with self.session() as session`` and the session closes on
exit, so each action call pays a TCP connect on both sides (~0.8 ms of Rasa's ~8 ms per turn, py-spy under 10
concurrent senders). ``install()`` makes ``EndpointConfig.session()`` lend one kept-open session per endpoint and
event loop, with the same headers, auth and timeout as Rasa's own. Requests, status handling and errors stay
Rasa's (``request`` is not touched).

Why this is safe although Rasa itself cached the session in 3.6.11 (PR #12886) and took it out again in 3.6.15
after users reported connection time-outs to the action server: a kept-open connection can be closed by the server
(its keep-alive ran out, it restarted, a proxy dropped it) just as the client picks it for the next request, and a
session is bound to the event loop that made it. Rasa's cache did nothing about either; here:

- a session is kept per event loop and never used from another one;
- idle connections are dropped after ``KEEPALIVE_SECONDS`` (2 s), before the action server's own keep-alive
  timeout (Sanic: 5 s), so the client normally gives a connection up before the server does;
- when a request that went out on a *reused* connection fails because the server had closed it (disconnected or
  reset before any reply), it is sent once more on a new connection, through Rasa's own one-off session: exactly
  what stock Rasa does for every call. A request that fails on a new connection, or times out, is not repeated
  (the server may be running it): that error reaches Rasa unchanged.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any, Callable, Dict, Optional, Tuple

logger = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 2.0
_INSTALLED_FLAG = "_le_tan_so_kept_session"


def _stale_connection_errors() -> Tuple[type, ...]:
    """What aiohttp raises when the peer closed the connection before replying (a connect error is not this)."""
    import aiohttp

    return aiohttp.ServerDisconnectedError, aiohttp.ClientOSError


class _RetryOnStaleConnection:
    """``async with`` one request on the kept-open session, resent once on a new connection if a reused one was
    already closed by the server."""

    def __init__(
        self, shared: Any, new_session: Callable[[], Any], method: str, url: Any, kwargs: Dict[str, Any]
    ) -> None:
        self._shared, self._new_session = shared, new_session
        self._method, self._url, self._kwargs = method, url, kwargs
        self._context: Any = None
        self._one_off: Optional[Any] = None

    async def __aenter__(self) -> Any:
        trace = SimpleNamespace(reused=False)
        self._context = self._shared.request(self._method, self._url, trace_request_ctx=trace, **self._kwargs)
        try:
            return await self._context.__aenter__()
        except _stale_connection_errors() as error:
            if not trace.reused:
                raise
            logger.debug(
                "kept-open action-server connection was closed by the server (%s); resending once on a new connection",
                type(error).__name__,
            )
        self._one_off = self._new_session()
        try:
            self._context = self._one_off.request(self._method, self._url, **self._kwargs)
            return await self._context.__aenter__()
        except BaseException:
            await self._one_off.close()
            raise

    async def __aexit__(self, *exc_info: Any) -> Any:
        try:
            return await self._context.__aexit__(*exc_info)
        finally:
            if self._one_off is not None:
                await self._one_off.close()


class _LentSession:
    """What ``async with endpoint.session()`` gets: the shared session's ``request``, and no close on exit."""

    def __init__(self, shared: Any, new_session: Callable[[], Any]) -> None:
        self._shared, self._new_session = shared, new_session

    def request(self, method: str, url: Any, **kwargs: Any) -> _RetryOnStaleConnection:
        return _RetryOnStaleConnection(self._shared, self._new_session, method, url, kwargs)

    async def __aenter__(self) -> "_LentSession":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def _mark_reused_connections() -> Any:
    """An aiohttp trace that sets ``reused`` on the request's trace context when the pool lends a kept connection."""
    import aiohttp

    async def on_reuse(_session: Any, context: Any, _params: Any) -> None:
        if context.trace_request_ctx is not None:
            context.trace_request_ctx.reused = True

    trace = aiohttp.TraceConfig()
    trace.on_connection_reuseconn.append(on_reuse)
    return trace


def install() -> None:
    """Patch ``rasa.utils.endpoints.EndpointConfig.session`` once per process (later calls do nothing)."""
    import aiohttp
    from rasa.utils.endpoints import EndpointConfig

    if getattr(EndpointConfig, _INSTALLED_FLAG, False):
        return
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    original = EndpointConfig.session
    sessions: Dict[Tuple[Any, ...], Tuple[Any, Any]] = {}  # key -> (its event loop, the session)

    def session(self: EndpointConfig) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not inside a coroutine: behave exactly as Rasa does
            return original(self)
        auth = self.basic_auth or {}
        key = (
            id(loop),
            self.url,
            repr(sorted((self.headers or {}).items())),
            auth.get("username"),
            auth.get("password"),
        )
        made_on, shared = sessions.get(key, (None, None))
        if made_on is not loop or shared.closed:
            # the same headers, auth and timeout as Rasa's own session() sets
            shared = aiohttp.ClientSession(
                headers=self.headers,
                auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
                trace_configs=[_mark_reused_connections()],
            )
            sessions[key] = (loop, shared)
        return _LentSession(shared, lambda: original(self))

    EndpointConfig.session = session
    setattr(EndpointConfig, _INSTALLED_FLAG, True)
