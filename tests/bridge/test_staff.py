"""Staff knowledge API: auth and roles, live upsert/delete reaching search, aliases, audit log, re-import."""

from __future__ import annotations

import copy
import io
import json

import pytest

from tests.shared_data import NATIONAL_CATALOGUE, needs_national_catalogue

NEW_CODE = "9.999999"
NEW_NAME = "Cấp giấy xác nhận nuôi chim bồ câu trên sân thượng"


@pytest.fixture
def new_procedure(knowledge_defaults) -> dict:
    record = copy.deepcopy(knowledge_defaults["catalogue"]["1.001193"].to_dict())
    record.update(code=NEW_CODE, name=NEW_NAME, field="Hộ tịch")
    return record


def test_staff_endpoints_need_a_token_and_the_right_role(client, staff_headers, new_procedure):
    assert client.post("/api/staff/procedures", json=new_procedure).status_code == 401
    denied = client.post("/api/staff/procedures", json=new_procedure, headers=staff_headers["viewer"])
    assert denied.status_code == 403 and denied.json()["error"] == "forbidden"
    assert client.get("/api/staff/audit", headers=staff_headers["viewer"]).status_code == 200
    assert client.get("/api/staff/me", headers=staff_headers["admin"]).json()["role"] == "admin"
    upload = {"file": ("x.jsonl", b"", "application/json")}
    assert client.post("/api/staff/import", files=upload, headers=staff_headers["editor"]).status_code == 403


def test_upsert_reaches_search_details_routing_and_audit(client, searcher, staff_headers, new_procedure):
    assert client.get("/api/procedures/search", params={"q": NEW_NAME}).json()["confidence"] == "no_match"
    created = client.post("/api/staff/procedures", json=new_procedure, headers=staff_headers["editor"])
    assert created.status_code == 201
    assert searcher.upserted[-1].code == NEW_CODE and searcher.upserted[-1].name == NEW_NAME
    found = client.get("/api/procedures/search", params={"q": NEW_NAME.lower()}).json()
    assert found["results"][0]["code"] == NEW_CODE and found["confidence"] == "confident"
    assert client.get(f"/api/procedures/{NEW_CODE}").json()["name"] == NEW_NAME
    assert client.get("/api/desks/route", params={"code": NEW_CODE}).json()["desk"]["id"] == "Q1"

    renamed = dict(new_procedure, name=NEW_NAME + " (sửa)")
    assert client.post("/api/staff/procedures", json=renamed, headers=staff_headers["editor"]).status_code == 200
    entries = client.get("/api/staff/audit", params={"target": NEW_CODE}, headers=staff_headers["viewer"]).json()[
        "entries"
    ]
    assert [e["action"] for e in entries] == ["procedure.update", "procedure.create"]
    assert entries[0]["before"]["name"] == NEW_NAME and entries[0]["after"]["name"] == NEW_NAME + " (sửa)"
    assert entries[1]["before"] is None and "test editor" in entries[1]["actor"]


def test_delete_removes_from_search_and_details(client, searcher, staff_headers, new_procedure):
    client.post("/api/staff/procedures", json=new_procedure, headers=staff_headers["editor"])
    assert client.delete(f"/api/staff/procedures/{NEW_CODE}", headers=staff_headers["editor"]).status_code == 200
    assert searcher.removed == [NEW_CODE]
    assert client.get(f"/api/procedures/{NEW_CODE}").status_code == 404
    assert client.get("/api/procedures/search", params={"q": NEW_NAME}).json()["results"] == []
    assert client.delete(f"/api/staff/procedures/{NEW_CODE}", headers=staff_headers["editor"]).status_code == 404


