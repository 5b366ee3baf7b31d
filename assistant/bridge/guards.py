"""Abuse guards of the public endpoints as FastAPI dependencies: per-client and per-ward rate limits, who may
declare a priority ticket, and the cap on search queries."""

from __future__ import annotations

import json

from fastapi import Depends, Request

from assistant.bridge.deps import client_id, from_own_service, kiosk_device
from assistant.bridge.errors import ApiError
from assistant.bridge.rate_limit import RateLimiters


def limiters(request: Request) -> RateLimiters | None:
    """The app's limiters (built by create_app from `settings.rate_limits`; tests swap in a fake clock).
    None for a bare router mounted without them (router unit tests)."""
    return getattr(request.app.state, "rate_limiters", None)


async def named_ward(request: Request) -> str | None:
    """The ward code a public request names: a kiosk device's own ward, else `?ward=`, else the JSON body's
    `"ward"` (None: the default ward). The body is the one FastAPI has already read for the endpoint."""
    device = await kiosk_device(request)
    if device is not None:
        return request.app.state.services.wards.by_id(device.ward_id).code
    code = request.query_params.get("ward")
    if code is None and request.method != "GET":
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return None  # the endpoint answers 422
        if isinstance(body, dict) and isinstance(body.get("ward"), str):
            code = body["ward"]
    return code


def rate_limited(name: str):
    """Dependency: one token of `name`'s allowance for this client, then one of its ward's shared allowance;
    else 429 with Retry-After (`too_many_requests` or `ward_too_many_requests`). A code no ward has: 404
    `unknown_ward`, as the endpoint itself would answer."""

    async def dependency(request: Request) -> None:
        app_limiters = limiters(request)
        if app_limiters is None or from_own_service(request):
            return
        app_limiters.check(name, client_id(request))
        services = getattr(request.app.state, "services", None)
        if services is not None:
            app_limiters.check_ward(name, services.wards.get(await named_ward(request)).code)

    dependency.__name__ = f"rate_limit_{name}"
    return Depends(dependency)


def may_declare_priority(request: Request) -> bool:
    """Priority (elderly, disabled, pregnant, small child) is self-declared in a kiosk or chat conversation,
    which reaches the bridge through our own action server, or given by a desk officer with a staff token.
    A bare public REST call may not declare it: 200 priority tickets in a second pushed everyone else back."""
    if from_own_service(request):
        return True
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    from assistant.bridge.auth import identify

    services = getattr(request.app.state, "services", None)
    return services is not None and identify(services.db, token.strip()) is not None


def refuse_public_priority(request: Request, priority: str) -> None:
    """403 `priority_needs_session` when a priority ticket is asked for outside a kiosk/chat session."""
    if priority != "none" and not may_declare_priority(request):
        raise ApiError(
            403,
            "priority_needs_session",
            "Vé ưu tiên được cấp khi trò chuyện với trợ lý (kiosk hoặc trang web) hoặc tại quầy. / "
            "Priority tickets are issued in a conversation with the assistant (kiosk or web chat) or at a desk.",
        )


def capped_query(q: str, max_chars: int) -> str:
    """The query cut to `max_chars` at the last word boundary (a long story still gets its question searched;
    the action server forwards citizens' text as typed, and a 422 there would read as 'system down')."""
    if len(q) <= max_chars:
        return q
    q = " ".join(q.split())
    cut = q[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut
