"""Command line (token create, seed-demo, import, migrate) and GET /health against real stub services."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.bridge.__main__ import main
from assistant.bridge.auth import hash_token, identify
from assistant.bridge.migrations import MIGRATIONS
from assistant.bridge.models import ApiToken
from assistant.bridge.services import open_database
from tests.bridge.conftest import sqlite_only
from tests.servers import serve_in_thread

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py): `migrate`, tokens, seed-demo, import


@pytest.fixture
def env(settings, monkeypatch):
    monkeypatch.setenv("BRIDGE_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    return settings


def test_token_create_prints_a_token_once_and_stores_only_its_hash(env, capsys):
    assert main(["token", "create", "--role", "editor", "--name", "Cán bộ Lan"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    db = open_database(env)
    identity = identify(db, token)
    assert identity is not None and identity.role == "editor" and identity.name == "Cán bộ Lan"
    with db.read() as session:
        stored = session.query(ApiToken).one()
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert identify(db, token + "x") is None
    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Cán bộ Lan" in listing and token not in listing
    assert main(["token", "revoke", str(identity.token_id)]) == 0
    assert identify(db, token) is None
    assert main(["token", "revoke", "999"]) == 1


def test_seed_demo_prints_codes_and_digits_that_work(env, make_client, capsys):
    assert main(["seed-demo"]) == 0
    lines = [line.split(" | ") for line in capsys.readouterr().out.splitlines() if " | " in line][1:]
    assert len(lines) >= 5
    client = make_client()
    code, digits, status = lines[0]
    body = client.post("/api/dossiers/lookup", json={"code": code, "id_last4": digits}).json()
    assert body["status"]["code"] == int(status)
    assert main(["seed-demo"]) == 0  # idempotent


def test_import_cli_and_migrate(env, tmp_path, capsys, make_client):
    csv_file = tmp_path / "new.csv"
    csv_file.write_text(
        "code,name,field,levels\n9.555555,Thủ tục nhập bằng dòng lệnh,Hộ tịch,Cấp xã\n", encoding="utf-8"
    )
    assert main(["import", str(csv_file), "--name", "Cán bộ Lan"]) == 0
    assert "created 1" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert f"schema version {MIGRATIONS[-1][0]}" in capsys.readouterr().out
    client = make_client()
    assert client.get("/api/procedures/9.555555").json()["name"] == "Thủ tục nhập bằng dòng lệnh"


class _StubServices(BaseHTTPRequestHandler):
    """Rasa and the action server: Rasa's readiness channel says a model is loaded unless `model_file` is None."""

    def do_GET(self):
        body = {"status": "ok"}
        if self.path == "/webhooks/readiness/":
            body = {"model_loaded": self.server.model_file is not None}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub_services():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubServices)
    server.model_file = "models/assistant.tar.gz"
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()


def _up(settings, server, **extra):
    url = f"http://127.0.0.1:{server.server_address[1]}"
    return settings.model_copy(update={"rasa_url": url, "action_server_url": url + "/health", **extra})


def test_health_reports_each_dependency(settings, make_client, stub_services):
    down = make_client().get("/health")
    assert down.status_code == 200
    assert down.json()["status"] == "degraded"
    assert down.json()["checks"] == {
        "database": True,
        "database_write": True,
        "disk": True,
        "search": True,
        "rasa": False,
        "action_server": False,
        "knowledge_current": True,
    }
    body = make_client(settings_override=_up(settings, stub_services)).get("/health").json()
    assert body["status"] == "ok" and all(body["checks"].values()) and body["free_disk_mb"] > 0


def test_health_sees_rasa_without_a_model_and_a_full_disk(settings, make_client, stub_services):
    stub_services.model_file = None  # Rasa up, model unloaded (DELETE /model)
    body = make_client(settings_override=_up(settings, stub_services)).get("/health").json()
    assert body["status"] == "degraded" and body["checks"]["rasa"] is False and body["checks"]["action_server"]
    stub_services.model_file = "models/assistant.tar.gz"
    full = _up(settings, stub_services, health_min_free_disk_mb=10**12)  # more than any disk has free
    body = make_client(settings_override=full).get("/health").json()
    assert body["status"] == "degraded" and body["checks"]["disk"] is False and body["checks"]["rasa"] is True


@sqlite_only
def test_health_is_503_when_the_database_cannot_be_written(settings, make_client):
    from sqlalchemy import create_engine

    from assistant.bridge.db import Database

    client = make_client()
    path = settings.resolved_database_url().removeprefix("sqlite:///")
    client.app.state.services.db = Database(create_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] is True and response.json()["checks"]["database_write"] is False