def test_overlay_is_reapplied_to_a_fresh_searcher_after_restart(make_client, staff_headers, new_procedure):
    from tests.bridge.fakes import RecordingSearcher

    first = make_client()
    first.post("/api/staff/procedures", json=new_procedure, headers=staff_headers["editor"])
    first.delete("/api/staff/procedures/1.000656", headers=staff_headers["editor"])
    fresh = RecordingSearcher()
    second = make_client(searcher_override=fresh)
    assert [p.code for p in fresh.upserted] == [NEW_CODE] and fresh.removed == ["1.000656"]
    assert second.get("/api/procedures/1.000656").status_code == 404
    assert second.get(f"/api/procedures/{NEW_CODE}").json()["name"] == NEW_NAME


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda r: r.pop("name"), "name"),
        (lambda r: r.update(levels="Cấp xã"), "levels"),
        (lambda r: r.update(colour="red"), "colour"),
        (lambda r: r.update(ward_level=False), "ward_level"),
        (lambda r: r.update(code="1" * 40), "32"),
        (lambda r: r.update(code="../etc"), "32"),
    ],
)
def test_invalid_procedures_are_rejected_with_the_reason(client, staff_headers, new_procedure, mutate, fragment):
    mutate(new_procedure)
    response = client.post("/api/staff/procedures", json=new_procedure, headers=staff_headers["editor"])
    assert response.status_code == 422 and response.json()["error"] == "invalid_record"
    assert fragment in response.json()["message"]


def test_alias_upsert_and_delete_swap_the_searchers_alias_table(client, searcher, staff_headers):
    entry = {"canonical": "đăng ký khai sinh", "aliases": ["làm giấy khai sinh cho cháu", "birth paper"]}
    response = client.post("/api/staff/aliases", json=entry, headers=staff_headers["editor"])
    assert response.status_code in (200, 201)
    table = searcher.alias_tables[-1]
    assert any("birth paper" in e.aliases for e in table)
    assert len(table) > 10  # the committed aliases are kept alongside the staff entry
    listed = client.get("/api/staff/aliases", headers=staff_headers["viewer"]).json()["aliases"]
    assert any(e["canonical"] == "đăng ký khai sinh" and "birth paper" in e["aliases"] for e in listed)
    deleted = client.delete(
        "/api/staff/aliases", params={"canonical": "Đăng ký khai sinh"}, headers=staff_headers["editor"]
    )
    assert deleted.status_code == 200
    assert not any("birth paper" in e.aliases for e in searcher.alias_tables[-1])
    actions = [e["action"] for e in client.get("/api/staff/audit", headers=staff_headers["viewer"]).json()["entries"]]
    assert actions[0] == "alias.delete" and actions[1] in ("alias.create", "alias.update")


def test_conflicting_alias_is_rejected(client, staff_headers):
    first = {"canonical": "thủ tục thử một", "aliases": ["giấy thử nghiệm xyz"]}
    second = {"canonical": "thủ tục thử hai", "aliases": ["giấy thử nghiệm xyz"]}
    assert client.post("/api/staff/aliases", json=first, headers=staff_headers["editor"]).status_code == 201
    response = client.post("/api/staff/aliases", json=second, headers=staff_headers["editor"])
    body = response.json()
    assert response.status_code == 409 and body["error"] == "alias_conflict" and "xyz" in body["message"]


@needs_national_catalogue
def test_import_national_jsonl_line_and_normalised_record(client, searcher, staff_headers, new_procedure):
    with NATIONAL_CATALOGUE.open(encoding="utf-8") as handle:
        raw = json.loads(next(line for line in handle if '"1.001193"' in line))
    raw["ten_thu_tuc"] = "Thủ tục đăng ký khai sinh (bản nhập lại)"
    body = (
        json.dumps(raw, ensure_ascii=False) + "\n" + json.dumps(new_procedure, ensure_ascii=False) + "\n{broken\n"
    ).encode()
    response = client.post(
        "/api/staff/import",
        files={"file": ("catalogue.jsonl", body, "application/x-ndjson")},
        headers=staff_headers["admin"],
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["created"], report["updated"], report["error_count"]) == (1, 1, 1)
    assert report["errors"][0]["line"] == 3
    assert client.get("/api/procedures/1.001193").json()["name"] == "Thủ tục đăng ký khai sinh (bản nhập lại)"
    again = client.post(
        "/api/staff/import",
        files={"file": ("catalogue.jsonl", body, "application/x-ndjson")},
        headers=staff_headers["admin"],
    ).json()
    assert again["unchanged"] == 2 and again["created"] == again["updated"] == 0


