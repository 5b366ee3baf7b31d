"""Find personal names in citizen text: after "họ tên:"/"tên tôi là" cues, after honorifics, and capitalised runs.

Four rules, from sure to guessed:
- a *naming cue* ("Họ tên:", "tên tôi là", "tôi tên", "my name is") is followed by a name in any case:
  "Họ tên: Trần văn bình", "ten toi la nguyen van an";
- an *honorific* ("ông", "chị", "Mrs") or "tôi là"/"I am" is followed by a name when it is capitalised
  ("chị Lan"), starts with a family name ("ong nguyen van a") or is a frequent given name ("chị lan");
- a *capitalised run* of 2–5 words is a name when it starts with a family name ("Ngô Thị Lan"), holds "Văn"/"Thị",
  or is plain ASCII ("John Smith"); runs holding procedure words ("Giấy Chứng Nhận") and places are not;
- a lower-case family name with "văn"/"thị" after it is a name anywhere ("cho nguyễn văn an").
Typed without diacritics many words are ambiguous ("co" = cô/có/cơ, "le" = Lê/lệ): there the rules ask for an
unmistakable name, so a few lower-case unaccented names after "co"/"chi"/"ba" stay (the tests say which).
A name stops at punctuation, a digit, or a word that is never part of a name (words.yaml `not_names`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.privacy.words import Lexicon, default_lexicon
from knowledge_base.text import fold

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NAME_GAP = re.compile(r"[ \t\u00a0]{1,3}")
_CUE_GAP = re.compile(r"\s{0,3}[:：\-–]?\s{0,3}")
_COLON_GAP = re.compile(r"\s{0,3}[:：\-–=]\s{0,3}")
_HONORIFIC_GAP = re.compile(r"\.?[ \t\u00a0]{1,3}")

# Cues after which a name may be typed in any case; the second group needs a colon ("Họ tên: …", "Name - …").
_ANY_GAP_CUES = {
    ("ten", "la"),
    ("ten", "goi", "la"),
    ("ten", "day", "du", "la"),
    ("ho", "ten", "la"),
    ("ho", "va", "ten", "la"),
    ("my", "name", "is"),
    ("name", "is"),
    ("named",),
    ("my", "name's"),
    ("i", "am", "called"),
    ("ten", "khai", "sinh", "la"),
}
_COLON_CUES = {
    ("ho", "ten"),
    ("ho", "va", "ten"),
    ("ten",),
    ("name",),
    ("full", "name"),
    ("nguoi", "nop"),
    ("nguoi", "lien", "he"),
    ("nguoi", "yeu", "cau"),
    ("nguoi", "khai"),
    ("chu", "ho"),
    ("applicant",),
    ("nguoi", "de", "nghi"),
    ("ho", "ten", "nguoi", "nop"),
}
# "tôi là …", "I am …": a name only when capitalised or starting with a family name ("tôi là người cao tuổi").
_SPEAKER_CUES = {(s, "la") for s in ("toi", "tui", "em", "minh", "chau", "con", "to")} | {
    ("i", "am"),
    ("i'm",),
    ("im",),
    ("this", "is"),
    ("it's",),
}


fold_word = functools.lru_cache(maxsize=65536)(fold)  # words repeat; folding is the redactor's main cost


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    raw: str
    lower: str
    folded: str
    accented: bool
    capitalised: bool
    exact: bool  # compare with never-name words exactly: the word or its message carries diacritics


def split_words(text: str) -> list[Word]:
    """Letter words of `text` with their offsets (digits and punctuation are not words)."""
    matches = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    folded = [fold_word(raw) for _, _, raw in matches]
    lowers = [raw.lower() for _, _, raw in matches]
    # In a message typed with diacritics, "lan" is lan, not lần; in one typed without, it may be either.
    typed_with_accents = any(f != low for f, low in zip(folded, lowers))
    return [
        Word(start, end, raw, low, f, f != low, raw[0].isupper(), typed_with_accents or f != low)
        for (start, end, raw), f, low in zip(matches, folded, lowers)
    ]


class NameFinder:
    """Finds the (start, end) character spans of personal names in one text."""

    def __init__(self, lexicon: Lexicon | None = None):
        self.lex = lexicon or default_lexicon()
        self._any_gap_cues = _ANY_GAP_CUES | {
            ("ten", "<p>", "la"),
            ("ten", "cua", "<p>", "la"),
            ("<p>", "ten", "la"),
            ("<p>", "ten"),
        }
        cues = self._any_gap_cues | _COLON_CUES | _SPEAKER_CUES
        self._longest_cue = max(len(c) for c in cues)
        self._cue_ends = {c[-1] for c in cues}  # most words end no cue: one set lookup rules them out

    def spans(self, text: str) -> list[tuple[int, int]]:
        words = split_words(text)
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            end = self._name_at(text, words, i)
            if end > i:
                found.append((words[i].start, words[end - 1].end))
                i = end
            else:
                i += 1
        return found

    # -- one position ------------------------------------------------------------------------------------
    def _name_at(self, text: str, words: list[Word], i: int) -> int:
        cue = self._cue_before(text, words, i)
        w = words[i]
        if cue == "naming":
            if self._stops(w):
                return i
            limit = 5 if self._surname(w) else 4
            return self._extent(text, words, i, lowercase=True, max_words=limit, min_words=1)
        if cue in ("speaker", "honorific", "unsure honorific", "unsure"):
            if w.capitalised:
                if self._stops(w) and not self.lex.given_names.has(w.lower, w.folded, w.accented):
                    return i
                end = self._extent(text, words, i, lowercase=False, max_words=5, min_words=1, first_ok=True)
                return i if self._is_place(words[i:end]) else end
            if self._lower_surname_start(text, words, i, strict=cue.startswith("unsure")):
                return self._extent(text, words, i, lowercase=True, max_words=5, min_words=2)
            if cue in ("speaker", "unsure"):
                return i
            j = i  # "chị lan", "anh tuấn": frequent given names that are not also common words
            while (
                j < len(words)
                and j - i < 3
                and (j == i or self._gap_ok(text, words, j))
                and self.lex.given_names.has(words[j].lower, words[j].folded, words[j].accented)
                and not self._common(words[j])
            ):
                j += 1
            return j
        if w.capitalised and not self._stops(w):
            end = self._extent(text, words, i, lowercase=False, max_words=5, min_words=2)
            if end > i and self._looks_like_name(words[i:end]):
                return end
        elif self._marked_lower_name(text, words, i):  # "cho nguyễn văn an", no cue and no capitals
            return self._extent(text, words, i, lowercase=True, max_words=5, min_words=3)
        return i

    def _marked_lower_name(self, text: str, words: list[Word], i: int) -> bool:
        """Family name and "văn"/"thị" typed the same way (with or without diacritics), then a name part."""
        if i + 2 >= len(words) or not self._surname(words[i]):
            return False
        marker, part = words[i + 1], words[i + 2]
        same_typing = words[i].accented == marker.accented
        # Without diacritics "dinh van tai" may be "hiệp định vận tải": the family name must be unmistakable.
        unmistakable = words[i].accented or not (
            self._common(words[i]) or words[i].folded in self.lex.ambiguous_surnames
        )
        return (
            same_typing
            and unmistakable
            and self._gap_ok(text, words, i + 1)
            and self._gap_ok(text, words, i + 2)
            and self.lex.name_markers.has(marker.lower, marker.folded, marker.accented)
            and self.lex.name_parts.has(part.lower, part.folded, part.accented)
        )

    def _lower_surname_start(self, text: str, words: list[Word], i: int, *, strict: bool) -> bool:
        """A lower-case family name followed by a name part: "nguyen van a", "lê văn tám" — not "bà hồ sơ".

        `strict` after an honorific typed without diacritics that is mostly another word ("co", "ban", "di").
        """
        w = words[i]
        if not self._surname(w) or i + 1 >= len(words) or not self._gap_ok(text, words, i + 1):
            return False
        nxt = words[i + 1]
        if not self.lex.name_parts.has(nxt.lower, nxt.folded, nxt.accented):
            return False
        # There, a family name that is mostly another word ("doi" = đổi, "luong" = lương) needs "văn"/"thị" after it.
        if not strict or self.lex.name_markers.has(nxt.lower, nxt.folded, nxt.accented):
            return True
        return not self._common(w) and (w.accented or w.folded not in self.lex.ambiguous_surnames)

    def _looks_like_name(self, run: list[Word]) -> bool:
        if self._is_place(run):
            return False
        if self._surname(run[0]) or any(self.lex.name_markers.has(w.lower, w.folded, w.accented) for w in run[1:]):
            return True
        # Plain-ASCII capitalised words ("John Smith", "Lan Anh" typed without accents), not acronyms ("ODA").
        return all(not w.accented and w.lower.isascii() and not _acronym(w) for w in run)

    def _is_place(self, run: list[Word]) -> bool:
        return " ".join(w.folded for w in run) in self.lex.places

    # -- helpers -------------------------------------------------------------------------------------------
    def _cue_before(self, text: str, words: list[Word], i: int) -> str | None:
        """How the words before `i` introduce a name: "naming" (any case follows), "speaker" ("tôi là"),
        "honorific", or "unsure honorific"/"unsure" (an honorific or "tên" that is often something else)."""
        gap = text[words[i - 1].end : words[i].start] if i else ""
        prev = words[i - 1] if i else None
        ends_a_cue = prev is not None and (
            prev.folded in self._cue_ends or self.lex.pronouns.has(prev.lower, prev.folded, prev.accented)
        )
        for n in range(min(self._longest_cue, i) if ends_a_cue else 0, 0, -1):
            if not all(self._gap_ok(text, words, k) for k in range(i - n + 1, i)):
                continue
            window = words[i - n : i]
            seq = tuple(w.folded for w in window)
            with_pronouns = tuple(
                "<p>" if self.lex.pronouns.has(w.lower, w.folded, w.accented) else w.folded for w in window
            )
            if (seq in self._any_gap_cues or with_pronouns in self._any_gap_cues) and _CUE_GAP.fullmatch(gap):
                return "naming"
            if seq in _COLON_CUES and _COLON_GAP.fullmatch(gap):
                return "naming"
            if seq in _COLON_CUES and _NAME_GAP.fullmatch(gap):  # "ten hoang thi yen", but "sang tên đổi chủ"
                return "unsure"
            if seq in _SPEAKER_CUES and _CUE_GAP.fullmatch(gap):
                return "speaker"
        if prev is not None and _HONORIFIC_GAP.fullmatch(gap):
            if self.lex.honorifics.has(prev.lower, prev.folded, prev.accented):
                sure = prev.accented or prev.folded not in self.lex.ambiguous_honorifics
                return "honorific" if sure else "unsure honorific"
        return None

    def _extent(
        self,
        text: str,
        words: list[Word],
        i: int,
        *,
        lowercase: bool,
        max_words: int,
        min_words: int,
        first_ok: bool = False,
    ) -> int:
        j = i
        while j < len(words) and j - i < max_words:
            w = words[j]
            if j > i and not self._gap_ok(text, words, j):
                break
            # A single letter continues a name ("Nguyễn Văn A"); other never-name words end it.
            if not (first_ok and j == i) and not (j - i >= 2 and len(w.lower) == 1) and self._stops(w):
                break
            if not lowercase and not w.capitalised:
                break
            j += 1
        return j if j - i >= min_words else i

    def _stops(self, w: Word) -> bool:
        return self.lex.stops.has(w.lower, w.folded, w.exact)

    def _surname(self, w: Word) -> bool:
        return self.lex.surnames.has(w.lower, w.folded, w.accented)

    def _common(self, w: Word) -> bool:
        """Also an everyday word: "quan" typed without diacritics may be quận; "khai" is khai (sinh)."""
        return self.lex.common.has(w.lower, w.folded, w.exact)

    @staticmethod
    def _gap_ok(text: str, words: list[Word], j: int) -> bool:
        return bool(_NAME_GAP.fullmatch(text[words[j - 1].end : words[j].start]))


def _acronym(w: Word) -> bool:
    return w.raw.isupper() and len(w.raw) <= 4
