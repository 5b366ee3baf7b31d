"""The normalised procedure record (one line of procedures.jsonl) as frozen dataclasses with validation."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

CHANNEL_KINDS = ("in_person", "online", "post")


class CatalogueError(ValueError):
    """A procedure record or catalogue file is malformed; the message names the code/field (or file/line)."""


def _where(code: str | None, field: str) -> str:
    return f"procedure {code or '?'}: field {field!r}"


def _text(data: Mapping[str, Any], key: str, code: str | None) -> str:
    if key not in data:
        raise CatalogueError(f"{_where(code, key)} is missing")
    value = data[key]
    if not isinstance(value, str):
        raise CatalogueError(f"{_where(code, key)} must be a string, got {type(value).__name__}")
    return value


def _text_list(data: Mapping[str, Any], key: str, code: str | None) -> tuple[str, ...]:
    if key not in data:
        raise CatalogueError(f"{_where(code, key)} is missing")
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogueError(f"{_where(code, key)} must be a list of strings")
    return tuple(value)


def _object_list(data: Mapping[str, Any], key: str, code: str | None) -> list[Mapping[str, Any]]:
    if key not in data:
        raise CatalogueError(f"{_where(code, key)} is missing")
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise CatalogueError(f"{_where(code, key)} must be a list of objects")
    return value


def _check_keys(data: Mapping[str, Any], expected: tuple[str, ...], code: str | None, what: str) -> None:
    unknown = sorted(set(data) - set(expected))
    if unknown:
        raise CatalogueError(f"{_where(code, what)} has unknown key(s): {', '.join(unknown)}")


@dataclass(frozen=True)
class Channel:
    """One way to file a procedure (in person, online, by post) with its time and fee."""

    channel: str
    """"in_person", "online" or "post"."""
    label: str
    """The original Vietnamese label, e.g. "Trực tiếp"."""
    processing_time: str
    """Processing time as published, e.g. "15 Ngày làm việc" ("" when not given)."""
    processing_days: float | None
    """Processing time in days when it could be read (see channels.parse_processing_days), else None."""
    fee: str
    """Fee text as published, with its note, e.g. "25,000 Việt Nam Đồng (/giao dịch)" ("" when not given)."""
    fee_amount_vnd: int | None
    """A single clear fee in đồng; 0 = free; None when unknown, unclear, several amounts or set by province."""
    fee_set_by_province: bool
    """True when the fee is decided by the province (HĐND/UBND tỉnh)."""
    description: str
    """Free-text notes for this channel."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], code: str | None = None) -> Channel:
        where = "channels"
        _check_keys(data, tuple(f.name for f in fields(cls)), code, where)
        kind = _text(data, "channel", code)
        if kind not in CHANNEL_KINDS:
            raise CatalogueError(f"{_where(code, 'channels.channel')} must be one of {CHANNEL_KINDS}, got {kind!r}")
        days = data.get("processing_days", "missing")
        if days == "missing":
            raise CatalogueError(f"{_where(code, 'channels.processing_days')} is missing")
        if days is not None and (isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0):
            raise CatalogueError(f"{_where(code, 'channels.processing_days')} must be a non-negative number or null")
        amount = data.get("fee_amount_vnd", "missing")
        if amount == "missing":
            raise CatalogueError(f"{_where(code, 'channels.fee_amount_vnd')} is missing")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount < 0):
            raise CatalogueError(f"{_where(code, 'channels.fee_amount_vnd')} must be a non-negative integer or null")
        by_province = data.get("fee_set_by_province")
        if not isinstance(by_province, bool):
            raise CatalogueError(f"{_where(code, 'channels.fee_set_by_province')} must be true or false")
        return cls(
            channel=kind,
            label=_text(data, "label", code),
            processing_time=_text(data, "processing_time", code),
            processing_days=None if days is None else float(days),
            fee=_text(data, "fee", code),
            fee_amount_vnd=amount,
            fee_set_by_province=by_province,
            description=_text(data, "description", code),
        )


