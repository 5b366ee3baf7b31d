"""X-Forwarded-For only from trusted proxies; no unsigned X-Client-Id past the edge (assistant/bridge/forwarded.py)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import ValidationError

from assistant.actions.settings import ActionSettings
from assistant.bridge.forwarded import ForwardedFor, forwarded_client, parse_networks
from assistant.bridge.rate_limit import RateLimit, RateLimiters, RateLimits
from assistant.bridge.settings import BridgeSettings
from tests.bridge.fakes import MonotonicClock

PROXIES = parse_networks(["10.0.0.0/24", "::1"])
SECRET = "edge-test-secret"


@pytest.mark.parametrize(
    "peer, forwarded, client",
    [
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not a proxy: its header means nothing
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the citizen's browser wrote 6.6.6.6 itself
        ("10.0.0.2", "203.0.113.9, 10.0.0.3", "203.0.113.9"),  # two proxies in a row
        ("10.0.0.2", "10.0.0.4, 10.0.0.3", "10.0.0.4"),  # only proxies: the first of them
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("10.0.0.2", None, "10.0.0.2"),
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("10.0.1.2", "203.0.113.9", "10.0.1.2"),  # outside the CIDR
    ],
)
def test_forwarded_client(peer, forwarded, client):
    assert forwarded_client(peer, forwarded, PROXIES) == client


def echo_app(**kwargs) -> FastAPI:
    app = FastAPI()

    @app.get("/who")
    def who(request: Request) -> dict:
        return {
            "client": request.client.host if request.client else None,
            "scheme": request.url.scheme,
            "client_id": request.headers.get("x-client-id"),
            "xff": request.headers.get("x-forwarded-for"),
        }

    app.add_middleware(ForwardedFor, trusted_proxies=["10.0.0.0/24"], service_token=lambda: SECRET, **kwargs)
    return app


def ask(peer: str, **headers: str) -> dict:
    with TestClient(echo_app(), client=(peer, 40000)) as client:
        return client.get("/who", headers=headers).json()


def test_a_public_caller_s_forwarding_headers_are_dropped():
    seen = ask("198.51.100.7", **{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"client": "198.51.100.7", "scheme": "http", "client_id": None, "xff": None}


def test_a_trusted_balancer_names_the_citizen_and_the_scheme():
    seen = ask("10.0.0.2", **{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert (seen["client"], seen["scheme"]) == ("203.0.113.9", "https")


@pytest.mark.parametrize("peer", ["198.51.100.7", "10.0.0.2"])
def test_x_client_id_is_kept_only_with_the_service_secret(peer):
    assert ask(peer, **{"X-Client-Id": "a-" + "0" * 20})["client_id"] is None
    assert ask(peer, **{"X-Client-Id": "a-" + "0" * 20, "X-Service-Token": "guess"})["client_id"] is None
    assert ask(peer, **{"X-Client-Id": "a-" + "0" * 20, "X-Service-Token": SECRET})["client_id"] == "a-" + "0" * 20


def test_a_bad_proxy_entry_is_a_clear_error_at_start():
    with pytest.raises(ValidationError, match="10.0.0.300"):
        BridgeSettings(_env_file=None, trusted_proxies=["10.0.0.300/24"])


def test_citizens_behind_one_balancer_keep_their_own_rate_limit(make_client, settings):
    """The whole bridge behind a balancer at 10.0.0.2: each forwarded citizen has a bucket of their own."""
    app = make_client(settings_override=settings.model_copy(update={"trusted_proxies": ["10.0.0.0/24"]})).app
    app.state.rate_limiters = RateLimiters(RateLimits(search=RateLimit(burst=2, per_minute=1)), clock=MonotonicClock())
    with TestClient(app, client=("10.0.0.2", 40000)) as balancer:

        def search(citizen: str) -> int:
            return balancer.get(
                "/api/procedures/search", params={"q": "khai sinh"}, headers={"X-Forwarded-For": citizen}
            ).status_code

        assert [search("203.0.113.1") for _ in range(3)] == [200, 200, 429]
        assert search("203.0.113.2") == 200
    with TestClient(app, client=("198.51.100.7", 40000)) as public:  # rotating its own header does not help
        codes = [
            public.get(
                "/api/procedures/search", params={"q": "khai sinh"}, headers={"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(10, 13)
        ]
        assert codes == [200, 200, 429]


def test_one_service_secret_from_the_environment_serves_both_machines(monkeypatch, tmp_path):
    """The action server on another machine has no var/service-token file: the secret comes from the environment."""
    monkeypatch.setenv("LETANSO_SERVICE_TOKEN", "province-secret")
    actions = ActionSettings(_env_file=None, service_token_file=tmp_path / "missing")
    bridge = BridgeSettings(_env_file=None, data_dir=tmp_path)
    assert actions.resolved_service_token() == bridge.resolved_service_token() == "province-secret"
    monkeypatch.setenv("ACTIONS_SERVICE_TOKEN", "own-value")  # the deployable's own name wins
    assert ActionSettings(_env_file=None).resolved_service_token() == "own-value"
