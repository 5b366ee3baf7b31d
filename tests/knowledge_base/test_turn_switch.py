"""A turn that opens with "còn …" / "what about …" turns to another matter: the procedure search finds for it is
taken when its name holds as many of the turn's words as the current one's."""

from __future__ import annotations

import pytest

from knowledge_base.turn import TurnWords, search_turn
from tests.knowledge_base.fakes import turn_search
from tests.knowledge_base.test_turn import PROCEDURES


@pytest.fixture(scope="module")
def search():
    return turn_search(PROCEDURES)


@pytest.mark.parametrize(
    ("text", "announced"),
    [
        ("còn tạm trú thì sao", True),
        ("dạ thế còn xác nhận tạm trú", True),
        ("vậy còn cái kia", True),
        ("What about the marriage one?", True),
        ("con tam tru thi sao", True),
        ("còn mấy người nữa", True),
        ("ok. other thing, I need certified copies of my passport", True),
        ("à mà cho hỏi làm giấy khai sinh", True),
        ("tạm trú còn hạn không", False),
        ("lệ phí bao nhiêu", False),
    ],
)
def test_switch_phrases_open_the_turn(text, announced):
    assert TurnWords.load().turns_to_another(text) is announced


@pytest.mark.parametrize(("current", "rest"), [("1.010028", "tạm trú thì sao"), ("1.014064", "thẻ căn cước thì sao")])
def test_an_announced_switch_leaves_a_current_procedure_that_holds_the_same_words(search, current, rest):
    plain = search_turn(search, rest, current)
    announced = search_turn(search, f"còn {rest}", current)
    assert (plain.code, plain.follow_up) == (current, True)
    assert not announced.follow_up and announced.code != current and announced.kind in ("procedure", "clarify")


def test_an_announced_follow_up_without_procedure_words_keeps_the_current_one(search):
    outcome = search_turn(search, "còn lệ phí thì sao", "1.002755")
    assert (outcome.code, outcome.follow_up) == ("1.002755", True)
