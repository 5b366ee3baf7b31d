"""Reading the staff-editable YAML data files: one clear error that names the file, whatever went wrong."""
from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path | str, error: type[Exception] = ValueError) -> Any:
    """The parsed file; ``error`` (with the path and the reason) when it cannot be read or is not YAML."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"cannot read {path}: {exc}") from exc


def read_model(path: Path | str, model: type[M], error: type[Exception] = ValueError) -> M:
    """The file validated by the pydantic ``model``; ``error`` naming the file and the fields otherwise."""
    data = read_yaml(path, error)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(f"{path}: {exc}") from exc