def test_import_csv_updates_cells_and_creates_new_rows(client, staff_headers):
    csv_text = (
        "code,name,field,levels,steps\n"
        "1.000656,,,,Bước 1: Nộp tờ khai | Bước 2: Nhận kết quả\n"
        "9.888888,Thủ tục thử nghiệm CSV,Hộ tịch,Cấp xã,\n"
        "9.777777,,,,\n"
    )
    response = client.post(
        "/api/staff/import",
        files={"file": ("edits.csv", csv_text.encode(), "text/csv")},
        headers=staff_headers["admin"],
    ).json()
    assert (response["created"], response["updated"], response["error_count"]) == (1, 1, 1)
    assert client.get("/api/procedures/1.000656").json()["steps"] == ["Bước 1: Nộp tờ khai", "Bước 2: Nhận kết quả"]
    assert client.get("/api/procedures/9.888888").json()["ward_level"] is True


def test_import_excel(client, staff_headers):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "field", "levels"])
    sheet.append(["9.666666", "Thủ tục thử nghiệm Excel", "Chứng thực", "Cấp xã\nCấp tỉnh"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        "/api/staff/import",
        headers=staff_headers["admin"],
        files={"file": ("edits.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert response.json()["created"] == 1
    assert client.get("/api/procedures/9.666666").json()["levels"] == ["Cấp xã", "Cấp tỉnh"]


def test_import_rejects_unknown_file_types(client, staff_headers):
    response = client.post(
        "/api/staff/import", files={"file": ("notes.txt", b"hello", "text/plain")}, headers=staff_headers["admin"]
    )
    assert response.status_code == 422 and response.json()["error"] == "invalid_import_file"


def test_a_stored_edit_that_no_longer_validates_does_not_stop_the_bridge(
    make_client, settings, staff_headers, new_procedure
):
    from sqlalchemy import update

    from assistant.bridge.models import ProcedureOverride
    from assistant.bridge.services import open_database

    make_client().post("/api/staff/procedures", json=new_procedure, headers=staff_headers["editor"])
    db = open_database(settings)
    with db.write() as session:
        session.execute(update(ProcedureOverride).values(data={"code": NEW_CODE, "name": "missing everything else"}))
    db.dispose()
    restarted = make_client()
    assert restarted.get(f"/api/procedures/{NEW_CODE}").status_code == 404
    assert restarted.get("/api/procedures/1.001193").status_code == 200


def test_import_is_audited_per_procedure_and_reaches_search(client, searcher, staff_headers):
    csv_text = (
        "code,name,field,levels\n9.444444,Thủ tục nhập thử một,Hộ tịch,Cấp xã\n"
        "9.444445,Thủ tục nhập thử hai,Hộ tịch,Cấp xã\n"
    )
    client.post(
        "/api/staff/import", files={"file": ("two.csv", csv_text.encode(), "text/csv")}, headers=staff_headers["admin"]
    )
    assert {p.code for p in searcher.upserted} >= {"9.444444", "9.444445"}
    entries = client.get("/api/staff/audit", headers=staff_headers["viewer"]).json()["entries"]
    imported = {e["target"]: e for e in entries if e["action"] == "procedure.import"}
    assert set(imported) == {"9.444444", "9.444445"} and imported["9.444444"]["before"] is None
    assert "test admin" in imported["9.444445"]["actor"]


def test_openapi_documents_the_procedure_record_the_staff_api_takes(client, new_procedure):
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/api/staff/procedures"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Procedure"
    }
    schema = document["components"]["schemas"]["Procedure"]
    assert set(schema["required"]) == set(new_procedure) and schema["additionalProperties"] is False
    assert schema["properties"]["channels"]["items"] == {"$ref": "#/components/schemas/Channel"}
