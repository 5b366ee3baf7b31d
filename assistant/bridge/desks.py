"""Ward desk map: load and validate the staff-editable ward config, route a procedure field to a desk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from knowledge_base.data_file import load_yaml
from knowledge_base.text import clean, fold


class WardConfigError(ValueError):
    """The ward config is invalid; the message says where and what (Vietnamese / English)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


_PLACEHOLDER = re.compile(r"cần cập nhật|địa chỉ mẫu|\bTODO\b|\bTBD\b|\bFIXME\b|x{3,}", re.IGNORECASE)


def _no_placeholder(value: str | None) -> str | None:
    """Citizens must never see a stand-in: leave a fact empty instead of writing 'cần cập nhật'."""
    if value and _PLACEHOLDER.search(value):
        raise ValueError("giá trị tạm, hãy để trống nếu chưa có / placeholder text: leave the field empty until known")
    return value


WARD_CODE = r"^[a-z0-9][a-z0-9-]{0,39}$"


def ward_code_of(name: str) -> str:
    """A ward code from its name when the file names none: accent-folded, words joined by "-" ("Phường Cửa Nam" →
    "phuong-cua-nam")."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(name)))[:40].strip("-") or "ward"


class WardInfo(_Strict):
    name: str = Field(min_length=1, max_length=200)
    code: str | None = Field(
        default=None,
        pattern=WARD_CODE,
        description="The ward's identity across files, URLs and tokens (lower case, digits, '-'); from the name "
        "when absent. Changing it makes a new ward.",
    )
    address: str = Field(default="", max_length=500, description="Empty when not known: replies then leave it out.")
    hours: str = Field(min_length=1, max_length=500)
    phone: str = Field(default="", max_length=50)
    demo: bool = Field(default=False, description="True for the shipped sample ward: not a real ward's facts.")
    name_en: str | None = Field(default=None, min_length=1, max_length=200, description="The ward's name in English.")
    hours_en: str | None = Field(default=None, min_length=1, max_length=500, description="The hours in English.")

    _check_placeholders = field_validator("name", "address", "hours", "phone", "name_en", "hours_en")(_no_placeholder)

    @property
    def ward_code(self) -> str:
        return self.code or ward_code_of(self.name)


class DeskConfig(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200, description="The desk's name in English.")
    prefix: str = Field(pattern=r"^[A-Z]$")
    fields: list[str] = Field(default_factory=list)
    floor: str = Field(min_length=1, max_length=100)
    hours: str = Field(min_length=1, max_length=500)
    directions: str = Field(min_length=1, max_length=1000)
    priority: bool = False
    general: bool = False
    minutes_per_ticket: int | None = Field(default=None, ge=1, le=240)
    floor_en: str | None = Field(default=None, min_length=1, max_length=100, description="The floor in English.")
    hours_en: str | None = Field(default=None, min_length=1, max_length=500, description="The hours in English.")
    directions_en: str | None = Field(
        default=None, min_length=1, max_length=1000, description="The directions in English."
    )

    _check_placeholders = field_validator(
        "name", "name_en", "floor", "hours", "directions", "floor_en", "hours_en", "directions_en"
    )(_no_placeholder)

    def display_name(self, language: str = "vi") -> str:
        """The name in the reply's language (English falls back to the Vietnamese name)."""
        return (self.name_en or self.name) if language == "en" else self.name

    def to_json(self) -> dict[str, Any]:
        """The public shape (appendix): id, name, name_en, fields, floor, hours, directions, priority, general,
        and the optional English floor_en, hours_en, directions_en (None when staff have not written them)."""
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "fields": list(self.fields),
            "floor": self.floor,
            "hours": self.hours,
            "directions": self.directions,
            "priority": self.priority,
            "general": self.general,
            "floor_en": self.floor_en,
            "hours_en": self.hours_en,
            "directions_en": self.directions_en,
        }


class WardConfig(_Strict):
    ward: WardInfo
    desks: list[DeskConfig] = Field(min_length=1)


