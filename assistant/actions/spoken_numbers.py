"""Numbers said as words, the way citizens speak them: digit by digit ("một hai ba bốn", "one two three four")
and small whole numbers ("bảy mươi tám", "tám mươi hai", "seventy eight").

Works on accent-folded tokens (``knowledge_base.text.tokens``), so "bốn" and "bon" read the same. Many digit
words are also ordinary words once folded ("ba" grandmother, "nam" year, "tam" temporary), so callers only
trust runs of several digit words, or a number right before a unit word such as "tuổi".
"""

from __future__ import annotations

DIGIT_WORDS: dict[str, int] = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "zero": 0,
    "oh": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_EN_TENS = {"twenty": 2, "thirty": 3, "forty": 4, "fifty": 5, "sixty": 6, "seventy": 7, "eighty": 8, "ninety": 9}
_TEN_WORDS = ("muoi", "chuc")


def digit_of(token: str) -> int | None:
    """The digit a single token stands for ("7", "bảy"/"bay", "seven"), else None."""
    if len(token) == 1 and token.isdigit():
        return int(token)
    return DIGIT_WORDS.get(token)


def digit_runs(words: list[str]) -> list[str]:
    """Maximal runs of single digits said one by one: ["so", "mot", "hai", "3", "bon"] → ["1234"]."""
    runs, current = [], ""
    for word in words + [""]:
        digit = digit_of(word) if word else None
        if digit is not None:
            current += str(digit)
            continue
        if current:
            runs.append(current)
        current = ""
    return runs


def number_before(words: list[str], index: int) -> int | None:
    """The whole number said just before ``words[index]`` ("82 tuổi", "tám mươi hai tuổi", "seventy eight
    years"), else None."""
    if index <= 0:
        return None
    previous = words[index - 1]
    if previous.isdigit():
        return int(previous)
    window = words[max(0, index - 3) : index]
    # Vietnamese: <tens digit> mươi [<unit digit>]
    for start in range(len(window)):
        part = window[start:]
        if len(part) >= 2 and part[1] in _TEN_WORDS and digit_of(part[0]):
            tens = digit_of(part[0]) * 10
            if len(part) == 2:
                return tens
            unit = {"mot": 1, "tu": 4, "lam": 5}.get(part[2], digit_of(part[2]))
            if len(part) == 3 and unit is not None:
                return tens + unit
    # English: <tens word> [<unit word>]
    for start in range(len(window)):
        part = window[start:]
        if part and part[0] in _EN_TENS and len(part) <= 2:
            unit = DIGIT_WORDS.get(part[1], None) if len(part) == 2 else 0
            if unit is not None:
                return _EN_TENS[part[0]] * 10 + unit
    return None
