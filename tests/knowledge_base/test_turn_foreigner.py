"""An English turn is read as a foreigner's unless it says the citizen is Vietnamese (knowledge_base.turn.foreigner)."""

from __future__ import annotations

import pytest

from knowledge_base.search.outcome import SearchHit, SearchOutcome
from knowledge_base.turn.foreigner import HINT, for_foreigners_first, foreign_unsaid, foreigner_hint, hinted
from knowledge_base.turn.siblings import SiblingIndex, SiblingMarkers


def hit(code: str, name: str, score: float) -> SearchHit:
    return SearchHit(code=code, name=name, field="Hộ tịch", score=score)


RESIDENCE = hit("1.004194", "Đăng ký tạm trú", 0.73)
FOREIGN_RESIDENCE = hit("1.000253", "Khai báo tạm trú cho người nước ngoài tại Việt Nam", 0.68)
EXTEND = hit("1.002755", "Gia hạn tạm trú", 0.70)


@pytest.mark.parametrize(
    ("text", "language", "hint"),
    [
        ("I want to marry my Vietnamese girlfriend", "en", HINT),
        ("How do I register a birth?", "en", HINT),
        ("I'm Vietnamese, how do I register a birth?", "en", ""),
        ("We are both Vietnamese and want to get married", "en", ""),
        ("we live in this ward, no foreigners involved", "en", ""),
        ("my wife is not a foreigner", "en", ""),
        ("đăng ký kết hôn", "vi", ""),
        ("How do I register a death? My grandfather passed away yesterday.", "en", ""),
        ("What is the legal basis for đăng ký khai tử?", "en", ""),
    ],
)
def test_english_turns_are_read_as_a_foreigners_unless_they_say_otherwise(text, language, hint):
    assert foreigner_hint(text, language) == hint
    assert hinted(text, language) == (f"{text} {hint}" if hint else text)


def test_a_close_procedure_for_foreigners_comes_first_for_an_english_turn():
    outcome = SearchOutcome(
        query="temporary residence", confidence="confident", results=[RESIDENCE, EXTEND, FOREIGN_RESIDENCE]
    )
    moved = for_foreigners_first(outcome, HINT)
    assert [h.code for h in moved.results] == ["1.000253", "1.004194", "1.002755"]
    assert moved.confidence == "confident"
    assert for_foreigners_first(outcome, "") is outcome  # Vietnamese turns keep search's order


def test_a_distant_procedure_for_foreigners_does_not_jump_ahead():
    far = hit("1.000253", FOREIGN_RESIDENCE.name, 0.60)
    outcome = SearchOutcome(query="temporary residence", confidence="confident", results=[RESIDENCE, far])
    assert for_foreigners_first(outcome, HINT).results[0].code == "1.004194"


MARRIAGES = [("1.000894", "Đăng ký kết hôn"), ("2.000806", "Đăng ký kết hôn có yếu tố nước ngoài")]


@pytest.fixture(scope="module")
def marriage_index():
    markers = SiblingMarkers.load()
    return SiblingIndex(markers, MARRIAGES), markers


@pytest.mark.parametrize(
    ("text", "language", "code", "offered"),
    [
        ("How can I register a marriage at the ward office?", "en", "2.000806", ["2.000806", "1.000894"]),
        ("My fiancée is from Korea, how do we register our marriage?", "en", "2.000806", []),
        ("I want to marry my Korean girlfriend", "en", "2.000806", []),
        ("I want to marry my Vietnamese girlfriend", "en", "2.000806", []),
        ("I'm Vietnamese, how do I register a marriage?", "en", "2.000806", []),
        ("đăng ký kết hôn có yếu tố nước ngoài", "vi", "2.000806", []),
        ("How can I register a marriage?", "en", "1.000894", []),
    ],
)
def test_a_foreign_element_only_the_language_suggests_is_asked_about(marriage_index, text, language, code, offered):
    index, markers = marriage_index
    assert foreign_unsaid(index, markers, text, language, code) == offered