def _describe(errors: list[dict], data: Any) -> str:
    parts = []
    for err in errors:
        loc = list(err.get("loc", ()))
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "desks" and isinstance(loc[1], int):
            try:
                where = f"desks[{loc[1]}] ({data['desks'][loc[1]].get('id', '?')})" + "".join(f".{p}" for p in loc[2:])
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
        if err.get("type") == "extra_forbidden":
            parts.append(f"{where}: khóa không được phép / unknown key")
        elif err.get("type") == "missing":
            parts.append(f"{where}: thiếu / missing")
        else:
            parts.append(f"{where}: {err.get('msg')}")
    return "; ".join(parts)


def validate_ward_config(data: Any, *, source: str = "ward config") -> WardConfig:
    """Validate a parsed ward config document; raise WardConfigError with every problem found."""
    if not isinstance(data, dict):
        raise WardConfigError(
            f"{source}: phải là một bảng có 'ward' và 'desks' / must be a mapping with 'ward' and 'desks'"
        )
    try:
        config = WardConfig.model_validate(data)
    except ValidationError as exc:
        raise WardConfigError(f"{source}: {_describe(exc.errors(), data)}") from None
    problems = []
    seen_ids: set[str] = set()
    seen_prefixes: dict[str, str] = {}
    field_owner: dict[str, str] = {}
    for desk in config.desks:
        if desk.id in seen_ids:
            problems.append(f"mã quầy trùng / duplicate desk id {desk.id!r}")
        seen_ids.add(desk.id)
        if desk.prefix in seen_prefixes:
            problems.append(
                f"chữ cái số thứ tự trùng / duplicate ticket prefix {desk.prefix!r} "
                f"({seen_prefixes[desk.prefix]}, {desk.id})"
            )
        seen_prefixes.setdefault(desk.prefix, desk.id)
        desk.fields = [clean(f) for f in desk.fields]
        for field in desk.fields:
            if field in field_owner and field_owner[field] != desk.id:
                problems.append(
                    f"lĩnh vực {field!r} thuộc hai quầy / field served by two desks: {field_owner[field]}, {desk.id}"
                )
            field_owner.setdefault(field, desk.id)
    generals = [d.id for d in config.desks if d.general]
    if len(generals) != 1:
        problems.append(
            f"cần đúng một quầy chung (general: true) / exactly one general desk required, found {generals or 'none'}"
        )
    if problems:
        raise WardConfigError(f"{source}: " + "; ".join(problems))
    return config


def load_ward_config(path: Path) -> WardConfig:
    """Read and validate the ward YAML file."""
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WardConfigError(f"{path}: không tìm thấy tệp / file not found") from None
    except yaml.YAMLError as exc:
        raise WardConfigError(f"{path}: lỗi cú pháp YAML / YAML syntax error: {exc}") from None
    return validate_ward_config(data, source=str(path))


@dataclass(frozen=True)
class DeskDirectory:
    """Read-only view of one validated ward config."""

    config: WardConfig

    @property
    def desks(self) -> list[DeskConfig]:
        return self.config.desks

    def get(self, desk_id: str) -> DeskConfig | None:
        return next((d for d in self.config.desks if d.id == desk_id), None)

    @property
    def general_desk(self) -> DeskConfig:
        return next(d for d in self.config.desks if d.general)

    def for_field(self, field: str) -> DeskConfig:
        """The desk serving this catalogue field, else the general desk."""
        wanted = clean(field or "")
        return next((d for d in self.config.desks if wanted in d.fields), self.general_desk)

    def to_json(self) -> dict[str, Any]:
        """Ward facts that are known (an empty address or phone is left out, never shown blank) and the desks."""
        ward = self.config.ward
        facts = {
            "name": ward.name,
            "address": ward.address,
            "hours": ward.hours,
            "phone": ward.phone,
            "name_en": ward.name_en,
            "hours_en": ward.hours_en,
        }
        out = {key: value for key, value in facts.items() if value}
        out["demo"] = ward.demo
        return {"ward": out, "desks": [d.to_json() for d in self.config.desks]}
