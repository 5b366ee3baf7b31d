"""Security headers, offline API docs, the kiosk WebSocket Origin check and the demo-pepper refusal."""

from __future__ import annotations

import re

import pytest
from starlette.websockets import WebSocketDisconnect

from assistant.bridge.headers import origin_allowed, with_frame_ancestors
from assistant.bridge.settings import BridgeSettings, DemoPepperRefused
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.process_support import start_bridge, stop

WARD_SITE = "https://phuongbendinh.gov.vn"


@pytest.fixture
def widget_client(make_client, settings):
    return make_client(settings_override=settings.model_copy(update={"widget_frame_ancestors": [WARD_SITE]}))


def _ancestors(response) -> str:
    match = re.search(r"frame-ancestors ([^;]+)", response.headers["content-security-policy"])
    assert match, response.headers["content-security-policy"]
    return match.group(1).strip()


@pytest.mark.parametrize(
    "path",
    [
        "/staff",
        "/kiosk",
        "/docs",
        "/api/desks",
        "/health",
        "/openapi.json",
        "/web/chat.js",
        "/api/procedures/nope",
        "/no-such-page",
    ],
)
def test_every_other_answer_is_nosniff_and_may_not_be_framed(widget_client, path):
    response = widget_client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert _ancestors(response) == "'none'"
    assert response.headers["x-frame-options"] == "DENY"


def test_only_the_chat_page_may_be_framed_and_only_by_configured_ward_sites(widget_client, client):
    page = widget_client.get("/")
    assert _ancestors(page) == f"'self' {WARD_SITE}"
    assert "x-frame-options" not in page.headers
    assert "script-src 'self'" in page.headers["content-security-policy"]  # the page's own policy is kept
    assert _ancestors(client.get("/")) == "'self'"  # no ward site configured: the bridge itself only


def test_unauthenticated_refusals_carry_the_headers_too(client):
    response = client.post("/api/staff/import", content=b"x")
    assert response.status_code == 401 and response.headers["x-content-type-options"] == "nosniff"


def test_with_frame_ancestors_replaces_only_that_directive():
    assert (
        with_frame_ancestors("default-src 'self'; frame-ancestors *", "'none'")
        == "default-src 'self'; frame-ancestors 'none'"
    )
    assert with_frame_ancestors(None, "'self'") == "frame-ancestors 'self'"


def test_docs_are_served_from_this_server_only(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert not re.search(r"https?://", page.text)  # no CDN, nothing from another host
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/docs/assets/") for s in sources)
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 100, source
    assert "validatorUrl: null" in client.get("/docs/assets/docs-init.js").text
    assert client.get("/docs/assets/../../settings.py").status_code == 404
    assert client.get("/docs/assets/index.html").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"].startswith("Lễ tân số")


def test_origin_rule():
    assert origin_allowed(None, "127.0.0.1:8000", [])  # not a browser page
    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000", [])
    assert origin_allowed("https://letanso.phuong.vn", "letanso.phuong.vn", [])  # behind a TLS proxy
    assert not origin_allowed("http://evil.example", "127.0.0.1:8000", [])
    assert not origin_allowed("null", "127.0.0.1:8000", [])
    assert not origin_allowed("http://127.0.0.1:8001", "127.0.0.1:8000", [])
    assert origin_allowed("https://kiosk.phuong.vn/", "127.0.0.1:8000", ["https://kiosk.phuong.vn"])


def test_kiosk_socket_refuses_a_foreign_origin_and_accepts_its_own(client):
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws/kiosk", headers={"Origin": "http://evil.example"}) as socket:
            socket.receive_json()
    denial = refused.value  # the handshake answered with HTTP 403 and the error envelope
    assert denial.status_code == 403 and denial.json()["error"] == "origin_not_allowed"
    with client.websocket_connect("/ws/kiosk", headers={"Origin": "http://testserver"}) as socket:
        assert socket.receive_json()["type"] in ("ready", "error")


def test_demo_pepper_is_refused_outside_demo_mode():
    with pytest.raises(DemoPepperRefused, match="BRIDGE_DEMO_MODE"):
        BridgeSettings(_env_file=None).refuse_demo_pepper()
    BridgeSettings(_env_file=None, demo_mode=True).refuse_demo_pepper()
    BridgeSettings(_env_file=None, dossier_pepper="a-private-secret").refuse_demo_pepper()


@pytest.mark.slow
def test_serve_refuses_to_start_with_the_demo_pepper(tmp_path):
    with pytest.raises(RuntimeError, match="BRIDGE_DEMO_MODE"):
        process, _ = start_bridge(tmp_path, stderr_path=tmp_path / "err.log", extra_env={"BRIDGE_DEMO_MODE": "false"})
        stop(process)
    process, url = start_bridge(
        tmp_path,
        stderr_path=tmp_path / "err2.log",
        extra_env={"BRIDGE_DEMO_MODE": "false", "BRIDGE_DOSSIER_PEPPER": "private-test-secret"},
    )
    stop(process)


@pytest.mark.browser
def test_docs_render_in_a_browser_that_may_not_reach_any_other_host(settings, searcher, knowledge_defaults):
    pytest.importorskip("playwright.sync_api")
    from assistant.bridge.main import create_app
    from tests.bridge.web_support import chromium, serve

    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
    )
    with serve(app) as url, chromium() as browser:
        page = browser.new_page()
        elsewhere, problems = [], []
        page.on("request", lambda request: None if request.url.startswith(url) else elsewhere.append(request.url))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.goto(url + "/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        operations = page.locator(".opblock").count()
        page.close()
    assert operations >= 15
    assert elsewhere == [] and problems == []
