"""Catalogue table parsers against real, hand-checked rows of the national catalogue, plus tricky pieces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.catalogue.channels import (
    fee_set_by_province,
    parse_channels,
    parse_processing_days,
    parse_vnd_amounts,
)
from knowledge_base.catalogue.documents import parse_documents, split_form
from knowledge_base.catalogue.legal import parse_legal_basis
from knowledge_base.catalogue.sections import (
    documents_source,
    parse_applicants,
    parse_conditions,
    parse_related,
    parse_result,
    parse_steps,
    split_top_level_commas,
    steps_source,
)

# Real rows with expected values checked by hand against the source text (see the file's _comment).
FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "catalogue_rows.json").read_text(encoding="utf-8"))
CASES = FIXTURE["cases"]


def _cases(field: str) -> list:
    return [pytest.param(case, id=f"{case['code']}") for case in CASES if case["source_field"] == field]


def _assert_matches(actual: dict, expected: dict) -> None:
    """Compare a parsed item with an expected dict; keys ending in _starts compare a prefix."""
    for key, value in expected.items():
        if key.endswith("_starts"):
            assert actual[key[: -len("_starts")]].startswith(value), key
        else:
            assert actual[key] == value, key


def test_fixture_has_at_least_twenty_real_rows():
    assert len({(case["code"], case["source_field"]) for case in CASES}) >= 20


@pytest.mark.parametrize("case", _cases("cach_thuc_thuc_hien"))
def test_channels_on_real_rows(case):
    channels, _ = parse_channels(case["raw"])
    assert len(channels) == len(case["expected"])
    for parsed, expected in zip(channels, case["expected"]):
        _assert_matches(vars(parsed), expected)


@pytest.mark.parametrize("case", _cases("thanh_phan_ho_so"))
def test_documents_on_real_rows(case):
    documents, _ = parse_documents(case["raw"])
    assert len(documents) == len(case["expected"])
    for parsed, expected in zip(documents, case["expected"]):
        _assert_matches(vars(parsed), expected)


@pytest.mark.parametrize("case", _cases("can_cu_phap_ly"))
def test_legal_basis_on_real_rows(case):
    pairs, _ = parse_legal_basis(case["raw"])
    assert len(pairs) == len(case["expected"])
    for parsed, expected in zip(pairs, case["expected"]):
        _assert_matches(vars(parsed), expected)


@pytest.mark.parametrize("case", _cases("trinh_tu_thuc_hien"))
def test_steps_on_real_rows(case):
    steps = parse_steps(case["raw"])
    assert len(steps) == len(case["expected"])
    for step, start in zip(steps, case["expected"]):
        assert step.startswith(start)


@pytest.mark.parametrize("case", _cases("ket_qua_xu_ly"))
def test_result_on_real_rows(case):
    result = parse_result(case["raw"])
    assert result == case["expected"]
    assert "Mã:" not in result and "Từ khóa" not in result


def test_steps_recovered_from_raw_text_when_the_field_was_cut():
    (case,) = [case for case in CASES if case["source_field"] == "trinh_tu_thuc_hien+raw_text"]
    text, from_raw = steps_source(case["raw"], case["raw_text_excerpt"])
    assert from_raw
    steps = parse_steps(text)
    assert [step[: len(start)] for step, start in zip(steps, case["expected"])] == case["expected"]
    assert steps_source("Bước 1. Nộp hồ sơ đầy đủ", "") == ("Bước 1. Nộp hồ sơ đầy đủ", False)


def test_different_fees_per_channel_are_kept_apart():
    channels, _ = parse_channels(
        "Hình thức nộpThời gianPhí, lệ phíMô tả"
        "Trực tiếp5 Ngày làm việc10,000 Việt Nam Đồng(thu 10.000 đồng/lần đăng ký;)- Nộp tại Công an cấp xã."
        "Trực tuyến5 Ngày làm việc5,000 Việt Nam Đồng(thu 5000 đồng/lần đăng ký;)- Nộp qua VNeID."
    )
    assert [(c.channel, c.fee_amount_vnd) for c in channels] == [("in_person", 10000), ("online", 5000)]
    assert [c.description for c in channels] == ["- Nộp tại Công an cấp xã.", "- Nộp qua VNeID."]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("15 Ngày làm việc", 15.0),
        ("1", 1.0),
        ("0", None),
        ("03 ngày", 3.0),
        ("45 Ngày", 45.0),
        ("Trong ngày", 0.5),
        ("4 Giờ", 0.5),
        ("6 Tháng", 180.0),
        ("Không quy định", None),
        ("Không phải trả kết quả cho người nộp thuế", None),
        ("", None),
    ],
)
def test_processing_days(text, days):
    assert parse_processing_days(text) == days


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Lệ phí: 8.000 đồng", [8000]),
        ("50.000 đồng/lần", [50000]),
        ("25,000 Việt Nam Đồng", [25000]),
        ("20.000Đ/tờ khai", [20000]),
        ("5.000đ/giấy thông hành", [5000]),
        ("Thông tư số 281/2016/TT-BTC ngày 14/11/2016", []),
        ("từ 20.000 đồng; 200.000 đồng đối với hàng quá cảnh", [20000, 200000]),
    ],
)
def test_vnd_amounts(text, amounts):
    assert parse_vnd_amounts(text) == amounts


def test_fee_rules_on_synthetic_cells():
    def only(cell: str):
        (channel,), _ = parse_channels("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp" + cell)
        return channel.fee, channel.fee_amount_vnd, channel.fee_set_by_province

    assert only("1Miễn phí") == ("Miễn phí", 0, False)
    assert only("1Miễn phí(Không)") == ("Miễn phí (Không)", 0, False)
    assert only("1Miễn phí(Theo quy định của Hội đồng nhân dân cấp tỉnh)")[1:] == (None, True)
    assert only("1Miễn phí(Áp dụng mức thu theo mức phí quy định tại Thông tư số 48/2022/TT-BTC)")[1] is None
    assert only("1Không có thông tin") == ("", None, False)
    assert only("2 Ngày10 USD(/bản)")[1] is None  # not đồng
    assert only("1 Ngày2,000 Việt Nam Đồng(2.000 đồng/trang; từ trang thứ 3 thu 1.000 đồng/trang)")[1] is None
    assert only("120 VNĐ") == ("20 VNĐ", None, False)  # a glitched "20" is not 20 đồng
    assert fee_set_by_province("do HĐND tỉnh quyết định")
    assert not fee_set_by_province("không được tính trong lệ phí")


def test_unrecognised_channel_text_gives_a_warning_not_a_crash():
    channels, warnings = parse_channels("Hình thức nộpThời gianPhí, lệ phíMô tảNộp tại quầy")
    assert channels == [] and warnings == ["channels: no channel row recognised"]


@pytest.mark.parametrize("parser", [parse_channels, parse_documents, parse_legal_basis])
@pytest.mark.parametrize("empty", ["", "Không có thông tin", "  "])
def test_empty_cells_parse_to_nothing(parser, empty):
    assert parser(empty) == ([], [])


def test_empty_simple_fields():
    assert parse_steps("Không có thông tin") == []
    assert parse_result("Không có thông tin") == ""
    assert parse_conditions("Không có thông tin") == ""
    assert parse_conditions("Không") == ""
    assert parse_conditions("Người đăng ký phải đủ 18 tuổi.") == "Người đăng ký phải đủ 18 tuổi."
    assert parse_related("Không có thông tin") == []
    assert parse_documents("--") == ([], [])  # an empty table


def test_documents_without_bullets_and_with_glued_forms():
    documents, _ = parse_documents(
        "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng"
        "- Tờ khai thay đổi thông tin cư trú (Mẫu CT01)Mẫu CT01.docx1 bản chính"
        "Giấy tờ chứng minh chỗ ở hợp pháp0 bản chính,1 bản sao"
    )
    assert [(d.group, d.name, d.form, d.copies) for d in documents] == [
        ("Giấy tờ phải nộp", "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", "Mẫu CT01.docx", "1 bản chính"),
        ("Giấy tờ phải nộp", "Giấy tờ chứng minh chỗ ở hợp pháp", "", "0 bản chính, 1 bản sao"),
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "Phiếu khai báo tạm trú (mẫu NA17)101-Mau A17 tam tru.doc",
            ("Phiếu khai báo tạm trú (mẫu NA17)", "101-Mau A17 tam tru.doc"),
        ),
        ("Tờ khai theo mẫu.MuTkhaicpliGCN (1).docx", ("Tờ khai theo mẫu.", "MuTkhaicpliGCN (1).docx")),
        (
            "Đơn đề nghị;Phụ lục V - T54.docxPhlcVII - T54.docx",
            ("Đơn đề nghị;", "Phụ lục V - T54.docx; PhlcVII - T54.docx"),
        ),
        ("Bản sao giấy khai sinh", ("Bản sao giấy khai sinh", "")),
    ],
)
def test_split_form(cell, expected):
    assert split_form(cell) == expected


def test_copy_counts_are_not_taken_from_inside_names_or_glued_years():
    documents, _ = parse_documents(
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượng"
        "01 bản sao có chứng thực giấy khai sinh (01 bản chính hoặc 01 bản sao)0 bản chính,1 bản sao"
        "Văn bản theo Nghị định 58/2026/NĐ-CP ngày 13/02/20261 bản chính"
    )
    assert [(d.name, d.copies) for d in documents] == [
        ("01 bản sao có chứng thực giấy khai sinh (01 bản chính hoặc 01 bản sao)", "0 bản chính, 1 bản sao"),
        ("Văn bản theo Nghị định 58/2026/NĐ-CP ngày 13/02/2026", "1 bản chính"),
    ]


@pytest.mark.parametrize(
    ("body", "pairs"),
    [
        ("Luật Cư trú68/2020/QH14", [("Luật Cư trú", "68/2020/QH14")]),
        ("Luật 59/2020/QH1459/2020/QH14", [("Luật 59/2020/QH14", "59/2020/QH14")]),
        (
            "Thông tư về thông tin23/2018/TT-BTTTTNghị định số 123/2015/NĐ-CP ngày 15/11/2015 về hộ tịch123/2015/NĐ-CP",
            [
                ("Thông tư về thông tin", "23/2018/TT-BTTTT"),
                ("Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 về hộ tịch", "123/2015/NĐ-CP"),
            ],
        ),
        ("Nghị định 105/2025/NĐ- CP", [("Nghị định", "105/2025/NĐ-CP")]),
        (
            "Nghị định số 46/2020/NĐ-CP46/2020Luật Hải quan54/2014/QH13",
            [("Nghị định số 46/2020/NĐ-CP", "46/2020"), ("Luật Hải quan", "54/2014/QH13")],
        ),
        (
            "Thông tư số 08/2026/TT-BNNMT ngày 26/01/202608/2026",
            [("Thông tư số 08/2026/TT-BNNMT ngày 26/01/2026", "08/2026")],
        ),
        (
            "Quyết định về chế độ290/2005/QĐ-TTgLuật Đất đai31/2024/QH15",
            [("Quyết định về chế độ", "290/2005/QĐ-TTg"), ("Luật Đất đai", "31/2024/QH15")],
        ),
    ],
)
def test_legal_number_shapes(body, pairs):
    parsed, _ = parse_legal_basis("Tên văn bản pháp lýMã văn bản" + body)
    assert [(pair.name, pair.number) for pair in parsed] == pairs


def test_documents_recovered_from_raw_text_when_the_field_lost_its_table():
    header = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
    raw_text = (
        "Trình Tự Thực HiệnBước 1. Lập hồ sơ theo mục 5.3 (Thành phần hồ sơ); nộp cho BHXH."
        "Cách Thức Thực HiệnHình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việcMiễn phí"
        f"Thành phần hồ sơ1. Trường hợp hưởng BHXH một lần{header}a) Sổ BHXH1 bản chínhCăn cứ pháp lýTên văn bản"
    )
    spilled = ") và nộp cho cơ quan BHXH.\nBước 2. Cơ quan BHXH tiếp nhận hồ sơ."
    text, from_raw = documents_source(spilled, raw_text, header)
    assert from_raw
    (document,), _ = parse_documents(text)
    assert (document.group, document.name, document.copies) == (
        "1. Trường hợp hưởng BHXH một lần",
        "a) Sổ BHXH",
        "1 bản chính",
    )
    intact = f"--{header}Tờ khai1 bản chính"
    assert documents_source(intact, "", header) == (intact, False)


def test_list_fields():
    assert parse_applicants(
        "Tổ chức (không bao gồm doanh nghiệp, HTX), Cán bộ, công chức, viên chức, Doanh nghiệp"
    ) == [
        "Tổ chức (không bao gồm doanh nghiệp, HTX)",
        "Cán bộ, công chức, viên chức",
        "Doanh nghiệp",
    ]
    assert split_top_level_commas("Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam") == [
        "Tổ chức (không bao gồm doanh nghiệp, HTX)",
        "Công dân Việt Nam",
    ]
    assert split_top_level_commas("Cấp tỉnh, Cấp xã") == ["Cấp tỉnh", "Cấp xã"]
    assert parse_related("#Tên thủ tục1Cấp giấy phép xây dựng2Gia hạn giấy phép") == [
        "Cấp giấy phép xây dựng",
        "Gia hạn giấy phép",
    ]


def test_bullet_steps_keep_notes_separate():
    assert parse_steps("-\nBước 1: Nộp hồ sơ.\n\nBước 2: Nhận kết quả.") == [
        "Bước 1: Nộp hồ sơ.",
        "Bước 2: Nhận kết quả.",
    ]
    steps = parse_steps("- Nộp hồ sơ.\nNgười nộp ký tên.\n\n- Nhận kết quả.\n* Lưu ý:\n- Mang theo căn cước.")
    assert steps == ["Nộp hồ sơ.\nNgười nộp ký tên.", "Nhận kết quả.", "* Lưu ý:\n- Mang theo căn cước."]
