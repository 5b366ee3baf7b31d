"""The normalised procedure record (one line of procedures.jsonl) as frozen pydantic dataclasses.

The types are the validation: `Procedure.from_dict` checks a record against them (strict strings, numbers and
booleans, no unknown keys) and raises CatalogueError naming the code and the field. Being pydantic, the same
types give the staff API its OpenAPI schema (`PROCEDURE_SCHEMA`).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any, Literal, Mapping

from pydantic import (
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

CHANNEL_KINDS = ("in_person", "online", "post")
_RECORD = ConfigDict(extra="forbid", use_attribute_docstrings=True)
Texts = tuple[StrictStr, ...]
NonNegativeNumber = Annotated[float, Strict(), Field(ge=0)]
NonNegativeInteger = Annotated[int, Strict(), Field(ge=0)]


class CatalogueError(ValueError):
    """A procedure record or catalogue file is malformed; the message names the code/field (or file/line)."""


@dataclass(frozen=True, config=_RECORD)
class Channel:
    """One way to file a procedure (in person, online, by post) with its time and fee."""

    channel: Literal["in_person", "online", "post"]
    """"in_person", "online" or "post"."""
    label: StrictStr
    """The original Vietnamese label, e.g. "Trực tiếp"."""
    processing_time: StrictStr
    """Processing time as published, e.g. "15 Ngày làm việc" ("" when not given)."""
    processing_days: NonNegativeNumber | None
    """Processing time in days when it could be read (see channels.parse_processing_days), else None."""
    fee: StrictStr
    """Fee text as published, with its note, e.g. "25,000 Việt Nam Đồng (/giao dịch)" ("" when not given)."""
    fee_amount_vnd: NonNegativeInteger | None
    """A single clear fee in đồng; 0 = free; None when unknown, unclear, several amounts or set by province."""
    fee_set_by_province: StrictBool
    """True when the fee is decided by the province (HĐND/UBND tỉnh)."""
    description: StrictStr
    """Free-text notes for this channel."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, config=_RECORD)
class Document:
    """One document of the dossier (thành phần hồ sơ)."""

    group: StrictStr
    """Group heading without the bullet/colon, e.g. "Giấy tờ phải nộp" ("" when the table has none)."""
    name: StrictStr
    """What the document is."""
    form: StrictStr
    """Form/template file name, e.g. "Mẫu CT01.docx" ("" when none)."""
    copies: StrictStr
    """How many copies, e.g. "1 bản chính, 1 bản sao" ("" when not given)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, config=_RECORD)
class LegalBasis:
    """One legal document the procedure rests on (căn cứ pháp lý)."""

    name: StrictStr
    """Title of the legal document."""
    number: StrictStr
    """Its number, e.g. "123/2015/NĐ-CP" ("" when it could not be separated)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, config=_RECORD)
class Procedure:
    """One administrative procedure (thủ tục hành chính), normalised from the national catalogue."""

    code: StrictStr
    """National procedure code, e.g. "1.001193" — the stable id."""
    name: StrictStr
    field: StrictStr
    """Lĩnh vực, e.g. "Hộ tịch" (used for desk routing)."""
    levels: Texts
    """Levels performing it, e.g. ("Cấp tỉnh", "Cấp xã")."""
    ward_level: StrictBool
    """True when "Cấp xã" is among the levels."""
    decision: StrictStr
    procedure_type: StrictStr
    ministry: StrictStr
    applicants: Texts
    competent_body: StrictStr
    performing_body: StrictStr
    delegated_body: StrictStr
    coordinating_body: StrictStr
    submission_address: StrictStr
    related_procedures: Texts
    steps: Texts
    channels: tuple[Channel, ...]
    documents: tuple[Document, ...]
    legal_basis: tuple[LegalBasis, ...]
    conditions: StrictStr
    result: StrictStr
    source_url: StrictStr

    @field_validator("code", "name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @model_validator(mode="after")
    def _ward_level_matches_levels(self) -> Procedure:
        if self.ward_level != ("Cấp xã" in self.levels):
            raise ValueError(f"field 'ward_level' disagrees with levels {list(self.levels)}")
        return self

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
        code = data.get("code")
        if not isinstance(code, str) or not code.strip():
            raise CatalogueError("procedure ?: field 'code' must be a non-empty string")
        try:
            return _PROCEDURE.validate_python(data)
        except ValidationError as exc:
            raise CatalogueError(f"procedure {code}: " + "; ".join(_problem(e) for e in exc.errors())) from None


def _problem(error: Any) -> str:
    """One pydantic error as "field 'channels[1].fee_amount_vnd': <reason>"."""
    path = ""
    for step in error["loc"]:
        path += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    reason = _REASONS.get(error["type"]) or error["msg"].removeprefix("Value error, ")
    return f"field '{path}': {reason}" if path else reason


_REASONS = {"unexpected_keyword_argument": "unknown key", "tuple_type": "Input should be a list"}
"""Pydantic's wording where it would confuse staff (records are JSON: lists, not tuples)."""


_PROCEDURE = TypeAdapter(Procedure)
PROCEDURE_SCHEMA = _PROCEDURE.json_schema()
"""JSON schema of one procedure record (the staff API's request body)."""
