"""Staff tokens scoped to a ward: a ward's token sees and acts on its own ward's desks, tickets, reports and audit only;
procedures, aliases, cards and imports need a province-wide token."""

from __future__ import annotations

import pytest

from assistant.bridge.__main__ import main
from assistant.bridge.auth import create_token, identify
from assistant.bridge.services import open_database
from tests.bridge.conftest import auth
from tests.bridge.test_wards import write_ward

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py)

A, B = "cua-nam", "dong-anh"


@pytest.fixture
def settings(settings, tmp_path):
    write_ward(tmp_path / "wards", B, "Xã Đông Anh")
    return settings.model_copy(update={"wards_dir": tmp_path / "wards", "service_token": "test-service-secret"})


@pytest.fixture
def client(make_client):
    client = make_client()
    client.headers["X-Service-Token"] = "test-service-secret"
    return client


@pytest.fixture
def ward_headers(client) -> dict:
    """Tokens made after the app imported the wards (ward A is 1, ward B is 2)."""
    db, wards = client.app.state.services.db, client.app.state.services.wards

    def token(role: str, code: str | None, desk: str | None = None) -> dict:
        ward_id = wards.get(code).id if code else None
        return auth(create_token(db, role=role, name=f"{role} {code}", desk=desk, ward_id=ward_id)[0])

    return {
        "a": token("viewer", A),
        "b": token("viewer", B),
        "a_editor": token("editor", A),
        "province": token("editor", None),
        "b_desk": token("desk", B, desk="Q3"),
    }


def issue(client, ward: str, desk: str = "Q3") -> dict:
    response = client.post("/api/tickets", json={"desk": desk, "ward": ward})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_ward_a_token_cannot_call_ward_b_tickets(client, ward_headers):
    a_ticket, b_ticket = issue(client, A), issue(client, B)
    refused = client.post("/api/tickets/call-next", json={"desk": "Q3", "ward": B}, headers=ward_headers["a"])
    assert refused.status_code == 403
    assert refused.json()["error"] == "other_ward" and refused.json()["ward"] == A
    assert "cua-nam" in refused.json()["message"]
    one = client.post(f"/api/tickets/{b_ticket['id']}/call", headers=ward_headers["a"])
    assert one.status_code == 404 and one.json()["error"] == "unknown_ticket"
    # each ward's token, naming no ward, calls its own ward's Q3
    own = client.post("/api/tickets/call-next", json={"desk": "Q3"}, headers=ward_headers["b"])
    assert own.status_code == 200 and own.json()["id"] == b_ticket["id"]
    own = client.post("/api/tickets/call-next", json={"desk": "Q3"}, headers=ward_headers["a"])
    assert own.status_code == 200 and own.json()["id"] == a_ticket["id"]


def test_a_desk_token_calls_its_own_ward_desk(client, ward_headers):
    a_ticket, b_ticket = issue(client, A), issue(client, B)
    me = client.get("/api/desk/me", headers=ward_headers["b_desk"]).json()
    assert (me["desk_id"], me["ward"]["code"]) == ("Q3", B)
    called = client.post("/api/desk/call-next", headers=ward_headers["b_desk"]).json()
    assert called["id"] == b_ticket["id"]
    assert client.post("/api/desk/call-next", headers=ward_headers["b_desk"]).status_code == 204
    assert client.get(f"/api/tickets/{a_ticket['id']}").json()["status"] == "waiting"


def test_a_ward_token_reads_only_its_own_reports_and_audit(client, ward_headers):
    for ward, question in ((A, "đăng ký khai sinh"), (B, "giấy phép xây dựng")):
        client.get("/api/procedures/search", params={"q": question, "ward": ward})
    refused = client.get("/api/staff/reports", params={"ward": B}, headers=ward_headers["a"])
    assert refused.status_code == 403 and refused.json()["error"] == "other_ward"
    assert client.get("/api/staff/reports.csv", params={"ward": B}, headers=ward_headers["a"]).status_code == 403
    own = client.get("/api/staff/reports", headers=ward_headers["a"]).json()
    province = client.get("/api/staff/reports", headers=ward_headers["province"]).json()
    assert (own["questions_total"], province["questions_total"]) == (1, 2)
    assert client.get("/api/staff/audit", params={"ward": B}, headers=ward_headers["a"]).status_code == 403
    assert client.get("/api/staff/me", headers=ward_headers["a"]).json()["ward"]["code"] == A
    assert client.get("/api/staff/me", headers=ward_headers["province"]).json()["ward"] is None


