"""Reply templates (assistant/actions/data/replies.yaml): loaded once, validated, filled per language."""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).parent / "data" / "replies.yaml"
LANGUAGES = ("vi", "en")


class RepliesError(ValueError):
    """The replies file is malformed; the message names the entry at fault."""


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Replies:
    """Keyed reply templates with a Vietnamese and an English text each."""

    templates: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "Replies":
        """Read and validate the file: every entry has vi and en texts with the same placeholders."""
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RepliesError(f"cannot read replies file {path}: {exc}") from exc
        if not isinstance(data, dict) or not data:
            raise RepliesError(f"{path}: expected a mapping of reply keys")
        for key, entry in data.items():
            if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
                raise RepliesError(f"{path}: entry '{key}' must have exactly the keys vi and en")
            if not all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGUAGES):
                raise RepliesError(f"{path}: entry '{key}' has an empty text")
            try:
                vi, en = _placeholders(entry["vi"]), _placeholders(entry["en"])
            except ValueError as exc:
                raise RepliesError(f"{path}: entry '{key}' has a broken placeholder: {exc}") from exc
            if vi != en:
                raise RepliesError(f"{path}: entry '{key}' placeholders differ: vi {sorted(vi)} en {sorted(en)}")
        return cls(templates=data)

    def say(self, key: str, language: str, **fields: object) -> str:
        """The reply ``key`` in ``language`` (Vietnamese when unknown), placeholders filled from ``fields``."""
        entry = self.templates[key]
        return entry.get(language, entry["vi"]).format(**fields)
