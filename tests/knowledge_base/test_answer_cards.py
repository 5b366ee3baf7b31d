"""Answer cards: the models' errors, the validator on good and bad cards, and the shipped cards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge_base.cards import AnswerCards, CardError
from knowledge_base.cards.check import check_card, check_cards, record_hash
from knowledge_base.cards.model import CardModel
from knowledge_base.catalogue.store import load_catalogue
from knowledge_base.settings import SearchSettings

CATALOGUE = load_catalogue()
BIRTH = CATALOGUE["1.001193"]


def card(**changes) -> dict:
    """A correct birth-registration card as YAML data, with changes."""
    data = {
        "code": BIRTH.code,
        "short_name": {"vi": "Đăng ký khai sinh", "en": "Birth registration"},
        "documents": [
            {"vi": "Tờ khai đăng ký khai sinh theo mẫu", "en": "Birth registration form"},
            {"vi": "Giấy chứng sinh (bản chính)", "en": "Hospital birth certificate, original"},
        ],
        "variants": [
            {
                "when": {"vi": "Nếu không có Giấy chứng sinh", "en": "Without a birth certificate"},
                "documents": [
                    {
                        "vi": "Văn bản của người làm chứng xác nhận về việc sinh",
                        "en": "A witness's statement of the birth",
                    }
                ],
            }
        ],
        "fee": {"amount_vnd": 0, "vi": "Miễn phí", "en": "Free"},
        "time": {"vi": "1 ngày làm việc", "en": "1 working day"},
        "where": {"desk_field": "Hộ tịch", "vi": "Bộ phận Một cửa", "en": "One-stop desk"},
        "online": True,
        "portal_url": BIRTH.source_url,
        "source_hash": record_hash(BIRTH),
    }
    data.update(changes)
    return data


def write(tmp_path: Path, *cards: dict, name: str = "cards.yaml") -> Path:
    import yaml

    (tmp_path / name).write_text(yaml.safe_dump({"cards": list(cards)}, allow_unicode=True), encoding="utf-8")
    return tmp_path


def findings(data: dict) -> list[str]:
    return [str(f) for f in check_card(CardModel.model_validate(data), CATALOGUE.get(data["code"]))]


def test_a_correct_card_loads_in_both_languages(tmp_path):
    cards = AnswerCards.load(write(tmp_path, card()))
    vi, en = cards.get(BIRTH.code, "vi"), cards.get(BIRTH.code, "en")
    assert vi.short_name == "Đăng ký khai sinh" and en.short_name == "Birth registration"
    assert en.documents[1] == "Hospital birth certificate, original"
    assert en.variants == (("Without a birth certificate", ("A witness's statement of the birth",)),)
    assert vi.fee_amount_vnd == 0 and vi.portal_url == BIRTH.source_url
    assert cards.get("9.999999", "vi") is None
    assert findings(card()) == []


def test_untranslated_card_is_not_served_in_english(tmp_path):
    cards = AnswerCards.load(write(tmp_path, card(short_name={"vi": "Đăng ký khai sinh"})))
    assert cards.get(BIRTH.code, "vi") is not None
    assert cards.get(BIRTH.code, "en") is None


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"short_name": {"vi": "x" * 61}}, "short_name.vi"),
        ({"documents": []}, "documents"),
        ({"fee": {"amount_vnd": -1, "vi": "?"}}, "fee.amount_vnd"),
        ({"colour": "red"}, "colour: khóa không được phép / unknown key"),
        ({"documents": [{"vi": "Giấy chứng sinh…"}]}, "documents.0.vi"),
        ({"source_hash": "abc"}, "source_hash"),
    ],
)
def test_model_errors_name_file_card_and_field(tmp_path, changes, expected):
    with pytest.raises(CardError) as err:
        AnswerCards.load(write(tmp_path, card(**changes), name="ho_tich.yaml"))
    message = str(err.value)
    assert f"ho_tich.yaml: card {BIRTH.code}: " in message and expected in message


def test_duplicate_code_across_files_is_an_error(tmp_path):
    write(tmp_path, card(), name="a.yaml")
    write(tmp_path, card(), name="b.yaml")
    with pytest.raises(CardError, match="duplicate code"):
        AnswerCards.load(tmp_path)


def test_fabricated_document_is_an_error_but_a_staff_note_is_not():
    fabricated = {"vi": "Sổ hộ khẩu của cha mẹ", "en": "Parents' household book"}
    bad = findings(card(documents=[*card()["documents"], fabricated]))
    assert len(bad) == 1 and "documents[2]" in bad[0] and "staff_notes" in bad[0]
    assert findings(card(staff_notes=[fabricated])) == []


def test_mixed_words_from_several_items_do_not_make_a_document():
    bad = findings(card(documents=[{"vi": "Bản sao giấy chứng sinh có chứng thực của bệnh viện"}]))
    assert len(bad) == 1 and "several record items" in bad[0]


def test_header_as_a_document_is_an_error():
    bad = findings(card(documents=[{"vi": "Một trong các giấy tờ sau"}]))
    assert bad and "a header" in bad[0]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"fee": {"amount_vnd": 50000, "vi": "50.000 đồng"}}, "fee"),
        ({"fee": {"amount_vnd": None, "vi": "Do tỉnh quy định", "set_by_province": True}}, "fee"),
        ({"time": {"vi": "5 ngày làm việc"}}, "time"),
        ({"online": False}, "online"),
        ({"portal_url": "https://example.org/x"}, "portal_url"),
        ({"notes": [{"vi": "Mang theo hai ảnh 4x6"}]}, "notes[0]"),
    ],
)
def test_fee_time_and_facts_not_in_the_record_are_errors(changes, field):
    bad = findings(card(**changes))
    assert any(f": {field}: " in line for line in bad), bad


def test_a_time_where_the_record_gives_none_is_an_error():
    copy = CATALOGUE["2.000635"]
    assert not any(c.processing_time for c in copy.channels)
    data = card(
        code=copy.code,
        portal_url=copy.source_url,
        source_hash=record_hash(copy),
        documents=[{"vi": "Tờ khai đề nghị cấp bản sao Trích lục hộ tịch"}],
        fee={"amount_vnd": 8000, "vi": "8.000 đồng"},
        time={"vi": "Trong ngày"},
        variants=[],
    )
    assert any("no processing time" in line for line in findings(data))
    data.pop("time")
    assert findings(data) == []


def test_a_changed_record_makes_the_card_stale(tmp_path):
    from dataclasses import replace

    changed = replace(BIRTH, channels=BIRTH.channels[:1])
    report = check_cards(AnswerCards.load(write(tmp_path, card())), {**CATALOGUE, BIRTH.code: changed})
    assert [f.field for f in report.stale] == ["source_hash"]
    assert report.errors and "stale" in str(report.stale[0])


REPO = Path(__file__).resolve().parents[2]


def run_check(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "knowledge_base", "cards", "check", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.mark.slow  # checks every shipped card against the catalogue in a subprocess
def test_shipped_cards_pass_the_check():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout and "coverage vi: " in result.stdout
    cards = AnswerCards.load(SearchSettings().answer_cards_dir)
    for code in cards.cards:
        assert CATALOGUE[code].ward_level
        assert cards.get(code, "vi") is not None


@pytest.mark.slow  # checks all the shipped cards
def test_every_ward_level_procedure_has_a_card_in_both_languages():
    cards = AnswerCards.load(SearchSettings().answer_cards_dir)
    missing = [
        p.code for p in CATALOGUE.values() if p.ward_level and not (cards.get(p.code, "vi") and cards.get(p.code, "en"))
    ]
    assert missing == []


def test_a_shipped_card_reads_as_a_citizen_would_say_it():
    cards = AnswerCards.load(SearchSettings().answer_cards_dir)
    birth = cards.get(BIRTH.code, "en")
    assert birth.short_name == "Birth registration" and birth.portal_url == BIRTH.source_url
    assert any("birth certificate" in d.lower() for d in birth.documents)
    assert any("without" in when.lower() or "no hospital" in when.lower() for when, _ in birth.variants)
    assert all(len(cards.get(code, "vi").short_name) <= 60 for code in cards.cards)


@pytest.mark.slow  # runs the checker as a process
def test_check_exits_non_zero_on_a_bad_card(tmp_path):
    write(tmp_path, card(documents=[{"vi": "Sổ hộ khẩu"}]))
    result = run_check("--dir", str(tmp_path))
    assert result.returncode == 1 and "ERROR" in result.stdout and "documents[0]" in result.stdout


def write_reviewed(tmp_path: Path, *entries: dict) -> Path:
    import yaml

    (tmp_path / "REVIEWED.yaml").write_text(yaml.safe_dump({"reviewed": list(entries)}), encoding="utf-8")
    return tmp_path / "REVIEWED.yaml"


def test_second_reading_is_counted_and_an_entry_without_a_card_fails(tmp_path):
    from knowledge_base.cards.reviewed import load_reviewed

    write(tmp_path, card())
    reviewed = load_reviewed(
        write_reviewed(tmp_path, {"code": BIRTH.code, "result": "fixed", "what": "hospital birth certificate added"})
    )
    cards = AnswerCards.load(tmp_path)  # REVIEWED.yaml beside the cards is not read as a card file
    report = check_cards(cards, CATALOGUE, reviewed)
    assert report.errors == [] and report.second_reading == (1, 1, 1)
    assert "second reading: 1 of 1 cards (1 fixed, 0 ok)" in report.summary()

    reviewed = load_reviewed(
        write_reviewed(tmp_path, {"code": BIRTH.code, "result": "ok"}, {"code": "1.000656", "result": "ok"})
    )
    report = check_cards(cards, CATALOGUE, reviewed)
    assert [(f.code, f.field) for f in report.errors] == [("1.000656", "second_reading")]
    assert report.second_reading == (1, 0, 1)


@pytest.mark.parametrize(
    "entries, expected",
    [
        ([{"code": "1.001193", "result": "fixed"}], "needs 'what'"),
        ([{"code": "1.001193", "result": "maybe"}], "result"),
        ([{"code": "1.001193", "result": "ok"}, {"code": "1.001193", "result": "ok"}], "listed twice"),
    ],
)
def test_a_bad_second_reading_entry_is_a_clear_error(tmp_path, entries, expected):
    from knowledge_base.cards.reviewed import load_reviewed

    with pytest.raises(CardError, match=expected):
        load_reviewed(write_reviewed(tmp_path, *entries))


@pytest.mark.slow  # runs the checker as a process
def test_check_fails_on_a_second_reading_of_a_missing_card(tmp_path):
    write(tmp_path, card())
    write_reviewed(tmp_path, {"code": "1.000656", "result": "ok"})
    result = run_check("--dir", str(tmp_path))
    assert result.returncode == 1 and "second_reading" in result.stdout
    assert "second reading: 0 of 1 cards" in result.stdout


def test_shipped_second_reading_names_only_cards():
    from knowledge_base.cards.reviewed import REVIEWED_FILE, load_reviewed

    folder = SearchSettings().answer_cards_dir
    reviewed = load_reviewed(folder / REVIEWED_FILE)
    assert reviewed and set(reviewed) <= set(AnswerCards.load(folder).cards)
