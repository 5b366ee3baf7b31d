"""Text for the kiosk voice: keep diacritics, say numbers, codes, dates, times, money and tickets as words."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Annotated

from pydantic import RootModel, StringConstraints

from kiosk.numbers_vi import DIGITS, digit_words, number_words
from knowledge_base.data_file import read_model
from knowledge_base.text import clean, has_diacritics

DEFAULT_ABBREVIATIONS_PATH = Path(__file__).with_name("data") / "speech_abbreviations.yaml"
LETTER_NAMES = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "Đ": "đê",
    "E": "e",
    "F": "ép",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "J": "gi",
    "K": "ca",
    "L": "e lờ",
    "M": "em mờ",
    "N": "en nờ",
    "O": "o",
    "P": "pê",
    "Q": "quy",
    "R": "e rờ",
    "S": "ét xì",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích xì",
    "Y": "i dài",
    "Z": "dét",
}
MONTHS = {1: "một", 4: "tư"}


class AbbreviationsError(ValueError):
    """The abbreviations file is not a mapping of short forms to non-empty text."""


Abbreviations = RootModel[
    dict[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)],
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)],
    ]
]
"""speech_abbreviations.yaml: `SHORT: full words` lines, both sides non-empty text."""


def load_abbreviations(path: Path = DEFAULT_ABBREVIATIONS_PATH) -> dict[str, str]:
    """Short forms and the words the voice says for them; AbbreviationsError naming the file and entry if wrong."""
    return read_model(path, Abbreviations, AbbreviationsError).root


def _spell(token: str) -> str:
    """Letters by their Vietnamese names, digits one by one: 'A012' -> 'a không một hai'."""
    words = [LETTER_NAMES.get(ch.upper(), ch) if not ch.isdigit() else DIGITS[int(ch)] for ch in token if ch.isalnum()]
    return " ".join(words)


def _date(day: int, month: int, year: int | None) -> str | None:
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    words = f"ngày {number_words(day)} tháng {MONTHS.get(month, number_words(month))}"
    return words + (f" năm {number_words(year)}" if year is not None else "")


def _time(hour: int, minute: int) -> str | None:
    if not (0 <= hour <= 24 and 0 <= minute <= 59):
        return None
    return f"{number_words(hour)} giờ" + (f" {number_words(minute)} phút" if minute else "")


def _grouped_number(text: str) -> int:
    return int(text.replace(".", ""))


Rewrite = Callable[[re.Match[str]], str | None]
"""A rule's rewrite of one match: the words to say, or None to leave the match as written."""

_RULES: list[tuple[re.Pattern[str], Rewrite]] = []


def _rule(pattern: str) -> Callable[[Rewrite], Rewrite]:
    def register(func: Rewrite) -> Rewrite:
        _RULES.append((re.compile(pattern), func))
        return func

    return register


