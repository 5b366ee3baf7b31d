"""Procedures that do two others at once: "đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con".

A citizen discussing one part who then names the other as still to do ("bé chưa làm giấy khai sinh" while a father
acknowledges his child) wants the combined procedure; one who says the other part's paper is already held ("cháu đã
có giấy khai sinh rồi") stays with the part being discussed, and one discussing the combined procedure who holds one
part's paper wants the other part alone. The pairs are read from the catalogue's names (two stems joined by "kết
hợp"), so a combined procedure staff add needs no list.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from knowledge_base.text import tokens
from knowledge_base.turn.siblings import SiblingIndex
from knowledge_base.turn.words import TurnWords

JOIN = " ket hop "


@lru_cache(maxsize=4)
def _pairs(index: SiblingIndex) -> dict[str, tuple[str, str]]:
    """Combined stem → its two part stems, for every combined procedure whose parts are ward procedures too. Read
    once per index (a staff edit builds a new one)."""
    pairs = {}
    for stem in index.stems:
        if JOIN in f" {stem} ":
            first, second = (part.strip() for part in f" {stem} ".split(JOIN, 1))
            if index.with_stem(first) and index.with_stem(second):
                pairs[stem] = (first, second)
    return pairs


def _member(index: SiblingIndex, stem: str, like: str) -> str:
    """The procedure of ``stem`` whose variant (foreign element, border area …) is that of ``like``."""
    wanted = index.values(like)

    def agreement(code: str) -> int:
        values = index.values(code)
        return sum(values.get(f) == v for f, v in wanted.items()) - sum(wanted.get(f) != v for f, v in values.items())

    return max(index.with_stem(stem), key=agreement)


def combined_move(index: SiblingIndex, words: TurnWords, text: str, current: str, decided: str) -> str | None:
    """The procedure the turn means when the conversation is about ``current`` and the turn alone would be about
    ``decided``, where the two are the parts of a combined procedure or one is the combined one; None when no
    combined procedure is involved."""
    current_stem, decided_stem = index.stem(current), index.stem(decided)
    for stem, (first, second) in _pairs(index).items():
        if {current_stem, decided_stem} == {first, second}:
            held = words.holds(text, decided_stem)
            return current if held else _member(index, stem, current)
        if current_stem == stem:
            for part, other in ((first, second), (second, first)):
                if words.holds(text, part):
                    return _member(index, other, current)
    return None


def combined_unsaid(index: SiblingIndex, text: str, decided: str) -> tuple[str, str] | None:
    """(``decided``, the combined procedure) when ``decided`` is the added part of a combined procedure (the part
    named second: "… kết hợp đăng ký nhận cha, mẹ, con") and the turn does not name the first part: acknowledging a
    child is done alone or together with the birth registration, and only the citizen knows which. The first part
    named alone ("đăng ký khai sinh") is that procedure."""
    decided_stem = index.stem(decided)
    said = f" {' '.join(tokens(text))} "
    for stem, (first, second) in _pairs(index).items():
        if decided_stem == second and f" {first} " not in said:
            return decided, _member(index, stem, decided)
    return None


def combined_held(index: SiblingIndex, words: TurnWords, text: str, decided: str, options: Sequence[str]) -> str | None:
    """The procedure meant by a turn that says whether the first part's paper is held, when the turn alone (or the
    choice it answers) is about a combined procedure or its parts: "bố muốn nhận con, bé đã có giấy khai sinh rồi"
    is the acknowledgement alone; "bé chưa có giấy khai sinh" answering "nhận con / khai sinh kết hợp nhận con" is
    the combined one. None when the turn says neither or no combined procedure is involved."""
    said = set(tokens(text))
    involved = {index.stem(c) for c in (decided, *options)}
    for stem, (first, second) in _pairs(index).items():
        if not involved & {stem, first, second}:
            continue
        second_words = set(second.split())
        if index.stem(decided) == first and not options and 2 * len(second_words & said) < len(second_words):
            continue  # the birth registration alone, its paper held: nothing about acknowledging a child
        held = words.holds(text, first)
        if held is None:
            continue
        target = second if held else stem
        in_options = [c for c in options if index.stem(c) == target]
        return in_options[0] if in_options else _member(index, target, decided)
    return None
