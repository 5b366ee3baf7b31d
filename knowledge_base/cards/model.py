"""Citizen answer cards: the staff-editable YAML files, their pydantic models and the loader.

A card says, for one ward-level procedure and in plain words, what a citizen would call it, what to bring in the
common case, the fee, the time, where to go, whether it can be filed online and the link to its portal page.
Cards live in ``knowledge_base/data/answer_cards/*.yaml`` (one file per group of fields); ``AnswerCards.load``
reads and validates every file and raises ``CardError`` naming the file, the card code and the field at fault.
``knowledge_base.cards.check`` proves each card's documents, fee and time against the catalogue record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from knowledge_base.data_file import load_yaml

Language = Literal["vi", "en"]
SHORT_NAME_CHARS = 60
LINE_CHARS = 300


class CardError(ValueError):
    """A card file is invalid; the message names the file, the card code and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Text(_Strict):
    """One line in Vietnamese (required) and English (optional until translated)."""

    vi: str = Field(min_length=1, max_length=LINE_CHARS)
    en: str | None = Field(default=None, min_length=1, max_length=LINE_CHARS)

    @field_validator("vi", "en")
    @classmethod
    def _no_ellipsis(cls, value: str | None) -> str | None:
        if value is not None and ("…" in value or "..." in value):
            raise ValueError("no '…' on a card: write the whole line / không dùng '…', viết trọn câu")
        return value

    def get(self, language: Language) -> str | None:
        return self.vi if language == "vi" else self.en


class ShortName(Text):
    """What a citizen would say, e.g. "Đăng ký khai sinh" / "Birth registration"."""

    vi: str = Field(min_length=1, max_length=SHORT_NAME_CHARS)
    en: str | None = Field(default=None, min_length=1, max_length=SHORT_NAME_CHARS)


class Variant(_Strict):
    """A less common case offered as a follow-up: when it applies and what to bring in addition."""

    when: Text
    documents: list[Text] = Field(min_length=1)


class Fee(_Strict):
    """The fee: an amount in đồng (0 = free) or null when the record gives none exactly, and words."""

    amount_vnd: int | None = Field(default=None, ge=0)
    vi: str = Field(min_length=1, max_length=LINE_CHARS)
    en: str | None = Field(default=None, min_length=1, max_length=LINE_CHARS)
    set_by_province: bool = False
    """True when the record says the province sets the fee (the words then say so)."""

    def get(self, language: Language) -> str | None:
        return self.vi if language == "vi" else self.en


class Where(Text):
    """Where to file: the words, and the catalogue field whose desk serves it (desk map in the bridge)."""

    desk_field: str | None = Field(default=None, description="Catalogue field for desk routing; default: the record's.")


class CardModel(_Strict):
    """One card as written in YAML."""

    code: str = Field(pattern=r"^\d\.\d{6}$")
    short_name: ShortName
    documents: list[Text] = Field(min_length=1)
    variants: list[Variant] = Field(default_factory=list)
    fee: Fee
    time: Text | None = None
    """None when the record gives no processing time (the card then says nothing about time)."""
    where: Where
    online: bool
    portal_url: str = Field(pattern=r"^https://")
    notes: list[Text] = Field(default_factory=list, max_length=2)
    staff_notes: list[Text] = Field(default_factory=list)
    """Staff knowledge not found in the record; shown as such and exempt from the record check."""
    source_hash: str = Field(pattern=r"^[0-9a-f]{16}$")
    """Hash of the record fields the card was written from (``record_hash``); a mismatch marks it stale."""

    def has_language(self, language: Language) -> bool:
        """True when every citizen-facing line has text in this language."""
        lines: list[Text | Fee] = [
            self.short_name,
            self.fee,
            self.where,
            *self.documents,
            *self.notes,
            *self.staff_notes,
        ]
        if self.time is not None:
            lines.append(self.time)
        for variant in self.variants:
            lines += [variant.when, *variant.documents]
        return all(line.get(language) for line in lines)


class CardFile(_Strict):
    cards: list[CardModel] = Field(default_factory=list)


@dataclass(frozen=True)
class Card:
    """One card in one language, ready for a reply (what ``AnswerCards.get`` returns)."""

    code: str
    language: Language
    short_name: str
    documents: tuple[str, ...]
    variants: tuple[tuple[str, tuple[str, ...]], ...]
    """(when, extra documents) pairs to offer as follow-ups."""
    fee: str
    fee_amount_vnd: int | None
    time: str | None
    where: str
    desk_field: str | None
    online: bool
    portal_url: str
    notes: tuple[str, ...]
    staff_notes: tuple[str, ...] = field(default=())
    """Staff knowledge, not from the record: a screen may show it labelled as such."""


