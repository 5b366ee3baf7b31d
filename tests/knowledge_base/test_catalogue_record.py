"""Procedure record validation, JSON round-trip and load_catalogue error messages."""

from __future__ import annotations

import copy
import json

import pytest

from knowledge_base.catalogue import CatalogueError, Procedure, load_catalogue, write_catalogue

RECORD = {
    "code": "1.001193",
    "name": "Thủ tục đăng ký khai sinh",
    "field": "Hộ tịch",
    "levels": ["Cấp xã"],
    "ward_level": True,
    "decision": "163/QĐ-BTP",
    "procedure_type": "TTHC được giao luật quy định chi tiết",
    "ministry": "bo-tu-phap",
    "applicants": ["Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài"],
    "competent_body": "",
    "performing_body": "",
    "delegated_body": "",
    "coordinating_body": "",
    "submission_address": "",
    "related_procedures": [],
    "steps": ["Nộp hồ sơ.", "Nhận kết quả."],
    "channels": [
        {
            "channel": "in_person",
            "label": "Trực tiếp",
            "processing_time": "1",
            "processing_days": 1.0,
            "fee": "Miễn phí",
            "fee_amount_vnd": 0,
            "fee_set_by_province": False,
            "description": "",
        },
        {
            "channel": "online",
            "label": "Trực tuyến",
            "processing_time": "",
            "processing_days": None,
            "fee": "",
            "fee_amount_vnd": None,
            "fee_set_by_province": True,
            "description": "Qua VNeID",
        },
    ],
    "documents": [{"group": "Giấy tờ phải nộp", "name": "Giấy chứng sinh", "form": "", "copies": "1 bản chính"}],
    "legal_basis": [{"name": "Luật Hộ tịch", "number": "60/2014/QH13"}],
    "conditions": "",
    "result": "Giấy khai sinh",
    "source_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x",
}


def test_round_trip_is_exact():
    procedure = Procedure.from_dict(RECORD)
    assert procedure.to_dict() == RECORD
    assert list(procedure.to_dict()) == list(RECORD)  # contract key order
    assert Procedure.from_dict(json.loads(json.dumps(procedure.to_dict()))) == procedure
    assert procedure.channels[1].fee_set_by_province is True
    assert hash(procedure)  # frozen and hashable


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r.pop("name"), "field 'name': Field required"),
        (lambda r: r.update(levels="Cấp xã"), "field 'levels': Input should be a list"),
        (lambda r: r.update(ward_level=False), "'ward_level' disagrees"),
        (
            lambda r: r["channels"][0].update(channel="fax"),
            "field 'channels[1].channel': Input should be 'in_person', 'online' or 'post'",
        ),
        (
            lambda r: r["channels"][0].update(fee_amount_vnd="8.000"),
            "field 'channels[1].fee_amount_vnd': Input should be a valid integer",
        ),
        (
            lambda r: r["channels"][0].update(processing_days=-1),
            "field 'channels[1].processing_days': Input should be greater than or equal to 0",
        ),
        (lambda r: r["documents"][0].pop("copies"), "field 'documents[1].copies': Field required"),
        (
            lambda r: r["legal_basis"][0].update(number=123),
            "field 'legal_basis[1].number': Input should be a valid string",
        ),
        (lambda r: r.update(extra="x"), "field 'extra': unknown key"),
    ],
)
def test_malformed_records_name_code_and_field(change, field):
    record = copy.deepcopy(RECORD)
    change(record)
    with pytest.raises(CatalogueError) as error:
        Procedure.from_dict(record)
    assert "1.001193" in str(error.value) and field in str(error.value)


def test_missing_code_is_reported():
    record = copy.deepcopy(RECORD)
    record["code"] = ""
    with pytest.raises(CatalogueError, match="'code' must be a non-empty string"):
        Procedure.from_dict(record)


def _write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_catalogue_reports_file_and_line_of_a_broken_line(tmp_path):
    good = json.dumps(RECORD, ensure_ascii=False)
    path = _write_lines(tmp_path / "procedures.jsonl", [good, "", '{"code": "1.0", "name": '])
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert f"{path}:3: not valid JSON" in str(error.value)


def test_load_catalogue_reports_line_of_an_invalid_record_and_duplicates(tmp_path):
    bad = copy.deepcopy(RECORD)
    bad["steps"] = "Nộp hồ sơ"
    path = _write_lines(tmp_path / "a.jsonl", [json.dumps(RECORD), json.dumps(bad)])
    with pytest.raises(CatalogueError, match=r"a\.jsonl:2: procedure 1\.001193: field 'steps'"):
        load_catalogue(path)
    path = _write_lines(tmp_path / "b.jsonl", [json.dumps(RECORD), json.dumps(RECORD)])
    with pytest.raises(CatalogueError, match=r"b\.jsonl:2: duplicate procedure code 1\.001193"):
        load_catalogue(path)


def test_load_catalogue_missing_file(tmp_path):
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "nope.jsonl")


def test_write_then_load_is_sorted_utf8_and_stable(tmp_path):
    second = copy.deepcopy(RECORD)
    second["code"] = "1.000001"
    procedures = [Procedure.from_dict(RECORD), Procedure.from_dict(second)]
    path = tmp_path / "out.jsonl"
    assert write_catalogue(procedures, path) == 2
    first_bytes = path.read_bytes()
    write_catalogue(reversed(procedures), path)
    assert path.read_bytes() == first_bytes
    text = first_bytes.decode("utf-8")
    assert "đăng ký khai sinh" in text and "\\u" not in text
    assert list(load_catalogue(path)) == ["1.000001", "1.001193"]


def test_committed_catalogue_loads_by_default():
    catalogue = load_catalogue()
    assert len(catalogue) == 2642
    assert sum(procedure.ward_level for procedure in catalogue.values()) == 588
    birth = catalogue["1.001193"]
    assert birth.field == "Hộ tịch" and birth.ward_level
    assert {channel.channel for channel in birth.channels} == {"in_person", "online", "post"}
    assert all(channel.fee_amount_vnd == 0 for channel in birth.channels)
    assert any(document.group == "Giấy tờ phải nộp" for document in birth.documents)
    assert "60/2014/QH13" in {basis.number for basis in birth.legal_basis}
    assert birth.result == "Giấy khai sinh"
