"""search_turn with the conversation's earlier procedures: a turn that goes back to one of them means it."""

from __future__ import annotations

import pytest

from knowledge_base.turn import TurnWords, search_turn
from tests.knowledge_base.fakes import turn_search
from tests.knowledge_base.test_turn import PROCEDURES


@pytest.fixture(scope="module")
def search():
    return turn_search(PROCEDURES)


def test_a_clarifying_question_is_skipped_for_the_sibling_discussed_before(search):
    plain = search_turn(search, "thẻ căn cước", "1.000894")
    assert plain.kind == "clarify" and "1.014064" in [c.code for c in plain.choices]
    back = search_turn(search, "thẻ căn cước", "1.000894", recent=["1.014064"])
    assert (back.kind, back.code, back.reason) == ("procedure", "1.014064", "recent_choice")


def test_going_back_to_a_referred_procedure_means_it_not_a_ward_namesake(search):
    text = "quay lại hộ chiếu, lệ phí bao nhiêu"
    back = search_turn(search, text, "1.000894", recent=["1.001456"])
    assert (back.kind, back.code, back.reason) == ("not_at_ward", "1.001456", "back_to_recent")
    assert back.topic == "fee"


def test_earlier_procedures_never_outweigh_a_turn_that_names_something_else(search):
    outcome = search_turn(search, "đăng ký kết hôn cần gì", "1.001193", recent=["1.004194"])
    assert outcome.code == "1.000894"
    follow = search_turn(search, "mất bao lâu", "1.001193", recent=["1.004194"])
    assert (follow.code, follow.follow_up) == ("1.001193", True)


def test_back_phrases_are_read_folded():
    words = TurnWords.load()
    assert words.goes_back("quay lai cai ho chieu") and words.goes_back("Back to the passport please")
    assert not words.goes_back("lệ phí bao nhiêu")
