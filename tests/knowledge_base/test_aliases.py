"""Alias table: the committed staff file against the catalogue, matching rules, and validation errors."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from knowledge_base.aliases import DEFAULT_PATH, AliasEntry, AliasFileError, AliasTable
from knowledge_base.text import fold
from tests.shared_data import NATIONAL_CATALOGUE

RAW_CATALOGUE = NATIONAL_CATALOGUE

# Ward-level fields citizens commonly visit for (exact catalogue `linh_vuc` names): each must have aliases.
COMMON_WARD_FIELDS = [
    "Hộ tịch",
    "Chứng thực",
    "Đăng ký, quản lý cư trú",
    "Cấp, quản lý căn cước",
    "Định danh và xác thực điện tử",
    "Đất đai",
    "Tài chính đất đai",
    "Thực hiện chính sách BHXH",
    "Chi trả các chế độ BHXH",
    "Thực hiện chính sách BHYT",
    "Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN",
    "Cấp sổ BHXH, thẻ BHYT",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)",
    "Người có công",
    "Giảm nghèo",
    "Nuôi con nuôi",
    "Hòa giải ở cơ sở",
    "Hoạt động xây dựng",
    "Nhà ở và công sở",
    "Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng",
    "Hàng hải và đường thủy nội địa",
    "Quản lý xuất nhập cảnh",
    "Khiếu nại, tố cáo",
    "Bồi thường nhà nước",
    "Đăng ký biện pháp bảo đảm",
    "Nông nghiệp",
    "Thủy lợi",
    "Lâm nghiệp",
    "Thủy sản",
    "Trồng trọt",
    "Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã",
    "Phòng cháy, chữa cháy",
]

# Phrases too generic or too ambiguous (once accents are dropped) to be an alias, with the reason.
FORBIDDEN_ALIASES = {
    "giấy": "in almost every procedure name",
    "đăng ký": "in hundreds of procedure names",
    "thủ tục": "every question is about a procedure",
    "hồ sơ": "every question is about a dossier",
    "làm": "generic verb",
    "xin": "generic verb",
    "cấp": "generic verb",
    "nhập khẩu": "customs import (hàng hóa nhập khẩu), not only 'register residence'",
    "chuyển khẩu": "customs transit trade (kinh doanh chuyển khẩu)",
    "cưới": "unaccented 'cuoi' is usually cuối (last)",
    "con lai": "unaccented 'con lai' is usually còn lại (remaining)",
    "thuế đất": "same letters as thuê đất (land lease)",
    "đò": "unaccented 'do' is one of the commonest words",
    "nhà bè": "also a district name (huyện Nhà Bè)",
    "will": "English auxiliary verb",
}


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", fold(text))


class Row:
    """One catalogue procedure with its name and field pre-folded into words."""

    def __init__(self, name: str, field: str, ward: bool) -> None:
        self.name, self.field, self.ward = name, field, ward
        self.name_words = set(_words(name))
        self._padded = f" {' '.join(_words(name))} | {' '.join(_words(field))} "

    def mentions(self, needle: str) -> bool:
        """The needle (from _needle) occurs as whole words in the name or the field."""
        return needle in self._padded


def _needle(phrase: str) -> str:
    return f" {' '.join(_words(phrase))} "


def _read_catalogue() -> list[Row]:
    """Procedures from the committed catalogue, or else from the raw national file."""
    try:
        from knowledge_base.catalogue import DEFAULT_PATH as catalogue_path
        from knowledge_base.catalogue import load_catalogue
    except ImportError:
        catalogue_path = None
    if catalogue_path is not None and Path(catalogue_path).is_file():
        return [Row(p.name, p.field, p.ward_level) for p in load_catalogue().values()]
    if RAW_CATALOGUE.is_file():
        rows = [json.loads(line) for line in RAW_CATALOGUE.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [Row(r["ten_thu_tuc"], r["linh_vuc"], "Cấp xã" in r["cap_thuc_hien"]) for r in rows]
    pytest.skip("no catalogue: neither knowledge_base/data/procedures.jsonl nor the national JSONL exists")


@pytest.fixture(scope="module")
def catalogue() -> list[Row]:
    return _read_catalogue()


@pytest.fixture(scope="module")
def committed() -> AliasTable:
    return AliasTable.load()


def _table(*entries: tuple[str, list[str]]) -> AliasTable:
    return AliasTable([AliasEntry(canonical, tuple(aliases)) for canonical, aliases in entries])


def _canonicals(table: AliasTable, text: str) -> list[str]:
    return [entry.canonical for entry in table.expand(text)]


# ---------------------------------------------------------------- the committed file


def test_committed_file_loads_by_default_with_broad_coverage(committed):
    assert AliasTable.load(DEFAULT_PATH).entries == committed.entries
    assert len(committed) >= 120
    assert sum(len(entry.aliases) for entry in committed.entries) >= 600


def test_every_canonical_occurs_in_a_catalogue_name_or_field(committed, catalogue):
    needles = {entry.canonical: _needle(entry.canonical) for entry in committed.entries}
    missing = [canonical for canonical, needle in needles.items() if not any(row.mentions(needle) for row in catalogue)]
    assert missing == [], f"canonical phrases found in no procedure name or field: {missing}"


def test_canonicals_handled_above_ward_level_tell_staff_in_a_note(committed, catalogue):
    ward_rows = [row for row in catalogue if row.ward]
    needles = {entry.canonical: _needle(entry.canonical) for entry in committed.entries if not entry.note}
    unexplained = [
        canonical for canonical, needle in needles.items() if not any(row.mentions(needle) for row in ward_rows)
    ]
    assert unexplained == [], f"not a ward-level procedure, add a note saying who handles it: {unexplained}"


def test_fields_are_real_catalogue_fields(committed, catalogue):
    known = {row.field for row in catalogue}
    unknown = sorted({field for entry in committed.entries for field in entry.fields} - known)
    assert unknown == [], f"fields not in the catalogue (a missing quote around a comma?): {unknown}"


def test_fields_agree_with_where_the_canonical_is_used(committed, catalogue):
    wrong = []
    for entry in committed.entries:
        needle = _needle(entry.canonical)
        used_in = {row.field for row in catalogue if row.mentions(needle)}
        if entry.fields and not used_in & set(entry.fields):
            wrong.append((entry.canonical, entry.fields, sorted(used_in)[:3]))
    assert wrong == [], "fields list none of the fields whose procedures use the canonical"


def test_every_common_ward_field_has_aliases(committed, catalogue):
    ward_fields = {row.field for row in catalogue if row.ward}
    assert set(COMMON_WARD_FIELDS) <= ward_fields  # the list above is itself checked against the data
    covered = {field for entry in committed.entries for field in entry.fields}
    assert [field for field in COMMON_WARD_FIELDS if field not in covered] == []


def test_official_ward_names_do_not_pull_in_unrelated_fields(committed, catalogue):
    """Typing an official ward-level name must not add a canonical from a field it has nothing to do with."""
    stray = []
    for row in catalogue:
        if not row.ward:
            continue
        for entry in committed.expand(row.name):
            if row.field not in entry.fields and not set(_words(entry.canonical)) <= row.name_words:
                stray.append((row.name[:80], entry.canonical))
    assert stray == []


def test_no_generic_or_ambiguous_aliases(committed):
    used = [
        (alias, entry.canonical)
        for entry in committed.entries
        for alias in entry.aliases
        if unicodedata.normalize("NFC", alias.lower()) in FORBIDDEN_ALIASES
    ]
    assert used == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Làm sổ đỏ cần những giấy tờ gì?", "giấy chứng nhận quyền sử dụng đất"),
        ("so hong bi sai ten", "đính chính giấy chứng nhận"),
        ("I lost my land title", "giấy chứng nhận quyền sử dụng đất"),
        ("xin cắt khẩu cho ông nội", "xóa đăng ký thường trú"),
        ("nhập hộ khẩu cho con", "đăng ký thường trú"),
        ("photo công chứng bằng tốt nghiệp", "chứng thực bản sao từ bản chính"),
        ("certified copy of my diploma", "chứng thực bản sao từ bản chính"),
        ("bố tôi mất, làm giấy chứng tử ở đâu", "khai tử"),
        ("xin giấy CT07", "xác nhận thông tin về cư trú"),
        ("cài VNeID thế nào", "định danh và xác thực điện tử"),
        ("đổi CMND sang căn cước", "cấp đổi thẻ căn cước"),
        ("CCCD", "căn cước"),
        ("giấy xác nhận độc thân để lấy vợ", "xác nhận tình trạng hôn nhân"),
        ("mới sinh em bé, làm khai sanh", "khai sinh"),
        ("birth certificate for my son", "khai sinh"),
        ("muốn mở quán cà phê nhỏ", "đăng ký thành lập hộ kinh doanh"),
        ("xin phép xây nhà 3 tầng", "giấy phép xây dựng"),
        ("mất cà vẹt xe máy", "cấp lại chứng nhận đăng ký xe"),
        ("rút BHXH một lần", "bảo hiểm xã hội một lần"),
        ("health insurance card for my mother", "thẻ BHYT"),
        ("adoption", "nuôi con nuôi"),
        ("gia đình liệt sĩ được hỗ trợ gì", "người có công"),
    ],
)
def test_committed_aliases_expand_everyday_questions(committed, query, expected):
    assert expected in committed.expansion_text(query)


def test_customs_import_is_not_mistaken_for_residence(committed):
    assert _canonicals(committed, "thủ tục nhập khẩu xe ô tô") == []


# ---------------------------------------------------------------- matching rules


def test_matching_ignores_accents_case_and_unicode_form():
    table = _table(("giấy chứng nhận quyền sử dụng đất", ["sổ đỏ", "land title"]))
    for text in ["sổ đỏ", "SỔ ĐỎ", "so do", "So Do", unicodedata.normalize("NFD", "sổ đỏ"), "Land TITLE"]:
        assert _canonicals(table, f"hỏi về {text} nhà tôi") == ["giấy chứng nhận quyền sử dụng đất"], text


def test_typed_accents_must_agree_with_the_alias():
    table = _table(("giấy chứng nhận quyền sử dụng đất", ["sổ đỏ"]))
    assert table.expand("hồ sơ đó đã xong chưa") == []  # 'sơ đó' folds to 'so do' but is not 'sổ đỏ'
    assert table.expand("sơ đồ thửa đất") == []
    assert len(table.expand("sổ do")) == 1  # an unaccented word is accepted as is


def test_old_and_new_tone_placement_both_match():
    table = _table(("hòa giải", ["mâu thuẫn hàng xóm"]), ("công trình thủy lợi", ["kênh mương"]))
    assert _canonicals(table, "hoà giải") == ["hòa giải"]
    assert _canonicals(table, "công trình thuỷ lợi") == ["công trình thủy lợi"]


def test_matches_whole_words_only():
    table = _table(("xác nhận thông tin về cư trú", ["CT07"]), ("kết hôn", ["lấy vợ"]))
    assert table.expand("mẫu CT071") == []
    assert table.expand("lấy vợt cầu lông") == []
    assert _canonicals(table, "mẫu ct07, gấp") == ["xác nhận thông tin về cư trú"]


def test_punctuation_between_words_does_not_block_a_match():
    table = _table(("thường trú", ["hộ khẩu"]), ("chứng nhận đăng ký xe", ["cà vẹt"]))
    assert _canonicals(table, "hộ-khẩu/cà   vẹt?") == ["thường trú", "chứng nhận đăng ký xe"]


def test_longer_alias_wins_over_a_shorter_overlapping_one():
    table = _table(("thường trú", ["hộ khẩu"]), ("xóa đăng ký thường trú", ["xóa hộ khẩu", "cắt hộ khẩu"]))
    assert _canonicals(table, "xóa hộ khẩu cho bố") == ["xóa đăng ký thường trú"]
    assert _canonicals(table, "hộ khẩu của bố") == ["thường trú"]


def test_longer_match_wins_even_when_it_starts_later():
    table = _table(("giấy phép xây dựng", ["xây nhà"]), ("giấy phép di dời", ["nhà cũ cần di dời"]))
    assert _canonicals(table, "xây nhà cũ cần di dời") == ["giấy phép di dời"]


def test_canonical_in_text_matches_and_results_keep_order_without_repeats():
    table = _table(("khai sinh", ["birth certificate"]), ("khai tử", ["chứng tử"]))
    text = "chứng tử của ông và khai sinh của cháu, chứng tử nữa, birth certificate"
    assert _canonicals(table, text) == ["khai tử", "khai sinh"]
    assert table.expansion_text(text) == "khai tử khai sinh"


def test_nothing_to_expand():
    table = _table(("khai sinh", ["khai sanh"]))
    assert table.expand("") == [] and table.expansion_text("   ") == ""
    assert table.expand("giờ mở cửa của phường") == []


def test_one_entry_per_canonical_because_staff_edit_entries_by_canonical():
    with pytest.raises(AliasFileError, match="already used by entry #1") as caught:
        _table(("khai sinh", ["khai sanh"]), ("Khai Sinh", ["giấy chứng sinh"]))
    assert caught.value.entry_number == 2 and caught.value.canonical == "Khai Sinh"


def test_entry_round_trips_through_a_dict():
    entry = AliasEntry("khai tử", ("chứng tử", "death certificate"), ("Hộ tịch",), "ghi chú")
    assert AliasEntry.from_dict(entry.to_dict()) == entry
    bare = AliasEntry("khai tử", ("chứng tử",))
    assert bare.to_dict() == {"canonical": "khai tử", "aliases": ["chứng tử"]}
    assert AliasEntry.from_dict(bare.to_dict()) == bare


# ---------------------------------------------------------------- validation errors


def _load_error(tmp_path: Path, text: str | bytes) -> AliasFileError:
    path = tmp_path / "aliases.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(AliasFileError) as caught:
        AliasTable.load(path)
    assert str(path) in str(caught.value)
    return caught.value


GOOD = "- canonical: khai sinh\n  aliases: [khai sanh]\n"


def test_yaml_syntax_error_names_the_line(tmp_path):
    error = _load_error(tmp_path, GOOD + "- canonical: khai tử\n  aliases: [chứng tử, \n  fields: [Hộ tịch\n")
    assert "YAML" in str(error) and error.line is not None and error.line >= 4


@pytest.mark.parametrize(
    ("yaml_text", "words"),
    [
        ("", ["danh sách", "list", "nothing"]),
        ("canonical: khai sinh\naliases: [khai sanh]\n", ["list", "dict"]),
        ("- just a string\n", ["mapping", "str"]),
    ],
)
def test_file_that_is_not_a_list_of_entries(tmp_path, yaml_text, words):
    message = str(_load_error(tmp_path, yaml_text))
    assert all(word in message for word in words), message


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("- aliases: [khai sanh]\n", ["'canonical'", "nothing"]),
        ("- canonical: '   '\n  aliases: [khai sanh]\n", ["'canonical'", "empty"]),
        ("- canonical: khai tử\n", ["missing 'aliases'"]),
        ("- canonical: khai tử\n  aliases: chứng tử\n", ["must be a list", "str"]),
        ("- canonical: khai tử\n  aliases: []\n", ["must not be empty"]),
        ("- canonical: khai tử\n  aliases: [chứng tử, 113]\n", ["item 2", "a number", "quotes"]),
        ("- canonical: khai tử\n  aliases: [chứng tử, no]\n", ["item 2", "true/false"]),
        ("- canonical: khai tử\n  aliases: [chứng tử, '?!']\n", ["no letters or digits"]),
        ("- canonical: khai tử\n  aliases: [chứng tử, Khai Tu]\n", ["'Khai Tu'", "same as its canonical"]),
        ("- canonical: khai tử\n  alias: [chứng tử]\n", ["unknown key", "alias"]),
        ("- canonical: khai tử\n  aliases: [chứng tử]\n  fields: Hộ tịch\n", ["'fields'", "must be a list"]),
        ("- canonical: khai tử\n  aliases: [chứng tử]\n  note: 12\n", ["'note'", "must be text"]),
        ("- canonical: khai tử\n  aliases: [chứng tử, " + "a" * 121 + "]\n", ["too long", "121 > 120"]),
    ],
)
def test_bad_entry_names_its_number_canonical_and_line(tmp_path, entry, words):
    error = _load_error(tmp_path, GOOD + entry)
    message = str(error)
    assert error.entry_number == 2 and "#2" in message
    assert error.line == 3 and "line 3" in message
    if "khai tử" in entry:
        assert error.canonical == "khai tử" and "'khai tử'" in message
    assert all(word in message for word in words), message


def test_longest_allowed_phrase_is_accepted(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text(GOOD + "- canonical: khai tử\n  aliases: [" + "a" * 120 + "]\n", encoding="utf-8")
    assert len(AliasTable.load(path)) == 2


def test_alias_mapping_to_two_canonicals_is_rejected(tmp_path):
    text = (
        "- canonical: giao đất, cho thuê đất\n  aliases: [thuê đất]\n"
        + GOOD
        + "- canonical: thuế sử dụng đất phi nông nghiệp\n  aliases: [thuế đất]\n"
    )
    error = _load_error(tmp_path, text)  # 'thuế đất' and 'thuê đất' are the same once accents are dropped
    assert error.entry_number == 3 and error.canonical == "thuế sử dụng đất phi nông nghiệp"
    assert error.line == 5
    assert "'thuế đất'" in str(error) and "entry #1" in str(error) and "giao đất, cho thuê đất" in str(error)


def test_alias_equal_to_another_entrys_canonical_is_rejected():
    with pytest.raises(AliasFileError, match="already maps to entry #1"):
        _table(("khai sinh", ["khai sanh"]), ("khai tử", ["Khai Sinh"]))


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(AliasFileError, match="file not found"):
        AliasTable.load(tmp_path / "nope.yaml")
    assert "UTF-8" in str(
        _load_error(tmp_path, "- canonical: khai sinh\n  aliases: [khai s\xe1nh]\n".encode("latin-1"))
    )


def test_table_built_in_code_is_validated_like_the_file():
    with pytest.raises(AliasFileError, match="same as its canonical") as caught:
        AliasTable([AliasEntry("khai sinh", ("khai sanh",)), AliasEntry("khai tử", ("Khai Tu",))])
    assert caught.value.entry_number == 2
    with pytest.raises(AliasFileError, match="must not be empty"):
        AliasTable([AliasEntry("khai tử", ())])
    table = AliasTable([{"canonical": " khai  tử ", "aliases": ["chứng tử"]}])  # a staff edit arriving as JSON
    assert table.entries == (AliasEntry("khai tử", ("chứng tử",)),)


def test_to_yaml_round_trips_and_quotes_what_needs_quoting(committed):
    assert AliasTable.parse(committed.to_yaml()).entries == committed.entries
    tricky = AliasTable(
        [AliasEntry("nhận cha, mẹ, con", ("no", "a: b", "#1 cách", '"ngoặc"'), ("Hộ tịch",), 'ghi chú "có ngoặc"')]
    )
    text = tricky.to_yaml(header="# tiêu đề / title")
    assert text.startswith("# tiêu đề / title\n")
    assert AliasTable.parse(text).entries == tricky.entries


def test_every_problem_of_a_broken_entry_is_named_at_once(tmp_path):
    error = _load_error(tmp_path, GOOD + "- canonical: khai tử\n  aliases: [chứng tử, 113]\n  note: 12\n  alias: [x]\n")
    message = str(error)
    assert error.entry_number == 2 and error.line == 3 and error.canonical == "khai tử"
    assert "'aliases' item 2" in message and "'note'" in message and "unknown key 'alias'" in message
    assert message.count(";") >= 2, message  # one clause per problem


def test_a_broken_entry_after_good_ones_is_the_one_named(tmp_path):
    text = GOOD + "- canonical: khai tử\n  aliases: [chứng tử]\n" + "- canonical: kết hôn\n  aliases: []\n"
    error = _load_error(tmp_path, text)
    assert (error.entry_number, error.line, error.canonical) == (3, 5, "kết hôn")
    assert "'aliases' không được rỗng / must not be empty" in str(error)
