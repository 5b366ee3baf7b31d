"""Chat shorthand read as procedure words before a turn is searched (knowledge_base.turn.shorthand)."""

from __future__ import annotations

import pytest

from knowledge_base.turn.shorthand import Shorthand, ShorthandError


@pytest.fixture(scope="module")
def shorthand() -> Shorthand:
    return Shorthand.load()


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("dki ket hon can giay to j", "dang ky ket hon can giay to j"),
        ("ĐK tạm trú", "dang ky tạm trú"),
        ("lam gks cho con", "lam giay khai sinh cho con"),
        ("đăng ký kết hôn", "đăng ký kết hôn"),
        ("dkien la gi", "dkien la gi"),
    ],
)
def test_whole_shorthand_words_are_read_as_the_words_they_stand_for(shorthand, text, read):
    assert shorthand.expand(text) == read


@pytest.mark.parametrize(
    ("content", "message"),
    [("dk: ''\n", "empty"), ("dang ky: x\n", "one word"), ("- dk\n", "valid dictionary")],
)
def test_a_malformed_file_is_refused_naming_the_entry(tmp_path, content, message):
    path = tmp_path / "shorthand.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ShorthandError, match=message):
        Shorthand.load(path)
