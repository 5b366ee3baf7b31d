"""The kiosk's own sentences come from a staff-editable file; a broken file names the phrase that is wrong."""

from __future__ import annotations

import pytest
import yaml

from kiosk.phrases import DEFAULT_PHRASES_PATH, KioskPhrases, PhrasesError


def _write(tmp_path, change) -> object:
    data = yaml.safe_load(DEFAULT_PHRASES_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "kiosk_phrases.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_phrases_load_vietnamese_and_english():
    phrases = KioskPhrases.load()
    assert phrases.greeting and phrases.greeting_en and phrases.greeting != phrases.greeting_en


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda data: data.pop("goodbye_en"), "goodbye_en: Field required"),
        (lambda data: data.update(greeting="   "), "greeting: String should have at least 1 character"),
        (lambda data: data.update(farewell="Chào"), "farewell: Extra inputs are not permitted"),
        (lambda data: data.update(choice_item="số {number}"), "choice_item: choice_item must contain"),
    ],
)
def test_a_broken_phrases_file_is_one_error_naming_the_phrase(tmp_path, change, named):
    path = _write(tmp_path, change)
    with pytest.raises(PhrasesError) as error:
        KioskPhrases.load(path)
    assert str(error.value).startswith(f"{path}: ") and named in str(error.value)
