"""One kept-open aiohttp session per event loop for the chat relay's POSTs to Rasa, resent once on a stale connection.

The relay makes one ``POST /webhooks/rest/webhook`` per citizen turn. aiohttp rather than httpx: httpx's request
machinery would be ~a quarter of the bridge's CPU per chat turn (cProfile on the CPU clock, 10 senders), and
aiohttp does the same POST for about half of that (0.37 against 0.75 ms per call in the action server's bridge
client).

A kept-open connection can be closed by Rasa (its keep-alive ran out, it restarted) just as the relay picks it for
the next turn. Idle connections are given up after ``KEEPALIVE_SECONDS``, before Sanic's own 5 s; and a POST that
went out on a *reused* connection and failed because the server had closed it (disconnected or reset before any
reply) is sent once more on a new connection. A POST that fails on a new connection, or times out, is not repeated:
Rasa may be handling it.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import aiohttp

KEEPALIVE_SECONDS = 2.0


def _mark_reused_connections() -> aiohttp.TraceConfig:
    """Sets ``reused`` on the request's trace context when the pool lends a kept connection."""

    async def on_reuse(_session: Any, context: Any, _params: Any) -> None:
        if context.trace_request_ctx is not None:
            context.trace_request_ctx.reused = True

    trace = aiohttp.TraceConfig()
    trace.on_connection_reuseconn.append(on_reuse)
    return trace


class KeptSession:
    """``post_json(url, body)`` → (status, body bytes) over one session per event loop (made on first use)."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.sessions_made = 0
        """How many sessions were made (one per event loop; tests check that turns share one)."""

    def _current(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            # trust_env=False (the default): Rasa is on our own network; no proxy variables or .netrc apply to it.
            self._session = aiohttp.ClientSession(
                timeout=self.timeout,
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
                trace_configs=[_mark_reused_connections()],
            )
            self._loop = loop
            self.sessions_made += 1
        return self._session

    async def aclose(self) -> None:
        """Close the current loop's session (the app's shutdown); a later call makes a new one."""
        session, self._session = self._session, None
        if session is not None and not session.closed and self._loop is asyncio.get_running_loop():
            await session.close()

    async def post_json(self, url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Raises aiohttp.ClientError or asyncio.TimeoutError when no answer came."""
        trace = SimpleNamespace(reused=False)
        try:
            return await self._post(self._current(), url, body, headers, trace)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
            if not trace.reused:
                raise
        async with aiohttp.ClientSession(
            timeout=self.timeout, connector=aiohttp.TCPConnector(force_close=True)
        ) as one_off:
            return await self._post(one_off, url, body, headers, None)

    @staticmethod
    async def _post(
        session: aiohttp.ClientSession, url: str, body: Any, headers: dict[str, str] | None, trace: Any
    ) -> tuple[int, bytes]:
        async with session.post(url, json=body, headers=headers, trace_request_ctx=trace) as response:
            return response.status, await response.read()
