"""HttpBridgeClient against a real stub HTTP server on 127.0.0.1: shapes, status mapping, bridge down."""

from __future__ import annotations

import asyncio
import socket

import pytest

from assistant.actions.bridge_client import BridgeUnavailable, HttpBridgeClient
from assistant.actions.settings import ActionSettings
from tests.assistant.stub_bridge import StubBridge


@pytest.fixture
def stub():
    with StubBridge() as server:
        yield server


def call(url: str, method: str, *args, service_token: str = "", **kwargs):
    async def go():
        client = HttpBridgeClient(
            ActionSettings(
                bridge_url=url,
                read_timeout_s=2,
                connect_timeout_s=1,
                service_token=service_token,
                service_token_file="/nonexistent",
            )
        )
        try:
            return await getattr(client, method)(*args, **kwargs)
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_search_procedure_route_and_ticket(stub):
    outcome = call(stub.url, "search", "làm giấy khai sinh", 3)
    assert outcome["confidence"] == "confident" and outcome["results"][0]["code"] == "1.001193"
    assert stub.fake.called("search")[0] == {"query": "làm giấy khai sinh", "k": 3}
    ward = call(stub.url, "search", "lý lịch tư pháp", 3)
    assert ward["elsewhere"]["code"] == "3.000333"  # the non-ward procedure travels with the ward outcome
    assert call(stub.url, "get_procedure", "1.001193")["name"] == "Thủ tục đăng ký khai sinh"
    assert call(stub.url, "get_procedure", "9.999999") is None
    assert call(stub.url, "route_desk", "1.001193")["desk"]["id"] == "Q1"
    ticket = call(stub.url, "issue_ticket", procedure_code="1.001193", priority="elderly")
    assert ticket["number"] == "U001" and stub.fake.called("issue_ticket")[0]["priority"] == "elderly"


@pytest.mark.parametrize(
    ("status", "body", "outcome", "retry"),
    [
        (404, {"error": "not_found"}, "not_found", None),
        (429, {"error": "too_many_attempts", "retry_after_s": 840}, "locked", 840),
        (422, {"error": "invalid_code", "example": "000.00.20.H26-250801-0001"}, "invalid_code", None),
        (422, {"error": "invalid_id_last4"}, "invalid_id_last4", None),
        (503, {"error": "upstream_unavailable"}, "unavailable", None),
    ],
)
def test_dossier_lookup_status_mapping(stub, status, body, outcome, retry):
    stub.overrides["/api/dossiers/lookup"] = (status, {"message": "x", **body})
    result = call(stub.url, "lookup_dossier", "000.00.20.H26-250801-0001", "1234")
    assert result.outcome == outcome and result.retry_after_s == retry


def test_dossier_found_and_the_client_is_named_with_the_service_secret(stub):
    key = "a-0123456789abcdef0123"
    result = call(
        stub.url, "lookup_dossier", "000.00.20.H26-250801-0001", "1234", client_id=key, service_token="s3cret"
    )
    assert result.outcome == "found" and result.record["status"]["label"] == "Đang xử lý"
    assert stub.fake.called("lookup_dossier")[0]["client_id"] == key
    assert stub.headers[-1]["X-Service-Token"] == "s3cret"


def test_without_a_service_secret_no_client_is_named(stub):
    call(stub.url, "lookup_dossier", "000.00.20.H26-250801-0001", "1234", client_id="a-0123456789abcdef0123")
    assert "X-Client-Id" not in stub.headers[-1] and "X-Service-Token" not in stub.headers[-1]


def test_server_error_and_refused_connection_raise_bridge_unavailable(stub):
    stub.overrides["/api/procedures/search"] = (500, {"error": "boom"})
    with pytest.raises(BridgeUnavailable):
        call(stub.url, "search", "khai sinh")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    with pytest.raises(BridgeUnavailable):
        call(f"http://127.0.0.1:{free_port}", "list_desks")


def test_settings_come_from_actions_prefixed_environment(monkeypatch):
    monkeypatch.setenv("ACTIONS_BRIDGE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ACTIONS_READ_TIMEOUT_S", "0.5")
    settings = ActionSettings()
    assert settings.bridge_url == "http://127.0.0.1:9" and settings.read_timeout_s == 0.5
    assert ActionSettings.model_fields["bridge_url"].default == "http://127.0.0.1:8000"
