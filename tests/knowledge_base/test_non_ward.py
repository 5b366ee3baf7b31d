"""knowledge_base.non_ward: the staff file of non-ward procedures citizens ask about (English names, phrasings,
everyday body) is validated against the catalogue and reaches search."""

from __future__ import annotations

import pytest

from knowledge_base.catalogue import load_catalogue
from knowledge_base.non_ward import DEFAULT_PATH, NonWardError, NonWardProcedures, main
from knowledge_base.search.build import load_asks, load_english_names
from knowledge_base.settings import SearchSettings


@pytest.fixture(scope="module")
def ward_level() -> dict[str, bool]:
    return {code: bool(p.ward_level) for code, p in load_catalogue().items()}


def _write(tmp_path, text: str):
    path = tmp_path / "non_ward.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_committed_file_names_only_known_non_ward_procedures(ward_level):
    table = NonWardProcedures.load(DEFAULT_PATH, ward_level=ward_level)
    assert len(table.entries) >= 100
    passport = table.get("1.001456")
    assert passport is not None and "passport" in passport.en.lower() and "làm hộ chiếu" in passport.asks
    assert all(len(e.en) <= 80 for e in table.entries.values())
    assert main([]) == 0


def test_a_ward_level_code_is_refused_with_the_entry_named(tmp_path, ward_level):
    path = _write(tmp_path, '- code: "1.001193"\n  en: Birth registration\n')
    with pytest.raises(NonWardError, match=r"entry 1 \(code: 1.001193\).*handled at the ward"):
        NonWardProcedures.load(path, ward_level=ward_level)


@pytest.mark.parametrize(
    "text, problem",
    [
        ('- code: "9.999999"\n  en: Nothing\n', "no procedure with this code"),
        ('- code: "1.001456"\n  en: A\n- code: "1.001456"\n  en: B\n', "listed twice"),
        ("- code: 1.001456\n  en: Passport\n", "quoted"),
        ('- code: "1.001456"\n', "en"),
        ('- code: "1.001456"\n  en: Passport\n  asks: "làm hộ chiếu"\n', "list of texts"),
        ('- code: "1.001456"\n  en: Passport\n  body: {vi: Công an tỉnh}\n', "body"),
    ],
)
def test_malformed_entries_get_a_clear_error(tmp_path, ward_level, text, problem):
    with pytest.raises(NonWardError, match=problem):
        NonWardProcedures.load(_write(tmp_path, text), ward_level=ward_level)


def test_search_indexes_the_phrasings_and_english_names_beside_the_ward_ones(tmp_path):
    path = _write(tmp_path, '- code: "3.000347"\n  en: Exchanging a driving licence\n  asks: [đổi bằng lái xe]\n')
    settings = SearchSettings(non_ward_path=path)
    codes = {"3.000347", "1.001193"}
    asks = load_asks(settings, codes)
    assert asks["3.000347"] == ("đổi bằng lái xe",)
    assert asks["1.001193"]  # the ward-level citizen phrasings are still there
    names = load_english_names(settings, codes)
    assert names["3.000347"] == "Exchanging a driving licence" and "1.001193" in names


def test_a_broken_file_leaves_search_running_without_it(tmp_path):
    settings = SearchSettings(non_ward_path=_write(tmp_path, "- code: [\n"))
    assert "3.000347" not in load_asks(settings, {"3.000347"})
