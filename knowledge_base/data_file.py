"""Reading the staff-editable YAML data files: one clear error that names the file, the entry and the field.

``read_model(path, Model, ErrorType)`` parses the file and validates it with a pydantic model; a broken file
raises ``ErrorType`` with one line per problem, e.g.
``dossier_statuses.yaml: entry 4 (code: 4) → label: String should have at least 1 character``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""YAML's safe rules, read by libyaml when PyYAML has it (about 10x faster on the catalogue-sized files)."""

NAMING_KEYS = ("code", "id", "key", "name", "canonical")
"""Keys that name a list entry in an error message (the first one the entry has)."""


def load_yaml(text: str) -> Any:
    """``text`` parsed with the safe rules (yaml.YAMLError when it is not YAML)."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - SAFE_LOADER is a safe loader


def read_yaml(path: Path | str, error: type[Exception] = ValueError) -> Any:
    """The parsed file; ``error`` (with the path and the reason) when it cannot be read or is not YAML."""
    try:
        return load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"cannot read {path}: {exc}") from exc


def read_model(path: Path | str, model: type[M], error: type[Exception] = ValueError) -> M:
    """The file validated by the pydantic ``model``; ``error`` naming the file, the entries and fields otherwise."""
    return validate(read_yaml(path, error), model, source=str(path), error=error)


def validate(data: Any, model: type[M], *, source: str, error: type[Exception] = ValueError) -> M:
    """``data`` (parsed from ``source``) validated by ``model``; ``error`` with one line per problem otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{where(data, problem['loc'])}: {problem['msg'].removeprefix('Value error, ')}" for problem in exc.errors()
        ]
        raise error(f"{source}: " + "; ".join(problems)) from None


def where(data: Any, loc: tuple[int | str, ...]) -> str:
    """A pydantic error location in staff words: list positions as "entry N (code: X)", then the field names."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(node, list) and isinstance(step, int):
            item = node[step] if 0 <= step < len(node) else None
            name = next((f" ({key}: {item[key]})" for key in NAMING_KEYS if isinstance(item, dict) and key in item), "")
            parts.append(f"entry {step + 1}{name}")
            node = item
            continue
        if step not in ("[key]",) and not (isinstance(step, str) and step.startswith(("function-", "union["))):
            parts.append(str(step))
        node = node.get(step) if isinstance(node, dict) else None
    return " → ".join(parts) or "the file"
