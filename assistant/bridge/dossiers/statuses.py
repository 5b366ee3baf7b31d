"""National dossier status codes 1–10 with a label, explanation and next step in Vietnamese and, optionally, English
(from a data file staff can edit)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class StatusFileError(ValueError):
    pass


EN_KEYS = ("label_en", "explanation_en", "next_step_en")


@dataclass(frozen=True)
class DossierStatus:
    code: int
    label: str
    explanation: str
    next_step: str
    english: tuple[str, str, str] | None = None
    """(label, explanation, next step) in English, when the file gives them."""

    def to_json(self) -> dict:
        body = {"code": self.code, "label": self.label, "explanation": self.explanation, "next_step": self.next_step}
        if self.english:
            body["en"] = dict(zip(("label", "explanation", "next_step"), self.english))
        return body


def load_statuses(path: Path) -> dict[int, DossierStatus]:
    """Load and validate: exactly the codes 1–10, each with non-empty label/explanation/next_step (and either all
    three English keys or none), no other keys."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise StatusFileError(f"{path}: {exc}") from None
    if not isinstance(data, list):
        raise StatusFileError(f"{path}: phải là danh sách / must be a list of statuses")
    keys = {"code", "label", "explanation", "next_step"}
    statuses: dict[int, DossierStatus] = {}
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict) or set(item) not in (keys, keys | set(EN_KEYS)):
            raise StatusFileError(f"{path}: mục {index} phải có đúng các khóa / entry {index} needs exactly "
                                  f"{sorted(keys)} (and optionally all of {list(EN_KEYS)})")
        if not all(isinstance(item[k], str) and item[k].strip() for k in set(item) - {"code"}):
            raise StatusFileError(f"{path}: mục {index}: chữ không được để trống / entry {index}: empty text")
        code = item["code"]
        if not isinstance(code, int) or code in statuses:
            raise StatusFileError(
                f"{path}: mục {index}: mã trạng thái không hợp lệ hoặc trùng / bad or duplicate code {code!r}"
            )
        english = tuple(item[k].strip() for k in EN_KEYS) if EN_KEYS[0] in item else None
        statuses[code] = DossierStatus(
            code, item["label"].strip(), item["explanation"].strip(), item["next_step"].strip(), english
        )
    if sorted(statuses) != list(range(1, 11)):
        raise StatusFileError(f"{path}: cần đủ mã 1–10 / codes 1–10 required, found {sorted(statuses)}")
    return statuses
