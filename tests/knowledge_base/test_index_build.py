"""Index build and load with a fake encoder: vectors saved, reused when passages are unchanged, search works."""

from __future__ import annotations

import json

from knowledge_base.catalogue import Procedure, load_catalogue
from knowledge_base.search.build import build_index, build_search
from knowledge_base.settings import SearchSettings
from tests.knowledge_base.fakes import RecordingEncoder


def _small_catalogue(tmp_path, names: dict[str, str]):
    full = load_catalogue()
    lines = []
    for code, name in names.items():
        record = full[code].to_dict()
        record["name"] = name
        lines.append(json.dumps(Procedure.from_dict(record).to_dict(), ensure_ascii=False))
    path = tmp_path / "procedures.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_build_saves_vectors_and_reencodes_only_changed_procedures(tmp_path):
    names = {
        "1.001193": "Thủ tục đăng ký khai sinh",
        "1.000656": "Thủ tục đăng ký khai tử",
        "1.004194": "Đăng ký tạm trú",
    }
    settings = SearchSettings(
        catalogue_path=_small_catalogue(tmp_path, names),
        index_dir=tmp_path / "index",
        common_procedures_path=tmp_path / "none.yaml",
    )
    (tmp_path / "none.yaml").write_text("[]\n")
    encoder = RecordingEncoder()
    first = build_index(settings, encoder=encoder)
    assert (first["encoded"], first["reused"]) == (3, 0)
    assert len(encoder.passages) == 6  # accented + folded passage per procedure

    names["1.004194"] = "Đăng ký tạm trú (sửa bởi cán bộ)"
    _small_catalogue(tmp_path, names)
    encoder.passages.clear()
    second = build_index(settings, encoder=encoder)
    assert (second["encoded"], second["reused"]) == (1, 2)
    assert encoder.passages[0].startswith("Đăng ký tạm trú (sửa bởi cán bộ)")

    encoder.passages.clear()
    search = build_search(settings, encoder=encoder)
    assert encoder.passages == []  # everything came from the saved index
    assert search.search("khai tử cho bà").results[0].code == "1.000656"


def test_build_search_encodes_what_the_index_lacks(tmp_path):
    names = {"1.001193": "Thủ tục đăng ký khai sinh", "1.000894": "Thủ tục đăng ký kết hôn"}
    (tmp_path / "none.yaml").write_text("[]\n")
    settings = SearchSettings(
        catalogue_path=_small_catalogue(tmp_path, names),
        index_dir=tmp_path / "missing",
        common_procedures_path=tmp_path / "none.yaml",
    )
    encoder = RecordingEncoder()
    search = build_search(settings, encoder=encoder)
    assert len(encoder.passages) == 4 and len(search) == 2


def test_changing_a_citizen_ask_reencodes_only_that_procedure(tmp_path):
    names = {"1.001193": "Thủ tục đăng ký khai sinh", "1.004194": "Đăng ký tạm trú"}
    (tmp_path / "none.yaml").write_text("[]\n")
    asks_dir = tmp_path / "asks"
    asks_dir.mkdir()
    asks_file = asks_dir / "test.yaml"
    asks_file.write_text('- code: "1.004194"\n  asks: [ở trọ cần khai báo gì]\n', encoding="utf-8")
    settings = SearchSettings(
        catalogue_path=_small_catalogue(tmp_path, names),
        index_dir=tmp_path / "index",
        common_procedures_path=tmp_path / "none.yaml",
        citizen_questions_dir=asks_dir,
    )
    encoder = RecordingEncoder()
    assert build_index(settings, encoder=encoder)["asks"] == 1
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text())
    assert manifest["rows"] == [2, 3] or manifest["rows"] == [3, 2]

    asks_file.write_text('- code: "1.004194"\n  asks: [ở trọ cần khai báo gì, thuê nhà ở tạm]\n', encoding="utf-8")
    encoder.queries.clear()
    again = build_index(settings, encoder=encoder)
    assert (again["encoded"], again["reused"]) == (1, 1)
    assert encoder.queries == ["ở trọ cần khai báo gì", "thuê nhà ở tạm"]
    search = build_search(settings, encoder=encoder)
    assert search.search("thuê nhà ở tạm").results[0].code == "1.004194"
