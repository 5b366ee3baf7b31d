"""A turn typed with diacritics is compared with procedure names accent by accent: "một trang" (a page) does not
name "tình trạng hôn nhân", "cái gì" does not name "cải chính"; a turn typed without them is compared folded."""

from __future__ import annotations

import pytest

from knowledge_base.turn import search_turn
from knowledge_base.turn.decide import _accented_forms, _covered
from tests.knowledge_base.fakes import FakeProcedure, turn_search

CERTIFY = "2.000815"
PROCEDURES = [
    FakeProcedure(CERTIFY, "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"),
    FakeProcedure("1.004873", "Xác nhận tình trạng hôn nhân", "Hộ tịch"),
    FakeProcedure("1.004859", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch"),
]


@pytest.fixture(scope="module")
def search():
    return turn_search(PROCEDURES)


@pytest.mark.parametrize("text", ["bao nhiêu tiền một trang", "phải đem theo những cái gì"])
def test_same_letters_other_accents_keep_the_current_procedure(search, text):
    outcome = search_turn(search, text, CERTIFY)
    assert (outcome.code, outcome.follow_up) == (CERTIFY, True)


@pytest.mark.parametrize("text", ["còn xác nhận tình trạng hôn nhân thì sao", "xac nhan tinh trang hon nhan thi sao"])
def test_the_words_of_another_procedure_still_switch(search, text):
    assert search_turn(search, text, CERTIFY).code == "1.004873"


def test_accents_count_only_when_both_sides_are_written_with_them():
    forms = _accented_forms("bao nhiêu tiền một trang")
    assert forms is not None and _covered("Xác nhận tình trạng hôn nhân", ["trang"], forms) == 0
    assert _covered("xac nhan tinh trang ; xác nhận tình trạng", ["trang"], forms) == 0  # unaccented phrasing set aside
    assert _covered("Xác nhận tình trạng hôn nhân", ["trang"], _accented_forms("bao nhieu tien mot trang")) == 1
    assert _covered("Trang thông tin điện tử", ["trang"], forms) == 1
