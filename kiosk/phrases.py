"""The kiosk's fixed sentences (greeting, 'did not hear', ...) loaded from a staff-editable YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from knowledge_base.data_file import read_model

DEFAULT_PHRASES_PATH = Path(__file__).with_name("data") / "kiosk_phrases.yaml"
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class PhrasesError(ValueError):
    """The phrases file is missing a key, has an unknown key, or holds empty text."""


class KioskPhrases(BaseModel):
    """Every sentence the kiosk says on its own; each a non-empty text (staff edit the YAML file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    greeting: Phrase
    greeting_en: Phrase
    not_heard: Phrase
    not_heard_en: Phrase
    unavailable: Phrase
    unavailable_en: Phrase
    rephrase: Phrase
    """Said when the assistant refused the message itself (too long, HTML, ...): the system is working."""
    rephrase_en: Phrase
    choices_intro: Phrase
    choice_item: Phrase
    """Template with {number} (spoken as a word) and {title}."""
    more_on_screen: Phrase
    """Said instead of the rest of a long answer, which stays on screen."""
    goodbye: Phrase
    goodbye_en: Phrase

    @field_validator("choice_item")
    @classmethod
    def _choice_item_template(cls, value: str) -> str:
        if "{title}" not in value or "{number}" not in value:
            raise ValueError("choice_item must contain {number} and {title}")
        return value

    @classmethod
    def load(cls, path: Path = DEFAULT_PHRASES_PATH) -> KioskPhrases:
        """The file validated; PhrasesError naming the file and the phrase when it is wrong."""
        return read_model(path, cls, PhrasesError)
