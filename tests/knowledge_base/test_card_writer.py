"""Writing an edited card back into its YAML file: every other line of the file is kept, the card reads back the
same."""

from __future__ import annotations

import shutil

import pytest

from knowledge_base.cards.model import AnswerCards, CardError
from knowledge_base.cards.write import save_card
from knowledge_base.settings import SearchSettings


@pytest.fixture
def cards_dir(tmp_path):
    directory = tmp_path / "answer_cards"
    shutil.copytree(SearchSettings().answer_cards_dir, directory)
    return directory


@pytest.mark.slow  # rewrites every shipped card file
def test_rewriting_every_card_unchanged_keeps_every_file(cards_dir):
    cards = AnswerCards.load(cards_dir)
    for code, model in cards.cards.items():
        save_card(cards_dir / cards.files[code], model)
    for original in sorted(SearchSettings().answer_cards_dir.glob("*.yaml")):
        before = [line.rstrip() for line in original.read_text(encoding="utf-8").splitlines()]
        after = (cards_dir / original.name).read_text(encoding="utf-8").splitlines()
        assert after == before, original.name  # only trailing spaces after a comment may differ
    assert not list(cards_dir.glob(".*.tmp"))


def test_an_edit_replaces_only_that_card_and_is_visible_through_the_shared_object(cards_dir):
    cards = AnswerCards.load(cards_dir)
    model = cards.cards["1.001193"]
    edited = model.model_copy(update={"short_name": model.short_name.model_copy(update={"vi": "Làm giấy khai sinh"})})
    save_card(cards_dir / "ho_tich.yaml", edited)
    cards.put(edited, "ho_tich.yaml")
    assert cards.get("1.001193", "vi").short_name == "Làm giấy khai sinh"
    reloaded = AnswerCards.load(cards_dir)
    assert reloaded.cards["1.001193"] == edited
    assert {c: m for c, m in reloaded.cards.items() if c != "1.001193"} == {
        c: m for c, m in AnswerCards.load(SearchSettings().answer_cards_dir).cards.items() if c != "1.001193"
    }


def test_a_file_without_a_cards_list_is_left_alone(tmp_path):
    target = tmp_path / "x.yaml"
    target.write_text("# only a comment\n", encoding="utf-8")
    model = AnswerCards.load(SearchSettings().answer_cards_dir).cards["1.001193"]
    with pytest.raises(CardError):
        save_card(target, model)
    assert target.read_text(encoding="utf-8") == "# only a comment\n"
