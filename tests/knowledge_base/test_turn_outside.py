"""Matters outside the catalogue (knowledge_base/data/outside_matters.yaml): referred before any search."""

from __future__ import annotations

import pytest

from knowledge_base.turn import search_turn
from knowledge_base.turn.outside import OutsideMatters, OutsideMattersError
from tests.knowledge_base.fakes import turn_search
from tests.knowledge_base.test_turn import PROCEDURES


@pytest.mark.parametrize(
    ("text", "matter"),
    [
        ("vợ chồng tôi muốn ly hôn thuận tình thì nộp đơn ở phường à", "divorce"),
        ("vo chong toi muon ly di", "divorce"),
        ("I want to get divorced, where do I file?", "divorce"),
        ("Where can I apply for a work permit? I teach English here.", "work_permit"),
        ("tôi ly hôn bên Mỹ rồi, giờ muốn ghi chú ly hôn", None),  # a ward procedure: noted in the civil-status book
        ("tôi đã ly hôn, xin giấy xác nhận tình trạng hôn nhân", None),
        ("đăng ký kết hôn", None),
    ],
)
def test_cues_and_the_ward_procedures_that_sound_alike(text, matter):
    found = OutsideMatters.load().find(text)
    assert (found.id if found else None) == matter


def test_the_turn_is_referred_before_any_search():
    outcome = search_turn(turn_search(PROCEDURES), "muốn ly hôn thì nộp đơn ở đâu", "1.000894")
    assert (outcome.kind, outcome.code, outcome.reason) == ("not_at_ward", None, "outside_catalogue")
    data = outcome.to_json()["matter"]
    assert data["id"] == "divorce" and "Tòa án" in data["handled_by"]["vi"] and "Court" in data["handled_by"]["en"]


def test_certifying_papers_for_a_matter_handled_elsewhere_is_the_wards_certification():
    search = turn_search(PROCEDURES)
    text = "I need certified copies of my diploma for my work permit application"
    assert search_turn(search, text, language="en").reason != "outside_catalogue"  # searched like any other turn
    assert search_turn(search, "Where can I apply for a work permit?", language="en").reason == "outside_catalogue"


def test_a_broken_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "outside.yaml"
    bad.write_text(
        "- id: divorce\n  name: {vi: ly hôn}\n  handled_by: {vi: tòa, en: court}\n  cues: [ly hôn]\n", encoding="utf-8"
    )
    with pytest.raises(OutsideMattersError, match="outside.yaml"):
        OutsideMatters.load(bad)


def test_a_follow_up_after_the_referral_is_about_the_matter_and_a_new_procedure_is_not():
    search = turn_search(PROCEDURES)
    outcome = search_turn(search, "thế mất bao lâu", None, matter="divorce")
    assert (outcome.kind, outcome.follow_up, outcome.reason, outcome.topic) == (
        "not_at_ward",
        True,
        "follow_up_outside",
        "time",
    )
    assert outcome.matter["id"] == "divorce" and "time" in outcome.matter["answers"]
    assert search_turn(search, "thế mất bao lâu").kind == "ask_procedure"  # no matter referred: which procedure?
    named = search_turn(search, "đăng ký kết hôn cần gì", None, matter="divorce")
    assert named.matter is None and named.code is not None


def test_every_matter_answers_only_known_topics(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "- id: x\n  name: {vi: a, en: a}\n  handled_by: {vi: b, en: b}\n  cues: [c]\n"
        "  answers: {weather: {vi: d, en: d}}\n",
        encoding="utf-8",
    )
    with pytest.raises(OutsideMattersError, match="answers"):
        OutsideMatters.load(path)


@pytest.mark.parametrize(
    ("text", "matter"),
    [
        ("tôi muốn vay ngân hàng ít tiền thì làm thế nào", "bank_services"),
        ("đóng tiền nước tháng này ở đâu", "utility_bills"),
        ("how do I pay my electricity bill", "utility_bills"),
        ("làm giúp con bài tập về nhà môn toán", "schoolwork"),
    ],
)
def test_an_everyday_matter_that_is_no_procedure_is_said_to_be_out_of_scope(text, matter):
    outcome = search_turn(turn_search(PROCEDURES), text)
    assert (outcome.kind, outcome.code, outcome.reason) == ("out_of_scope", None, "everyday_matter")
    assert outcome.matter["id"] == matter and outcome.matter["handled_by"]["vi"]


@pytest.mark.parametrize(
    "text",
    [
        "ngân hàng bảo phải có giấy xác nhận số chứng minh cũ mới cho vay tiền",
        "chứng thực hợp đồng thế chấp để vay ngân hàng",
        "hủy hóa đơn điện tử lập sai",
        "đăng ký vay vốn xây nhà ở xã hội",
    ],
)
def test_a_procedure_a_bank_or_a_bill_is_part_of_is_not_out_of_scope(text):
    found = OutsideMatters.load().find(text)
    assert found is None or found.kind != "out_of_scope"


def test_no_catalogue_name_or_citizen_phrasing_reads_as_an_everyday_matter():
    from knowledge_base.catalogue import load_catalogue
    from knowledge_base.citizen_questions import load_citizen_questions

    matters = OutsideMatters.load()
    texts = [p.name for p in load_catalogue().values()]
    texts += [ask for asks in load_citizen_questions().values() for ask in asks]
    caught = [t for t in texts if (m := matters.find(t)) is not None and m.kind == "out_of_scope"]
    assert caught == []