def _in(model: CardModel, language: Language) -> Card:
    def text(line: Text | Fee) -> str:
        return line.get(language) or ""

    return Card(
        code=model.code,
        language=language,
        short_name=text(model.short_name),
        documents=tuple(text(d) for d in model.documents),
        variants=tuple((text(v.when), tuple(text(d) for d in v.documents)) for v in model.variants),
        fee=text(model.fee),
        fee_amount_vnd=model.fee.amount_vnd,
        time=text(model.time) if model.time else None,
        where=text(model.where),
        desk_field=model.where.desk_field,
        online=model.online,
        portal_url=model.portal_url,
        notes=tuple(text(n) for n in model.notes),
        staff_notes=tuple(text(n) for n in model.staff_notes),
    )


def _describe(exc: ValidationError, data: object, source: str) -> str:
    parts = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        code = "?"
        if len(loc) >= 2 and loc[0] == "cards" and isinstance(loc[1], int):
            try:
                code = str(data["cards"][loc[1]].get("code", "?"))  # type: ignore[index]
            except (KeyError, IndexError, TypeError, AttributeError):
                pass
            loc = loc[2:]
        where = ".".join(str(p) for p in loc) or "(card)"
        message = (
            "khóa không được phép / unknown key"
            if err.get("type") == "extra_forbidden"
            else ("thiếu / missing" if err.get("type") == "missing" else err.get("msg", ""))
        )
        parts.append(f"{source}: card {code}: {where}: {message}")
    return "\n".join(parts)


class _NotAMapping(ValueError):
    """A card file whose top level is not a mapping."""


@lru_cache(maxsize=64)
def _validated(text: str) -> tuple[CardModel, ...]:
    """A card file's text parsed and validated once per process: the bridge, the checker and each test's app read
    the same files. The text is the key, so an edited file is read again; the models are frozen, so sharing them is
    safe. Raises yaml.YAMLError, _NotAMapping or ValidationError (lru_cache keeps no failures).
    """
    data = load_yaml(text) or {}
    if not isinstance(data, dict):
        raise _NotAMapping
    return tuple(CardFile.model_validate(data).cards)


def load_file(path: Path) -> list[CardModel]:
    """Read and validate one card file; raise CardError listing every problem (file, card code, field)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        return list(_validated(text))
    except FileNotFoundError:
        raise CardError(f"{path}: không tìm thấy tệp / file not found") from None
    except yaml.YAMLError as exc:
        raise CardError(f"{path}: lỗi cú pháp YAML / YAML syntax error: {exc}") from None
    except _NotAMapping:
        raise CardError(f"{path}: phải là một bảng có 'cards' / must be a mapping with 'cards'") from None
    except ValidationError as exc:
        raise CardError(_describe(exc, load_yaml(text), Path(path).name)) from None


@dataclass(frozen=True)
class AnswerCards:
    """Every card, by procedure code."""

    cards: dict[str, CardModel]
    files: dict[str, str]
    """code -> file name the card came from (for messages)."""

    @classmethod
    def load(cls, path: Path) -> AnswerCards:
        """Load a folder of ``*.yaml`` card files (or one file); a code on two cards is an error."""
        path = Path(path)
        # REVIEWED.yaml is the record of the second reading (knowledge_base.cards.reviewed), not a card file.
        files = sorted(f for f in path.glob("*.yaml") if f.name != "REVIEWED.yaml") if path.is_dir() else [path]
        cards: dict[str, CardModel] = {}
        origin: dict[str, str] = {}
        problems: list[str] = []
        for file in files:
            try:
                models = load_file(file)
            except CardError as exc:
                problems.append(str(exc))
                continue
            for model in models:
                if model.code in cards:
                    problems.append(
                        f"{file.name}: card {model.code}: mã trùng / duplicate code (also in {origin[model.code]})"
                    )
                    continue
                cards[model.code] = model
                origin[model.code] = file.name
        if problems:
            raise CardError("\n".join(problems))
        return cls(cards, origin)

    def get(self, code: str, language: Language = "vi") -> Card | None:
        """The card in this language; None when there is no card or it is not (fully) written in it."""
        model = self.cards.get(code)
        if model is None or not model.has_language(language):
            return None
        return _in(model, language)

    def put(self, model: CardModel, file: str) -> None:
        """Replace or add one card in place: every holder of this object sees it at once (staff edits).

        A dict item assignment is atomic under the GIL, so a concurrent ``get`` sees the old card or the new one.
        """
        self.files[model.code] = file
        self.cards[model.code] = model

    def __len__(self) -> int:
        return len(self.cards)

    def __contains__(self, code: object) -> bool:
        return code in self.cards
