"""Steps a turn tells as done (TurnWords.split_done): the story is set apart from what is asked."""

from __future__ import annotations

import pytest

from knowledge_base.turn.words import TurnWords


@pytest.fixture(scope="module")
def words() -> TurnWords:
    return TurnWords.load()


@pytest.mark.parametrize(
    ("text", "rest", "done"),
    [
        (
            "tôi mua mảnh đất, hợp đồng công chứng xong rồi, giờ sang tên sổ đỏ thì nộp ở đâu",
            "tôi mua mảnh đất, giờ sang tên sổ đỏ thì nộp ở đâu",
            "hợp đồng công chứng xong rồi",
        ),
        ("tôi ly hôn bên Mỹ rồi, giờ muốn ghi chú ly hôn", "giờ muốn ghi chú ly hôn", "tôi ly hôn bên Mỹ rồi"),
        (
            "We already got married in Korea, now we want to record it",
            "now we want to record it",
            "We already got married in Korea",
        ),
    ],
)
def test_a_step_told_as_done_is_set_apart(words, text, rest, done):
    assert words.split_done(text) == (rest, done)


@pytest.mark.parametrize(
    "text",
    [
        "bao lâu thì xong",  # a question about the end, not a step done
        "làm lại căn cước rồi",  # nothing else is asked
        "làm giấy khai sinh cho bé, cần gì",  # nothing is done
    ],
)
def test_a_turn_without_a_separate_done_step_is_kept_whole(words, text):
    assert words.split_done(text) == (text, "")
