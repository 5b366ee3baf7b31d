"""Desk map: the committed ward file validates, routing by field, general-desk fallback, clear config errors."""

from __future__ import annotations

import copy

import pytest
import yaml

from assistant.bridge.desks import WardConfigError, load_ward_config, validate_ward_config
from assistant.bridge.settings import BridgeSettings


@pytest.fixture(scope="module")
def ward_document() -> dict:
    return yaml.safe_load(BridgeSettings(_env_file=None).ward_config_path.read_text(encoding="utf-8"))


def test_committed_ward_file_is_valid_and_uses_catalogue_fields(knowledge_defaults):
    config = load_ward_config(BridgeSettings(_env_file=None).ward_config_path)
    catalogue_fields = {p.field for p in knowledge_defaults["catalogue"].values()}
    served = [f for desk in config.desks for f in desk.fields]
    assert served and set(served) <= catalogue_fields
    assert sum(d.general for d in config.desks) == 1 and any(d.priority for d in config.desks)


def test_desks_endpoint_shape(client):
    body = client.get("/api/desks").json()
    assert body["ward"]["name"] == "Phường Cửa Nam" and "13:30" in body["ward"]["hours"]
    first = body["desks"][0]
    assert set(first) == {
        "id",
        "name",
        "name_en",
        "fields",
        "floor",
        "hours",
        "directions",
        "priority",
        "general",
        "floor_en",
        "hours_en",
        "directions_en",
    }
    assert first["name_en"].startswith("Desk 1")
    assert first["floor_en"] == "Floor 1" and first["directions_en"].startswith("Through the main entrance")
    assert body["ward"]["name_en"] == "Cửa Nam Ward" and "Monday" in body["ward"]["hours_en"]


def test_the_sample_ward_is_a_demo_and_its_missing_address_is_left_out(client):
    ward = client.get("/api/desks").json()["ward"]
    assert ward["demo"] is True
    assert "address" not in ward and "phone" not in ward  # empty facts are left out, not shown blank
    assert "cần cập nhật" not in str(ward) and "mẫu" not in str(ward)


@pytest.mark.parametrize(
    "where, value",
    [
        ("address", "Số 1 phố X (địa chỉ mẫu — cần cập nhật)"),
        ("phone", "TODO"),
        ("hours", "8:00 – cần cập nhật"),
    ],
)
def test_placeholder_ward_facts_are_refused(ward_document, where, value):
    data = copy.deepcopy(ward_document)
    data["ward"][where] = value
    with pytest.raises(WardConfigError, match=f"ward.{where}"):
        validate_ward_config(data)


def test_desk_names_in_english_are_validated_and_optional(ward_document):
    data = copy.deepcopy(ward_document)
    data["desks"][0]["name_en"] = ""
    with pytest.raises(WardConfigError, match="name_en"):
        validate_ward_config(data)
    data["desks"][0].pop("name_en")
    desk = validate_ward_config(data).desks[0]
    assert desk.name_en is None and desk.display_name("en") == desk.name


def test_every_shipped_desk_has_an_english_name():
    config = load_ward_config(BridgeSettings(_env_file=None).ward_config_path)
    assert all(d.name_en and d.display_name("en") == d.name_en for d in config.desks)


@pytest.mark.parametrize("code, desk", [("1.001193", "Q1"), ("2.000815", "Q1"), ("1.004222", "Q4"), ("1.012796", "Q2")])
def test_route_by_procedure_field(client, code, desk):
    response = client.get("/api/desks/route", params={"code": code})
    assert response.status_code == 200
    body = response.json()
    assert body["procedure_code"] == code and body["desk"]["id"] == desk and body["desk"]["directions"]


def test_field_no_desk_serves_goes_to_the_general_desk(client, knowledge_defaults):
    tax = next(p for p in knowledge_defaults["catalogue"].values() if p.field == "Thuế")
    body = client.get("/api/desks/route", params={"code": tax.code}).json()
    assert body["field"] == "Thuế" and body["desk"]["id"] == "Q6"


def test_unknown_procedure_is_404(client):
    response = client.get("/api/desks/route", params={"code": "9.123456"})
    assert response.status_code == 404 and response.json()["error"] == "unknown_procedure"


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["desks"][0].update(colour="red"), "desks[0] (Q1).colour: khóa không được phép / unknown key"),
        (lambda d: d["desks"][1].update(id="Q1"), "duplicate desk id 'Q1'"),
        (lambda d: d["desks"][1].update(prefix="A"), "duplicate ticket prefix 'A'"),
        (lambda d: d["desks"][5].update(general=False), "exactly one general desk required, found none"),
        (lambda d: d["desks"][1]["fields"].append("Hộ tịch"), "field served by two desks: Q1, Q2"),
        (lambda d: d["desks"][2].pop("floor"), "desks[2] (Q3).floor: thiếu / missing"),
        (lambda d: d.update(extra=1), "extra: khóa không được phép / unknown key"),
    ],
)
def test_invalid_configs_give_clear_errors(ward_document, mutate, expected):
    document = copy.deepcopy(ward_document)
    mutate(document)
    with pytest.raises(WardConfigError) as error:
        validate_ward_config(document)
    assert expected in str(error.value)


def test_staff_replace_desk_map_changes_routing_and_is_audited(client, staff_headers, ward_document):
    document = copy.deepcopy(ward_document)
    document["desks"][0]["fields"].remove("Hộ tịch")  # births now go to the general desk
    assert client.post("/api/staff/desks", json=document, headers=staff_headers["viewer"]).status_code == 403
    saved = client.post("/api/staff/desks", json=document, headers=staff_headers["editor"])
    assert saved.status_code == 200
    assert client.get("/api/desks/route", params={"code": "1.001193"}).json()["desk"]["id"] == "Q6"
    entry = client.get("/api/staff/audit", headers=staff_headers["viewer"]).json()["entries"][0]
    assert entry["action"] == "desks.replace" and "Hộ tịch" in entry["before"]["desks"][0]["fields"]
    assert "Hộ tịch" not in entry["after"]["desks"][0]["fields"]


def test_invalid_desk_map_is_rejected_and_the_old_one_kept(client, staff_headers, ward_document):
    document = copy.deepcopy(ward_document)
    document["desks"][5]["general"] = False
    response = client.post("/api/staff/desks", json=document, headers=staff_headers["editor"])
    assert response.status_code == 422 and "general" in response.json()["message"]
    assert client.get("/api/desks/route", params={"code": "9.999"}).status_code == 404
    assert client.get("/api/desks/route", params={"code": "1.001193"}).json()["desk"]["id"] == "Q1"


def test_saved_desk_map_survives_restart_and_reset_goes_back_to_file(make_client, staff_headers, ward_document):
    document = copy.deepcopy(ward_document)
    document["ward"]["name"] = "Phường Thử Nghiệm"
    first = make_client()
    assert first.post("/api/staff/desks", json=document, headers=staff_headers["editor"]).status_code == 200
    second = make_client()
    assert second.get("/api/desks").json()["ward"]["name"] == "Phường Thử Nghiệm"
    assert second.delete("/api/staff/desks", headers=staff_headers["editor"]).status_code == 200
    assert second.get("/api/desks").json()["ward"]["name"] == "Phường Cửa Nam"
