"""Bad input gets a 4xx with a clear message in the error envelope, never a 5xx."""

from __future__ import annotations

import pytest


def assert_envelope(response, status, error):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error and " / " in body["message"], body


def test_body_over_64kb_is_413(client):
    huge = '{"code": "' + "0" * 70_000 + '", "id_last4": "1234"}'
    response = client.post("/api/dossiers/lookup", content=huge, headers={"Content-Type": "application/json"})
    assert_envelope(response, 413, "body_too_large")
    assert "64 KB" in response.json()["message"]


def test_chunked_body_over_the_limit_is_413_without_content_length(client):
    def chunks():
        for _ in range(80):
            yield b"x" * 1024

    response = client.post("/api/feedback", content=chunks(), headers={"Content-Type": "application/json"})
    assert_envelope(response, 413, "body_too_large")


@pytest.mark.parametrize("path", ["/api/dossiers/lookup", "/api/tickets", "/api/feedback"])
def test_broken_json_is_400(client, path):
    response = client.post(path, content='{"code": "abc", ', headers={"Content-Type": "application/json"})
    assert_envelope(response, 400, "invalid_json")


def test_wrong_types_are_422_without_echoing_input(client):
    response = client.post("/api/dossiers/lookup", json={"code": ["0912345678"], "id_last4": 1234})
    assert_envelope(response, 422, "invalid_request")
    assert "0912345678" not in response.text
    assert response.json()["details"][0]["loc"][:2] == ["body", "code"]


def test_html_in_inputs_is_refused_or_inert(client):
    html = "<img src=x onerror=alert(1)>"
    assert_envelope(client.post("/api/dossiers/lookup", json={"code": html, "id_last4": "1234"}), 422, "invalid_code")
    assert client.post("/api/feedback", json={"conversation_id": "c", "rating": 3, "comment": html}).status_code == 422
    search = client.get("/api/procedures/search", params={"q": html})
    assert search.status_code == 200 and search.headers["content-type"].startswith("application/json")


def test_unknown_route_and_method_use_the_envelope(client):
    assert_envelope(client.get("/api/nothing-here"), 404, "not_found")
    assert_envelope(client.put("/api/desks"), 405, "method_not_allowed")


def test_staff_upsert_with_non_object_body(client, staff_headers):
    response = client.post("/api/staff/procedures", json=["not", "an", "object"], headers=staff_headers["editor"])
    assert_envelope(response, 422, "invalid_request")


def test_query_too_long_is_422(client):
    assert_envelope(client.get("/api/procedures/search", params={"q": "a" * 2001}), 422, "invalid_request")


def test_unexpected_errors_become_a_500_envelope(make_client, searcher):
    class Exploding:
        def search(self, *args, **kwargs):
            raise RuntimeError("boom")

        upsert = remove = replace_aliases = lambda self, *_: None

    client = make_client(searcher_override=Exploding())
    client_no_raise = client.__class__(client.app, raise_server_exceptions=False)
    response = client_no_raise.get("/api/procedures/search", params={"q": "khai sinh"})
    assert_envelope(response, 500, "internal_error")


def test_import_uploads_may_exceed_the_general_limit(client, staff_headers):
    padding = "rất dài " * 12
    rows = "".join(f"9.{n:06d},Thủ tục thử nhập {padding}số {n},Hộ tịch,Cấp xã\n" for n in range(1000))
    body = ("code,name,field,levels\n" + rows).encode()
    assert len(body) > 128 * 1024
    response = client.post(
        "/api/staff/import", files={"file": ("big.csv", body, "text/csv")}, headers=staff_headers["admin"]
    )
    assert response.status_code == 200 and response.json()["created"] == 1000
