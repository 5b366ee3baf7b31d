"""English names of bodies beyond the ward: the committed file loads, whole names and comma lists are said in
English with the Vietnamese name in brackets, unknown bodies stay Vietnamese."""

from __future__ import annotations

import pytest

from assistant.actions.body_names import BodyNames, BodyNamesError
from assistant.actions.not_at_ward import responsible_body


def test_committed_names_load_and_translate():
    names = BodyNames.load()
    assert names.say("Cục quản lý xuất nhập cảnh", "en") == "Immigration Department (Cục quản lý xuất nhập cảnh)"
    assert names.say("cục quản lý xuất nhập cảnh", "vi") == "cục quản lý xuất nhập cảnh"


def test_comma_lists_and_names_with_commas(tmp_path):
    path = tmp_path / "names.yaml"
    path.write_text(
        "names:\n  Cục A về trật tự, xã hội: Police Dept\n  Công an tỉnh: provincial police\n", encoding="utf-8"
    )
    names = BodyNames.load(path)
    assert names.translate("Cục A về trật tự, xã hội, Công an tỉnh") == "Police Dept, provincial police"
    assert names.translate("Công an tỉnh, Sở Lạ") is None  # one unknown part: the Vietnamese name is kept
    assert names.say("Sở Lạ", "en") == "Sở Lạ"


def test_a_broken_file_names_the_entry(tmp_path):
    path = tmp_path / "names.yaml"
    path.write_text("names:\n  Công an tỉnh: ''\n", encoding="utf-8")
    with pytest.raises(BodyNamesError, match="Công an tỉnh"):
        BodyNames.load(path)


def test_referral_body_in_english():
    record = {"code": "1.001456", "performing_body": "Phòng quản lý xuất nhập cảnh", "name": "Cấp hộ chiếu"}
    assert responsible_body(record, "en").startswith("provincial police immigration office (Phòng")
    assert responsible_body(record) == "Phòng quản lý xuất nhập cảnh"