@dataclass(frozen=True)
class Document:
    """One document of the dossier (thành phần hồ sơ)."""

    group: str
    """Group heading without the bullet/colon, e.g. "Giấy tờ phải nộp" ("" when the table has none)."""
    name: str
    """What the document is."""
    form: str
    """Form/template file name, e.g. "Mẫu CT01.docx" ("" when none)."""
    copies: str
    """How many copies, e.g. "1 bản chính, 1 bản sao" ("" when not given)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], code: str | None = None) -> Document:
        _check_keys(data, tuple(f.name for f in fields(cls)), code, "documents")
        return cls(**{f.name: _text(data, f.name, code) for f in fields(cls)})


@dataclass(frozen=True)
class LegalBasis:
    """One legal document the procedure rests on (căn cứ pháp lý)."""

    name: str
    """Title of the legal document."""
    number: str
    """Its number, e.g. "123/2015/NĐ-CP" ("" when it could not be separated)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], code: str | None = None) -> LegalBasis:
        _check_keys(data, tuple(f.name for f in fields(cls)), code, "legal_basis")
        return cls(**{f.name: _text(data, f.name, code) for f in fields(cls)})


_TEXT_FIELDS = (
    "name", "field", "decision", "procedure_type", "ministry", "competent_body", "performing_body",
    "delegated_body", "coordinating_body", "submission_address", "conditions", "result", "source_url",
)
_LIST_FIELDS = ("levels", "applicants", "related_procedures", "steps")


@dataclass(frozen=True)
class Procedure:
    """One administrative procedure (thủ tục hành chính), normalised from the national catalogue."""

    code: str
    """National procedure code, e.g. "1.001193" — the stable id."""
    name: str
    field: str
    """Lĩnh vực, e.g. "Hộ tịch" (used for desk routing)."""
    levels: tuple[str, ...]
    """Levels performing it, e.g. ("Cấp tỉnh", "Cấp xã")."""
    ward_level: bool
    """True when "Cấp xã" is among the levels."""
    decision: str
    procedure_type: str
    ministry: str
    applicants: tuple[str, ...]
    competent_body: str
    performing_body: str
    delegated_body: str
    coordinating_body: str
    submission_address: str
    related_procedures: tuple[str, ...]
    steps: tuple[str, ...]
    channels: tuple[Channel, ...]
    documents: tuple[Document, ...]
    legal_basis: tuple[LegalBasis, ...]
    conditions: str
    result: str
    source_url: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict with the contract's keys in a fixed order."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("channels", "documents", "legal_basis"):
                out[f.name] = [item.to_dict() for item in value]
            elif isinstance(value, tuple):
                out[f.name] = list(value)
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Procedure:
        """Validate and build; raises CatalogueError naming the code and the field at fault."""
        if not isinstance(data, Mapping):
            raise CatalogueError(f"a procedure record must be a JSON object, got {type(data).__name__}")
        raw_code = data.get("code")
        code = raw_code if isinstance(raw_code, str) and raw_code.strip() else None
        if code is None:
            raise CatalogueError(f"{_where(None, 'code')} must be a non-empty string")
        _check_keys(data, tuple(f.name for f in fields(cls)), code, "(record)")
        values: dict[str, Any] = {"code": code}
        for key in _TEXT_FIELDS:
            values[key] = _text(data, key, code)
        if not values["name"].strip():
            raise CatalogueError(f"{_where(code, 'name')} must not be empty")
        for key in _LIST_FIELDS:
            values[key] = _text_list(data, key, code)
        ward_level = data.get("ward_level")
        if not isinstance(ward_level, bool):
            raise CatalogueError(f"{_where(code, 'ward_level')} must be true or false")
        if ward_level != ("Cấp xã" in values["levels"]):
            raise CatalogueError(f"{_where(code, 'ward_level')} disagrees with levels {list(values['levels'])}")
        values["ward_level"] = ward_level
        values["channels"] = tuple(Channel.from_dict(item, code) for item in _object_list(data, "channels", code))
        values["documents"] = tuple(Document.from_dict(item, code) for item in _object_list(data, "documents", code))
        values["legal_basis"] = tuple(
            LegalBasis.from_dict(item, code) for item in _object_list(data, "legal_basis", code)
        )
        return cls(**values)
