"""Citizen-question files: validated on load with clear errors; the committed files cover the ward level."""

from __future__ import annotations

import pytest

from knowledge_base.catalogue import load_catalogue
from knowledge_base.citizen_questions import CitizenQuestionsError, load_citizen_questions, load_file, main

KNOWN = {"1.001193", "1.000656"}


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads_cleaned_and_deduplicated(tmp_path):
    path = write(
        tmp_path,
        "a.yaml",
        '- code: "1.001193"\n  name: Khai sinh\n  asks:\n'
        "    - làm  giấy khai sinh\n    - lam giay khai sinh\n    - làm giấy khai sinh\n",
    )
    assert load_file(path, KNOWN) == {"1.001193": ("làm giấy khai sinh", "lam giay khai sinh")}


@pytest.mark.parametrize(
    "text, message",
    [
        ("- code: 1.001193\n  asks: [x]\n", "quoted 'code'"),
        ('- code: "9.999999"\n  asks: [x]\n', "not in the catalogue"),
        ('- code: "1.001193"\n  asks: []\n', "non-empty list"),
        ('- code: "1.001193"\n  asks: [x]\n- code: "1.001193"\n  asks: [y]\n', "listed twice"),
        ('- code: "1.001193"\n  asks: ["' + "x" * 301 + '"]\n', "1–300 characters"),
        ('- code: "1.001193"\n  asks: [' + ", ".join(f"q{i}" for i in range(17)) + "]\n", "at most 16"),
        ("code: 1\n", "expected a list"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)
def test_malformed_files_name_the_problem(tmp_path, text, message):
    with pytest.raises(CitizenQuestionsError, match=message) as error:
        load_file(write(tmp_path, "bad.yaml", text), KNOWN)
    assert "bad.yaml" in str(error.value)


def test_a_code_in_two_files_is_an_error(tmp_path):
    first = write(tmp_path, "a.yaml", '- code: "1.001193"\n  asks: [x]\n')
    second = write(tmp_path, "b.yaml", '- code: "1.001193"\n  asks: [y]\n')
    with pytest.raises(CitizenQuestionsError, match="already listed in"):
        load_citizen_questions([first, second], KNOWN)


def test_checker_exit_codes(tmp_path, capsys):
    assert main([str(write(tmp_path, "ok.yaml", '- code: "1.001193"\n  asks: [x]\n'))]) == 0
    assert main([str(write(tmp_path, "bad.yaml", '- code: "0.000000"\n  asks: [x]\n'))]) == 1
    assert "not in the catalogue" in capsys.readouterr().err


def test_committed_files_cover_every_ward_level_procedure():
    catalogue = load_catalogue()
    table = load_citizen_questions(known_codes=set(catalogue))
    ward = {code for code, p in catalogue.items() if p.ward_level}
    assert ward - set(table) == set()
    assert all(len(table[code]) >= 3 for code in ward)
