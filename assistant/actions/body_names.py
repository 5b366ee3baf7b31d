"""English names of the bodies that handle procedures beyond the ward (assistant/actions/data/body_names.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base.data_file import load_yaml
from knowledge_base.text import clean, tokens

DEFAULT_PATH = Path(__file__).parent / "data" / "body_names.yaml"


class BodyNamesError(ValueError):
    """The body names file is malformed; the message names the file and the entry."""


def _key(text: str) -> str:
    return " ".join(tokens(text))


@dataclass(frozen=True)
class BodyNames:
    """Vietnamese body name (folded) → English name."""

    english: dict[str, str]

    @classmethod
    def load(cls, path: Path | str = DEFAULT_PATH) -> "BodyNames":
        try:
            data = load_yaml(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise BodyNamesError(f"cannot read body names file {path}: {exc}") from exc
        names = data.get("names") if isinstance(data, dict) else None
        if not isinstance(names, dict) or not names:
            raise BodyNamesError(f"{path}: expected a mapping 'names' of Vietnamese → English body names")
        bad = [str(k) for k, v in names.items() if not isinstance(k, str) or not isinstance(v, str) or not v.strip()]
        if bad:
            raise BodyNamesError(f"{path}: entry '{bad[0]}' must map a name to a non-empty English name")
        return cls({_key(k): clean(v) for k, v in names.items()})

    def translate(self, body: str) -> str | None:
        """The English name of ``body`` when the whole of it is known (the name itself, else each comma-separated
        part), else None."""
        whole = self.english.get(_key(body))
        if whole:
            return whole
        parts = [p for p in (body or "").rstrip("…").split(",") if p.strip()]
        names, i = [], 0
        while i < len(parts):  # the longest run of parts that is one known name ("trật tự, xã hội" stays whole)
            j = next((j for j in range(len(parts), i, -1) if _key(",".join(parts[i:j])) in self.english), None)
            if j is None:
                return None
            names.append(self.english[_key(",".join(parts[i:j]))])
            i = j
        return ", ".join(names) if names else None

    def say(self, body: str, language: str) -> str:
        """``body`` as an English reply says it: "English (Vietnamese)", so it can be shown at the desk; the
        Vietnamese name alone when not known or in Vietnamese."""
        if language != "en" or not body:
            return body
        english = self.translate(body)
        return f"{english} ({body})" if english else body
