"""Vietnamese number words: 105 -> 'một trăm linh năm', 21 -> 'hai mươi mốt', digit-by-digit reading."""

from __future__ import annotations

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu", "tỷ"]


def _below_hundred(value: int, *, in_group: bool) -> list[str]:
    tens, units = divmod(value, 10)
    if tens == 0:
        if units == 0:
            return []
        return ["linh", DIGITS[units]] if in_group else [DIGITS[units]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _group(value: int, *, leading: bool) -> list[str]:
    hundreds, rest = divmod(value, 100)
    if leading and hundreds == 0:
        return _below_hundred(rest, in_group=False)
    words = [DIGITS[hundreds], "trăm"]
    return words + _below_hundred(rest, in_group=True)


def number_words(value: int) -> str:
    """Cardinal number in Vietnamese words (negative numbers get 'âm')."""
    if value < 0:
        return "âm " + number_words(-value)
    if value == 0:
        return "không"
    if value >= 10**12:
        return digit_words(str(value))
    groups: list[int] = []
    while value:
        value, group = divmod(value, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _group(group, leading=not words)
        if _SCALES[index]:
            words.append(_SCALES[index])
    return " ".join(words)


def digit_words(digits: str) -> str:
    """Read a digit string one digit at a time: '0912' -> 'không chín một hai'."""
    return " ".join(DIGITS[int(ch)] for ch in digits if ch.isdigit())