def test_a_ward_editor_edits_its_own_desk_map_but_not_the_province_knowledge(client, ward_headers):
    document = client.get("/api/staff/desks", headers=ward_headers["a_editor"]).json()
    assert document["ward_code"] == A
    saved = client.post("/api/staff/desks", json=document["config"], headers=ward_headers["a_editor"])
    assert saved.status_code == 200
    other = client.post(
        "/api/staff/desks", params={"ward": B}, json=document["config"], headers=ward_headers["a_editor"]
    )
    assert other.status_code == 403 and other.json()["error"] == "other_ward"
    alias = {"canonical": "khai sinh", "aliases": ["giấy khai sinh cho bé"]}
    refused = client.post("/api/staff/aliases", json=alias, headers=ward_headers["a_editor"])
    assert refused.status_code == 403 and refused.json()["error"] == "province_only"
    assert client.delete("/api/staff/procedures/1.001193", headers=ward_headers["a_editor"]).json()["error"] == (
        "province_only"
    )
    # reading the shared knowledge stays open to every ward
    assert client.get("/api/staff/aliases", headers=ward_headers["a"]).status_code == 200
    audit = client.get("/api/staff/audit", headers=ward_headers["province"]).json()["entries"]
    assert [(e["action"], e["ward_id"]) for e in audit] == [("desks.replace", 1)]


def test_cli_scopes_a_token_to_a_named_ward(settings, monkeypatch, capsys, client):
    monkeypatch.setenv("BRIDGE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BRIDGE_WARDS_DIR", str(settings.wards_dir))
    if settings.database_url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["token", "create", "--role", "viewer", "--ward", B, "--name", "Cán bộ xã"]) == 0
    ward_token = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["token", "create", "--role", "desk", "--desk", "Q1"]) == 0
    desk_token = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["token", "create", "--role", "kiosk", "--ward", B, "--name", "kiosk-sanh-1"]) == 0
    kiosk_token = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["token", "create", "--role", "viewer", "--ward", "nowhere"]) == 2
    db = open_database(settings)
    try:
        assert identify(db, ward_token).ward_id == client.app.state.services.wards.get(B).id
        assert identify(db, desk_token).ward_id == client.app.state.services.wards.default.id
        kiosk = identify(db, kiosk_token)
        assert (kiosk.role, kiosk.name, kiosk.ward_id) == ("kiosk", "kiosk-sanh-1", 2)
        assert not kiosk.may("viewer") and not kiosk.may("desk")
    finally:
        db.dispose()


def test_a_ward_records_its_dossiers_with_its_own_pickup_desk(client, ward_headers):
    b_editor = auth(
        create_token(
            client.app.state.services.db, role="editor", name="b", ward_id=client.app.state.services.wards.get(B).id
        )[0]
    )
    document = client.get("/api/staff/desks", headers=b_editor).json()["config"]
    document["desks"][0]["name"] = "Quầy 1 – Một cửa xã Đông Anh"
    assert client.post("/api/staff/desks", json=document, headers=b_editor).status_code == 200
    dossier = {
        "code": "000.00.20.H26-260302-0107",
        "id_last4": "4455",
        "procedure_code": "1.000894",
        "status_code": 2,
        "pickup_desk_id": "Q1",
    }
    refused = client.post("/api/staff/dossiers", json={**dossier, "ward": A}, headers=b_editor)
    assert refused.status_code == 403 and refused.json()["error"] == "other_ward"
    created = client.post("/api/staff/dossiers", json=dossier, headers=b_editor)
    assert created.status_code == 201 and created.json()["ward_id"] == 2
    found = client.post("/api/dossiers/lookup", json={"code": dossier["code"], "id_last4": "4455"})
    assert found.json()["pickup_desk"]["name"] == "Quầy 1 – Một cửa xã Đông Anh"
    audit = client.get("/api/staff/audit", params={"target": dossier["code"]}, headers=ward_headers["a"]).json()
    assert audit["entries"] == []  # ward A's token does not see ward B's dossier edits
    province = client.get("/api/staff/audit", params={"target": dossier["code"]}, headers=ward_headers["province"])
    assert [(e["action"], e["ward_id"]) for e in province.json()["entries"]] == [("dossier.create", 2)]