@_rule(r"(?<![\d/])(ngày\s+)?(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
def _dmy(m: re.Match[str]) -> str | None:
    return _date(int(m[2]), int(m[3]), int(m[4]))


@_rule(r"(?<![\d-])(ngày\s+)?(\d{4})-(\d{2})-(\d{2})(?![\d-])")
def _iso(m: re.Match[str]) -> str | None:
    return _date(int(m[4]), int(m[3]), int(m[2]))


@_rule(r"(?<![\d/])(ngày\s+)(\d{1,2})/(\d{1,2})(?![\d/])")
def _dm(m: re.Match[str]) -> str | None:
    return _date(int(m[2]), int(m[3]), None)


@_rule(r"(?<![\d:.,])(\d{1,2})\s*(?::|h|giờ\s*)(\d{2})(?:\s*phút)?(?![\d:])")
def _hm(m: re.Match[str]) -> str | None:
    return _time(int(m[1]), int(m[2]))


@_rule(r"(?<![\w.])(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:đồng|VNĐ|VND|đ)(?!\w)")
def _money(m: re.Match[str]) -> str:
    return f"{number_words(_grouped_number(m[1]))} đồng"


@_rule(r"(?<![\w.])(\d+(?:,\d+)?)\s*%")
def _percent(m: re.Match[str]) -> str:
    whole, _, fraction = m[1].partition(",")
    words = number_words(int(whole)) + (f" phẩy {digit_words(fraction)}" if fraction else "")
    return f"{words} phần trăm"


@_rule(r"(?<![\w.])(\d)\.(\d{6})(?!\w|\.\w)")
def _procedure_code(m: re.Match[str]) -> str:
    return f"{DIGITS[int(m[1])]} chấm {digit_words(m[2])}"


@_rule(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+)(?![\w.,]\d)")
def _thousands(m: re.Match[str]) -> str:
    return number_words(_grouped_number(m[1]))


@_rule(r"(?<![\w.,])(\d+),(\d+)(?![\w.,]\d)")
def _decimal(m: re.Match[str]) -> str:
    return f"{number_words(int(m[1]))} phẩy {digit_words(m[2])}"


@_rule(r"(?<![\w.\-/])(?=[\w.\-/]*\d)(\w+(?:[.\-/]\w+)+)(?![\w.\-/]*\w)")
def _dotted_codes(m: re.Match[str]) -> str:
    """Codes such as 000.00.20.H26-250801-0001 or TK1-TS: part by part, digits one at a time."""
    joiners = {".": "chấm", "-": "gạch", "/": "trên"}
    return " ".join(joiners.get(part) or _spell(part) for part in re.split(r"([.\-/])", m[1]) if part)


@_rule(r"(?<![\w.])([A-ZĐ]{1,3}\d{1,4}|\d{1,4}[A-ZĐ]{1,3})(?!\w|\.\w)")
def _letters_and_digits(m: re.Match[str]) -> str:
    return _spell(m[1])


@_rule(r"(?<![\w.,])(0\d{6,11}|\d{7,})(?!\w|[.,]\w)")
def _digit_strings(m: re.Match[str]) -> str:
    return digit_words(m[1])


@_rule(r"(?<!\w)(\d+)(?!\w)")
def _integer(m: re.Match[str]) -> str:
    return number_words(int(m[1]))


_MARKUP = re.compile(r"[*_#`>|•▪►]+|\[(.*?)\]\((?:.*?)\)|https?://\S+")
_RANGE = re.compile(r"(?<=\d)(?:\s*[–—]\s*|\s+-\s+)(?=\d)")
_WORD_SLASH = re.compile(r"(?<=[^\W\d])/(?=[^\W\d])")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)])")
_SPACE_AFTER_PAREN = re.compile(r"\(\s+")


def speakable(text: str, *, abbreviations: Mapping[str, str] | None = None) -> str:
    """Rewrite reply text so espeak-ng's Vietnamese voice reads it naturally; diacritics are kept."""
    text = _MARKUP.sub(lambda m: m[1] or " ", clean(text))
    text = _RANGE.sub(" đến ", text)
    text = _WORD_SLASH.sub(", ", text)
    for short, full in (abbreviations if abbreviations is not None else _default_abbreviations()).items():
        text = re.sub(
            rf"(?<!\w){re.escape(short)}(?!\w)" if short[-1].isalnum() else rf"(?<!\w){re.escape(short)}",
            full + " " if not short[-1].isalnum() else full,
            text,
        )
    for pattern, rewrite in _RULES:
        text = pattern.sub(partial(_apply, rewrite), text)
    return _SPACE_AFTER_PAREN.sub("(", _SPACE_BEFORE_PUNCT.sub(r"\1", clean(text)))


def vietnamese_part(text: str) -> str:
    """Drop English halves of bilingual lines ('Xin lỗi… / Sorry…'): the Vietnamese voice cannot read English."""
    kept = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split(" / ")]
        vietnamese = [part for part in parts if has_diacritics(part) or not _looks_english(part)]
        kept.append(" / ".join(vietnamese) if vietnamese else line)
    return "\n".join(kept)


def _looks_english(part: str) -> bool:
    words = re.findall(r"[A-Za-z]+", part)
    return len(words) >= 2 and not has_diacritics(part)


def _apply(rewrite: Rewrite, match: re.Match[str]) -> str:
    spoken = rewrite(match)
    return f" {spoken} " if spoken is not None else match[0]


_ABBREVIATIONS: dict[str, str] | None = None


def _default_abbreviations() -> dict[str, str]:
    global _ABBREVIATIONS
    if _ABBREVIATIONS is None:
        _ABBREVIATIONS = load_abbreviations()
    return _ABBREVIATIONS
