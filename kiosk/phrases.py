"""The kiosk's fixed sentences (greeting, 'did not hear', ...) loaded from a staff-editable YAML file."""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import yaml

DEFAULT_PHRASES_PATH = Path(__file__).with_name("data") / "kiosk_phrases.yaml"


class PhrasesError(ValueError):
    """The phrases file is missing a key, has an unknown key, or holds empty text."""


@dataclass(frozen=True)
class KioskPhrases:
    greeting: str
    greeting_en: str
    not_heard: str
    not_heard_en: str
    unavailable: str
    unavailable_en: str
    rephrase: str
    """Said when the assistant refused the message itself (too long, HTML, ...): the system is working."""
    rephrase_en: str
    choices_intro: str
    choice_item: str
    """Template with {number} (spoken as a word) and {title}."""
    more_on_screen: str
    """Said instead of the rest of a long answer, which stays on screen."""
    goodbye: str
    goodbye_en: str

    @classmethod
    def load(cls, path: Path = DEFAULT_PHRASES_PATH) -> KioskPhrases:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise PhrasesError(f"{path}: cannot read kiosk phrases: {exc}") from exc
        if not isinstance(data, dict):
            raise PhrasesError(f"{path}: expected a mapping of phrase names to text")
        names = [f.name for f in fields(cls)]
        missing = [name for name in names if name not in data]
        unknown = sorted(map(str, set(data) - set(names)))
        if missing or unknown:
            raise PhrasesError(f"{path}: missing key(s) {missing or '-'}; unknown key(s) {unknown or '-'}")
        empty = [name for name in names if not isinstance(data[name], str) or not data[name].strip()]
        if empty:
            raise PhrasesError(f"{path}: phrase(s) {', '.join(empty)} must be non-empty text")
        if "{title}" not in data["choice_item"] or "{number}" not in data["choice_item"]:
            raise PhrasesError(f"{path}: choice_item must contain {{number}} and {{title}}")
        return cls(**{name: data[name].strip() for name in names})
