"""Combined procedures (knowledge_base/turn/combined.py) and the held / not-yet reading of a named paper
(TurnWords.holds): the pairs come from the names, the move from what the turn says of the other part."""

from __future__ import annotations

import pytest

from knowledge_base.turn import SiblingMarkers
from knowledge_base.turn.combined import combined_held, combined_move, combined_unsaid
from knowledge_base.turn.siblings import SiblingIndex
from knowledge_base.turn.words import TurnWords

NAMES = {
    "1.001193": "Thủ tục đăng ký khai sinh",
    "2.000528": "Thủ tục đăng ký khai sinh có yếu tố nước ngoài",
    "1.001022": "Thủ tục đăng ký nhận cha, mẹ, con",
    "2.000779": "Thủ tục đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
    "1.000689": "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
    "1.001695": "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
    "1.000656": "Thủ tục đăng ký khai tử",
}


@pytest.fixture(scope="module")
def index() -> SiblingIndex:
    return SiblingIndex(SiblingMarkers.load(), NAMES.items())


@pytest.fixture(scope="module")
def words() -> TurnWords:
    return TurnWords.load()


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("cháu đã có giấy khai sinh rồi", True),
        ("bên đó họ cấp giấy khai sinh cho cháu rồi", True),
        ("be da co giay khai sinh nhung chua co ten bo", True),
        ("bé chưa làm giấy khai sinh", False),
        ("con tôi không có giấy khai sinh", False),
        ("làm khai sinh cho bé", None),
        ("khai tử cho ông", None),
    ],
)
def test_holds_reads_the_words_around_the_name(words, text, held):
    assert words.holds(text, "khai sinh") is held


def test_the_other_part_still_to_do_is_the_combined_procedure(index, words):
    text = "bé mới sinh được 2 tuần, chưa làm giấy khai sinh"
    assert combined_move(index, words, text, "1.001022", "1.001193") == "1.000689"
    assert combined_move(index, words, "bố bé muốn nhận cha mẹ con luôn", "1.001193", "1.001022") == "1.000689"


def test_the_combined_procedure_keeps_the_foreign_element(index, words):
    assert combined_move(index, words, "con chưa có giấy khai sinh", "2.000779", "1.001193") == "1.001695"


def test_a_part_already_held_stays_on_the_current_part(index, words):
    assert combined_move(index, words, "cháu đã có giấy khai sinh rồi", "1.001022", "1.001193") == "1.001022"


def test_discussing_the_combined_one_a_held_part_leaves_the_other(index, words):
    assert combined_move(index, words, "à bé có giấy khai sinh rồi", "1.000689", "1.000689") == "1.001022"


def test_unrelated_procedures_are_not_moved(index, words):
    assert combined_move(index, words, "ông mất rồi, làm khai tử", "1.001022", "1.000656") is None
    assert combined_move(index, words, "cần giấy tờ gì", "1.001193", "1.001193") is None


def test_the_added_part_alone_asks_whether_the_birth_is_registered_too(index):
    assert combined_unsaid(index, "tôi muốn làm thủ tục nhận cha mẹ con", "1.001022") == ("1.001022", "1.000689")
    foreign = "thủ tục nhận cha mẹ con có yếu tố nước ngoài"
    assert combined_unsaid(index, foreign, "2.000779") == ("2.000779", "1.001695")


def test_the_first_part_or_both_named_ask_nothing(index):
    assert combined_unsaid(index, "đăng ký khai sinh cần gì", "1.001193") is None
    assert combined_unsaid(index, "nhận cha mẹ con lúc làm khai sinh", "1.001022") is None


def test_an_answer_to_the_choice_reads_the_first_part(index, words):
    offered = ("1.001022", "1.000689")
    assert combined_held(index, words, "bé chưa có giấy khai sinh", "1.001022", offered) == "1.000689"
    assert combined_held(index, words, "cháu đã có giấy khai sinh rồi", "1.000689", offered) == "1.001022"
    assert combined_held(index, words, "người Việt cả", "1.001022", offered) is None


def test_a_held_birth_paper_with_acknowledging_is_the_acknowledgement(index, words):
    assert combined_held(index, words, "bố muốn nhận con, bé đã có giấy khai sinh rồi", "1.001193", ()) == "1.001022"
    assert combined_held(index, words, "bé đã có giấy khai sinh rồi, xin bản sao", "1.001193", ()) is None
