"""Staff-editable alias list: maps citizens' everyday words (sổ đỏ, hộ khẩu, CCCD...) to catalogue terms.

Each entry is validated by the pydantic `AliasEntryModel`; a broken file raises `AliasFileError` naming the file,
the entry (number, canonical, line) and every problem of that entry, Vietnamese first, then English.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails

from knowledge_base.data_file import SAFE_LOADER, load_yaml
from knowledge_base.text import clean, fold

DEFAULT_PATH = Path(__file__).parent / "data" / "aliases.yaml"
MAX_TEXT_CHARS = 120
MAX_NOTE_CHARS = 500
_KEYS = ("canonical", "aliases", "fields", "note")
_WORD = re.compile(r"[^\W_]+")
_END = ""  # trie key marking "a phrase ends here" (folded tokens are never empty)


class AliasFileError(ValueError):
    """The alias file (or an entry) is invalid. Message is Vietnamese first, then English."""

    def __init__(
        self,
        detail: str,
        *,
        entry_number: int | None = None,
        canonical: str | None = None,
        line: int | None = None,
        source: str | None = None,
    ) -> None:
        self.detail, self.entry_number, self.canonical = detail, entry_number, canonical
        self.line, self.source = line, source
        where = [source] if source else []
        if entry_number is not None:
            where.append(f"mục/entry #{entry_number}" + (f" ({canonical!r})" if canonical else ""))
        if line is not None:
            where.append(f"dòng/line {line}")
        super().__init__(f"{', '.join(where)}: {detail}" if where else detail)

    def located(self, *, source: str, line: int | None = None) -> AliasFileError:
        """The same error with the file name (and the entry's line when not yet known) filled in."""
        return AliasFileError(
            self.detail,
            entry_number=self.entry_number,
            canonical=self.canonical,
            line=self.line if self.line is not None else line,
            source=source,
        )


class AliasConflictError(AliasFileError):
    """Two entries claim one phrase (or one canonical): one phrase can mean only one thing."""

    def __init__(self, detail: str, *, phrase: str, other: str, **where: Any) -> None:
        self.phrase, self.other = phrase, other
        """The phrase both entries claim, and the canonical of the entry that already holds it."""
        super().__init__(detail, **where)


@dataclass(frozen=True)
class AliasEntry:
    """One canonical catalogue phrase and the everyday words that mean it."""

    canonical: str
    """Phrase as it appears in official procedure names, e.g. 'giấy chứng nhận quyền sử dụng đất'."""
    aliases: tuple[str, ...]
    """Colloquial, regional, outdated or English words for it, e.g. ('sổ đỏ', 'land title')."""
    fields: tuple[str, ...] = ()
    """Catalogue fields (lĩnh vực) the phrase usually concerns; informational."""
    note: str = ""
    """Free text for staff."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"canonical": self.canonical, "aliases": list(self.aliases)}
        if self.fields:
            data["fields"] = list(self.fields)
        if self.note:
            data["note"] = self.note
        return data

    @classmethod
    def from_dict(cls, data: Any, *, entry_number: int | None = None, line: int | None = None) -> AliasEntry:
        """Validate one raw entry (as read from YAML/JSON) with ``AliasEntryModel``; raises AliasFileError naming
        every problem of the entry."""
        label = data.get("canonical") if isinstance(data, dict) else None
        where = {"entry_number": entry_number, "line": line, "canonical": label if isinstance(label, str) else None}
        try:
            model = AliasEntryModel.model_validate(data)
        except ValidationError as exc:
            raise AliasFileError("; ".join(_problem(error) for error in exc.errors()), **where) from None
        return cls(model.canonical, tuple(dict.fromkeys(model.aliases)), tuple(model.fields), model.note or "")


def _checked_text(value: str, name: str, max_chars: int) -> str:
    """The text with spaces cleaned; ValueError (the staff-facing message) when empty, too long or wordless."""
    value = clean(value)
    if not value:
        raise ValueError(f"'{name}' đang trống / is empty")
    if len(value) > max_chars:
        raise ValueError(f"'{name}' quá dài / is too long ({len(value)} > {max_chars} chars)")
    if name != "note" and not _WORD.search(value):
        raise ValueError(f"'{name}' {value!r} không có chữ hoặc số / has no letters or digits")
    return value


class AliasEntryModel(BaseModel):
    """One entry of the alias file as written. Strict: YAML's unquoted ``no`` or ``113`` is not text here, so a
    staff member is told to quote it rather than having it turned into 'False' or '113' silently."""

    model_config = ConfigDict(extra="forbid", strict=True)

    canonical: str
    aliases: list[str] = Field(min_length=1)
    fields: list[str] = Field(default_factory=list)
    note: str | None = ""

    @field_validator("canonical")
    @classmethod
    def _canonical(cls, value: str) -> str:
        return _checked_text(value, "canonical", MAX_TEXT_CHARS)

    @field_validator("aliases", "fields")
    @classmethod
    def _phrases(cls, values: list[str], info: ValidationInfo) -> list[str]:
        return [_checked_text(value, str(info.field_name), MAX_TEXT_CHARS) for value in values]

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str:
        return "" if not value else _checked_text(value, "note", MAX_NOTE_CHARS)

    @model_validator(mode="after")
    def _aliases_differ_from_the_canonical(self) -> AliasEntryModel:
        canonical_key = _phrase_key(self.canonical)
        for alias in self.aliases:
            if _phrase_key(alias) == canonical_key:
                raise ValueError(f"alias {alias!r} trùng với canonical / is the same as its canonical")
        return self


def _problem(error: ErrorDetails) -> str:
    """One pydantic error of an entry in the alias file's words (Vietnamese, then English)."""
    kind, loc, value = error["type"], error["loc"], error.get("input")
    name = str(loc[0]) if loc else ""
    if kind in ("model_type", "dict_type"):
        return (
            "mỗi mục phải là một bảng có 'canonical' và 'aliases' / each entry must be a "
            f"mapping with 'canonical' and 'aliases' (got {_kind(value)})"
        )
    if kind == "extra_forbidden":
        return f"khóa không hợp lệ / unknown key {name!r}; allowed: {list(_KEYS)}"
    if kind == "missing" and name == "aliases":
        return "thiếu danh sách 'aliases' / missing 'aliases' list"
    if kind == "missing" or (kind == "string_type" and len(loc) == 1):
        got = "nothing" if kind == "missing" else _kind(value)
        return f"'{name}' phải là chữ / must be text (got {got}); put it in quotes if needed"
    if kind == "string_type":
        item = int(loc[1]) + 1
        return f"'{name}' item {item} phải là chữ / must be text (got {_kind(value)}: {value!r}); put it in quotes"
    if kind == "list_type":
        return f"'{name}' phải là danh sách [a, b] / must be a list like [a, b] (got {_kind(value)})"
    if kind == "too_short":
        return f"'{name}' không được rỗng / must not be empty"
    return str(error["msg"]).removeprefix("Value error, ")


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


@lru_cache(maxsize=65536)
def _token_info(raw: str) -> tuple[str, tuple[str, ...] | None]:
    """(folded token, sorted tone/vowel marks or None when typed without any accents)."""
    folded = fold(raw)
    if folded == raw:
        return folded, None
    marks = tuple(sorted(ch for ch in unicodedata.normalize("NFD", raw) if unicodedata.combining(ch)))
    return folded, marks


def _words(text: str) -> list[str]:
    return _WORD.findall(clean(text).lower())


def _phrase_key(text: str) -> tuple[str, ...]:
    return tuple(_token_info(word)[0] for word in _words(text))


class AliasTable:
    """Finds alias phrases in a query and returns the matching entries (longest, non-overlapping matches).

    Matching is on accent-folded words, so 'so do', 'Sổ Đỏ' and 'SỔ ĐỎ' all hit 'sổ đỏ'. When the user
    did type accents, they must agree with the alias ('hồ sơ đó' does not hit 'sổ đỏ').
    """

    def __init__(self, entries: Iterable[AliasEntry | dict]) -> None:
        """Validate and index entries (AliasEntry objects or dicts, e.g. from a staff edit); AliasFileError if bad."""
        self._entries = tuple(_checked(entry, number) for number, entry in enumerate(entries, start=1))
        self._trie: dict = {}
        owner: dict[tuple[str, ...], int] = {}
        canonicals: dict[tuple[str, ...], int] = {}
        for index, entry in enumerate(self._entries):
            first = canonicals.setdefault(_phrase_key(entry.canonical), index)
            if first != index:
                raise AliasConflictError(
                    f"canonical đã có ở mục #{first + 1}, hãy gộp aliases vào đó / canonical "
                    f"already used by entry #{first + 1}; merge the aliases into it",
                    phrase=entry.canonical,
                    other=self._entries[first].canonical,
                    entry_number=index + 1,
                    canonical=entry.canonical,
                )
            for phrase in (entry.canonical, *entry.aliases):
                words = _words(phrase)
                key = tuple(_token_info(word)[0] for word in words)
                previous = owner.setdefault(key, index)
                if previous != index:  # canonicals are unique, so another entry means another meaning
                    other = self._entries[previous]
                    raise AliasConflictError(
                        f"{phrase!r} đã thuộc mục #{previous + 1} ({other.canonical!r}) / already maps to "
                        f"entry #{previous + 1} ({other.canonical!r}); one phrase can mean only one canonical",
                        phrase=phrase,
                        other=other.canonical,
                        entry_number=index + 1,
                        canonical=entry.canonical,
                    )
                node = self._trie
                for folded in key:
                    node = node.setdefault(folded, {})
                node.setdefault(_END, []).append((tuple(_token_info(w)[1] for w in words), index))

    @classmethod
    def load(cls, path: str | Path | None = None) -> AliasTable:
        """Read and validate the YAML alias file (default: the committed knowledge_base/data/aliases.yaml)."""
        path = Path(path) if path is not None else DEFAULT_PATH
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise AliasFileError("không tìm thấy tệp / file not found", source=str(path)) from None
        except UnicodeDecodeError as error:
            raise AliasFileError(
                f"tệp không phải UTF-8 / file is not UTF-8 ({error.reason})", source=str(path)
            ) from None
        return cls.parse(text, source=str(path))

    @classmethod
    def parse(cls, text: str, *, source: str = "<aliases>") -> AliasTable:
        """Validate YAML text in the alias file format (used by load and by staff uploads).

        A table never changes once built, so the same text from the same source gives the same table: the services,
        checkers and tests that read the committed file build it once per process.
        """
        return _parsed_table(text, source)

    @classmethod
    def _parse(cls, text: str, source: str) -> AliasTable:
        loader = SAFE_LOADER(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            raise AliasFileError(
                f"lỗi cú pháp YAML / YAML syntax error: {problem}"
                + (f" (cột/column {mark.column + 1})" if mark else ""),
                line=mark.line + 1 if mark else None,
                source=source,
            ) from None
        finally:
            loader.dispose()
        if not isinstance(data, list):
            raise AliasFileError(
                "tệp phải là danh sách các mục bắt đầu bằng '- canonical:' / the file must be "
                f"a list of entries starting with '- canonical:' (got {_kind(data)})",
                source=source,
            )
        lines = [node.start_mark.line + 1 for node in root.value] if isinstance(root, yaml.SequenceNode) else []
        try:
            return cls(data)
        except AliasFileError as error:
            number = error.entry_number or 0
            raise error.located(source=source, line=lines[number - 1] if 0 < number <= len(lines) else None) from None

    @property
    def entries(self) -> tuple[AliasEntry, ...]:
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def expand(self, text: str) -> list[AliasEntry]:
        """Entries whose alias or canonical occurs in the text, in order of appearance, without repeats."""
        words = [_token_info(word) for word in _words(text)]
        candidates = []
        for start in range(len(words)):
            node = self._trie
            for end in range(start, len(words)):
                node = node.get(words[end][0])
                if node is None:
                    break
                for alias_marks, index in node.get(_END, ()):
                    if all(_accents_agree(words[start + i][1], marks) for i, marks in enumerate(alias_marks)):
                        candidates.append((start, end + 1, index))
        taken = [False] * len(words)
        chosen = []
        for start, end, index in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                chosen.append((start, index))
        ordered = dict.fromkeys(index for _, index in sorted(chosen))
        return [self._entries[index] for index in ordered]

    def expansion_text(self, text: str) -> str:
        """Canonical phrases of the matched entries, space-joined, to append to a search query."""
        return " ".join(dict.fromkeys(entry.canonical for entry in self.expand(text)))

    def to_yaml(self, header: str | None = None) -> str:
        """The table in the file format, e.g. to save a staff edit; header defaults to the committed file's."""
        if header is None:
            header = _leading_comments(DEFAULT_PATH.read_text(encoding="utf-8")) if DEFAULT_PATH.is_file() else ""
        out = [header.rstrip("\n") + "\n"] if header.strip() else []
        for entry in self._entries:
            out.append(f"- canonical: {_yaml_scalar(entry.canonical)}")
            out.append(f"  aliases: [{', '.join(_yaml_scalar(alias) for alias in entry.aliases)}]")
            if entry.fields:
                out.append(f"  fields: [{', '.join(_yaml_scalar(field) for field in entry.fields)}]")
            if entry.note:
                out.append(f"  note: {json.dumps(entry.note, ensure_ascii=False)}")
        return "\n".join(out) + "\n"


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if (line.strip() and not line.startswith("#")) or line.startswith("# ---"):  # entries or a section title
            break
        lines.append(line)
    return "\n".join(lines)


def _yaml_scalar(text: str) -> str:
    """Plain when YAML reads it back unchanged inside [ ], else double-quoted (JSON strings are valid YAML)."""
    try:
        if load_yaml(f"[{text}]") == [text]:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)


@lru_cache(maxsize=8)
def _parsed_table(text: str, source: str) -> AliasTable:
    return AliasTable._parse(text, source)


def _checked(entry: AliasEntry | dict, number: int) -> AliasEntry:
    """Run the file's validation on an entry built in code, so a table is always consistent."""
    if isinstance(entry, AliasEntry):
        entry = {
            "canonical": entry.canonical,
            "aliases": _as_list(entry.aliases),
            "fields": _as_list(entry.fields),
            "note": entry.note,
        }
    return AliasEntry.from_dict(entry, entry_number=number)


def _as_list(value: Any) -> Any:
    return list(value) if isinstance(value, (tuple, list)) else value


def _accents_agree(typed: tuple[str, ...] | None, alias: tuple[str, ...] | None) -> bool:
    """Unaccented input (or an unaccented alias) matches any accents; otherwise the marks must be the same."""
    return typed is None or alias is None or typed == alias
