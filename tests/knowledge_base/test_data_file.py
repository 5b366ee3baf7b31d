"""The shared reader of staff-editable YAML files names the file in every error."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from knowledge_base.data_file import read_model, read_yaml


class _Words(BaseModel):
    words: list[str]


class _Broken(ValueError):
    pass


def test_a_missing_or_broken_file_is_one_error_naming_it(tmp_path):
    with pytest.raises(_Broken, match="missing.yaml"):
        read_yaml(tmp_path / "missing.yaml", _Broken)
    bad = tmp_path / "bad.yaml"
    bad.write_text("words: [unclosed", encoding="utf-8")
    with pytest.raises(_Broken, match="bad.yaml"):
        read_yaml(bad, _Broken)


def test_a_file_is_validated_by_its_model(tmp_path):
    good, wrong = tmp_path / "good.yaml", tmp_path / "wrong.yaml"
    good.write_text("words: [dạ, ừm]\n", encoding="utf-8")
    wrong.write_text("words: 3\n", encoding="utf-8")
    assert read_model(good, _Words).words == ["dạ", "ừm"]
    with pytest.raises(ValueError, match="wrong.yaml") as error:
        read_model(wrong, _Words)
    assert "words" in str(error.value)


class _Status(BaseModel):
    code: int
    label: str


class _Statuses(BaseModel):
    statuses: list[_Status]


def test_an_error_names_the_entry_and_the_field(tmp_path):
    path = tmp_path / "statuses.yaml"
    path.write_text("statuses:\n  - {code: 1, label: Mới}\n  - {code: 2}\n", encoding="utf-8")
    with pytest.raises(_Broken) as error:
        read_model(path, _Statuses, _Broken)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and "statuses → entry 2 (code: 2) → label: Field required" in message
    assert "\n" not in message
