"""The card validator: every document, fee and time on a card must be found in its catalogue record.

A card line is "in the record" when, after accent folding, at least ``TOKEN_SHARE`` of its key words occur in the
record's documents/channels/steps text (mostly within one item) and at least ``PAIR_SHARE`` of its adjacent key-word
pairs occur there too (so a paraphrase passes, a document the record never mentions does not). Numbers in fees and
times must appear in the record's channels. Lines a writer knows from practice but cannot point to in the record go
under ``staff_notes``, which are exempt. A card whose record changed since it was written (``source_hash``) is reported
as stale. The report also counts the cards a second reader has checked (``REVIEWED.yaml``, see
``knowledge_base.cards.reviewed``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from knowledge_base.cards.model import AnswerCards, CardModel, Text
from knowledge_base.cards.reviewed import ReviewEntry
from knowledge_base.catalogue.record import Procedure
from knowledge_base.text import fold

TOKEN_SHARE = 0.85
PAIR_SHARE = 0.6
# Function words that carry no meaning on their own (accent-folded).
STOPWORDS = frozenset(
    "cua va hoac cac co the neu la cho de theo voi tai trong mot nhung duoc do o ve phai khi nay kem "
    "nguoi thi ma da se tu den nhu sau tren duoi vao ra con hay moi bang cung".split()
)
# Words of a time line that are units, not facts (accent-folded).
TIME_WORDS = frozenset("ngay lam viec gio tuan thang ke tu khi nhan du ho so hop le trong vong ngay".split())
HEADER = re.compile(r"(:\s*$)|^(mot trong (cac|nhung) giay to|luu y\b)")
_NUMBER = re.compile(r"\d+(?:[.,]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[0-9a-z]+")
# A processing time a citizen can use ("15 Ngày làm việc", "8 Giờ"); a bare "1" in the record has no unit.
_TIME_WITH_UNIT = re.compile(r"\d+\s*(ngay|gio|thang|tuan|phut)")


# Abbreviations the catalogue uses (accent-folded) and their words, expanded on both sides before comparing.
ABBREVIATIONS = {
    "bhxh": "bao hiem xa hoi",
    "bhyt": "bao hiem y te",
    "bhtn": "bao hiem that nghiep",
    "tnld": "tai nan lao dong",
    "bnn": "benh nghe nghiep",
    "nld": "nguoi lao dong",
    "sdld": "su dung lao dong",
    "knld": "kha nang lao dong",
    "gdyk": "giam dinh y khoa",
    "kcb": "kham chua benh",
    "dsphsk": "duong suc phuc hoi suc khoe",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "cccd": "can cuoc cong dan",
    "cmnd": "chung minh nhan dan",
    "gcn": "giay chung nhan",
    "qsdd": "quyen su dung dat",
    "pttgsh": "phuong tien tro giup sinh hoat",
    "tnxp": "thanh nien xung phong",
    "kbnn": "kho bac nha nuoc",
    "cnht": "cong nghiep ho tro",
    "nsnn": "ngan sach nha nuoc",
    "nnt": "nguoi nop thue",
    "tncn": "thu nhap ca nhan",
    "tndn": "thu nhap doanh nghiep",
    "gtgt": "gia tri gia tang",
}


def tokens(text: str) -> list[str]:
    """Accent-folded words with abbreviations spelled out ("NLĐ" -> nguoi lao dong; "sao/tóm" -> sao, tom)."""
    words: list[str] = []
    for word in _WORD.findall(fold(text)):
        words += ABBREVIATIONS.get(word, word).split()
    return words


@dataclass(frozen=True)
class Finding:
    """One problem on one card; ``level`` is "error" (fails the check) or "warning"."""

    level: str
    code: str
    field: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{self.level.upper()} {where}card {self.code}: {self.field}: {self.message}"


def record_hash(procedure: Procedure) -> str:
    """Hash of the record fields a card is written from (name, documents, channels, portal link)."""
    data = {
        "name": procedure.name,
        "source_url": procedure.source_url,
        "documents": [d.to_dict() for d in procedure.documents],
        "channels": [c.to_dict() for c in procedure.channels],
    }
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


class RecordText:
    """The folded words and word pairs of a record's documents/channels text (and, for notes, all of it).

    Each document (group, name, form, copies) and each channel is one part; a line's key words must mostly
    occur within one part, so words picked from unrelated items do not make up a document.
    """

    def __init__(self, parts: Iterable[str]):
        parts = list(parts)
        words: list[str] = []
        self.part_words: list[set[str]] = []
        for part in parts:
            keys = [w for w in tokens(part) if w not in STOPWORDS]
            self.part_words.append(set(keys))
            words += keys + ["|"]  # no pair across two parts
        self.words = set(words)
        self.pairs = set(zip(words, words[1:]))
        self.numbers = {_digits(n) for part in parts for n in _NUMBER.findall(part)}

    @classmethod
    def of(cls, procedure: Procedure, *, everything: bool = False) -> RecordText:
        parts = [" ".join((d.group, d.name, d.form, d.copies)) for d in procedure.documents]
        parts += [" ".join((c.label, c.processing_time, c.fee, c.description)) for c in procedure.channels]
        parts += list(procedure.steps)  # steps often say what to show at the desk ("xuất trình ...")
        if everything:
            parts += [procedure.name, procedure.conditions, procedure.result]
        return cls([p for p in parts if p])

    def contains(self, line: str) -> tuple[bool, str]:
        """Whether the line's key words are in this text; the reason when not."""
        keys = [w for w in tokens(line) if w not in STOPWORDS]
        if not keys:
            return True, ""
        missing = [w for w in keys if w not in self.words]
        pairs = list(zip(keys, keys[1:]))
        found_pairs = sum(1 for p in pairs if p in self.pairs)
        if len(keys) - len(missing) < TOKEN_SHARE * len(keys):
            return False, f"words not in the record: {', '.join(missing)}"
        best = max((len(set(keys) & part) for part in self.part_words), default=0)
        if best < TOKEN_SHARE * len(set(keys)):
            return False, "its words are spread over several record items, not found together in one"
        if pairs and found_pairs < PAIR_SHARE * len(pairs):
            return False, f"only {found_pairs}/{len(pairs)} word pairs found in the record"
        return True, ""


def _digits(number: str) -> str:
    """'25.000' -> '25000', '03' -> '3'."""
    return re.sub(r"[.,]", "", number).lstrip("0") or "0"


def _check_fee(card: CardModel, procedure: Procedure, channels: RecordText) -> list[str]:
    fee = card.fee
    amounts = {c.fee_amount_vnd for c in procedure.channels}
    fee_text = fold(" ".join(c.fee + " " + c.description for c in procedure.channels))
    problems = []
    if fee.amount_vnd == 0 and 0 not in amounts and not re.search(r"mien|khong (thu|mat|phai nop)", fee_text):
        problems.append("free (0) but the record does not say the procedure is free")
    if fee.amount_vnd and fee.amount_vnd not in amounts and str(fee.amount_vnd) not in channels.numbers:
        problems.append(f"amount {fee.amount_vnd} is not among the record's fees")
    if (
        fee.set_by_province
        and not any(c.fee_set_by_province for c in procedure.channels)
        and not re.search(r"tinh|hdnd|hoi dong nhan dan", fee_text)
    ):
        problems.append("set by the province, but the record does not say so")
    positive = {a for a in amounts if a}
    if fee.amount_vnd is None and not fee.set_by_province:
        if positive:
            problems.append(f"no amount on the card, but the record gives {sorted(positive)} đồng")
        elif any(c.fee.strip() for c in procedure.channels):  # the words must then come from the record
            ok, why = channels.contains(fee.vi)
            if not ok:
                problems.append(f"{fee.vi!r}: {why}")
    for number in _NUMBER.findall(fee.vi):
        if _digits(number) not in channels.numbers and int(_digits(number) or 0) != fee.amount_vnd:
            problems.append(f"number {number} in the fee words is not in the record's channels")
    return problems


def _check_time(card: CardModel, procedure: Procedure, channels: RecordText) -> list[str]:
    if card.time is None:
        return []
    line = card.time.vi
    sources = [c.processing_time + " " + c.description for c in procedure.channels if c.processing_time.strip()]
    sources += [s for s in procedure.steps if re.search(r"\d+\s+ngày", s)]  # "trong thời hạn 03 ngày làm việc"
    if not sources:
        return [f"{line!r}: the record gives no processing time (leave time out, or put it in staff_notes)"]
    numbers = {_digits(n) for text in sources for n in _NUMBER.findall(text)}
    problems = [
        f"{line!r}: number {n} is not in the record's processing times"
        for n in _NUMBER.findall(line)
        if _digits(n) not in numbers
    ]
    keys = [w for w in tokens(line) if w not in TIME_WORDS and w not in STOPWORDS and not w[0].isdigit()]
    if keys and not _NUMBER.search(line):
        ok, why = channels.contains(" ".join(keys))
        if not ok:
            problems.append(f"{line!r}: {why}")
    return problems


def check_card(card: CardModel, procedure: Procedure | None, file: str = "") -> list[Finding]:
    """Every problem of one card against its record (an empty list: the card is proven)."""

    def error(field: str, message: str, level: str = "error") -> Finding:
        return Finding(level, card.code, field, message, file)

    if procedure is None:
        return [error("code", "no such procedure in the catalogue")]
    out: list[Finding] = []
    if not procedure.ward_level:
        out.append(error("code", "not a ward-level procedure", "warning"))
    if card.source_hash != record_hash(procedure):
        out.append(
            error(
                "source_hash",
                f"stale: the record changed since the card was written "
                f"(re-read it, then set source_hash: {record_hash(procedure)})",
            )
        )
    if card.portal_url != procedure.source_url:
        out.append(error("portal_url", f"differs from the record's source_url {procedure.source_url}"))
    if card.online != any(c.channel == "online" for c in procedure.channels):
        out.append(error("online", "does not match the record's channels"))
    documents = RecordText.of(procedure)
    lines: list[tuple[str, Text]] = [(f"documents[{i}]", d) for i, d in enumerate(card.documents)]
    for i, variant in enumerate(card.variants):
        lines += [(f"variants[{i}].documents[{j}]", d) for j, d in enumerate(variant.documents)]
    for where, line in lines:
        if HEADER.search(fold(line.vi)):
            out.append(error(where, f"a header, not a document: {line.vi!r}"))
            continue
        ok, why = documents.contains(line.vi)
        if not ok:
            out.append(error(where, f"{line.vi!r}: {why} (move it to staff_notes if it is staff knowledge)"))
    everything = RecordText.of(procedure, everything=True)
    for i, note in enumerate(card.notes):
        ok, why = everything.contains(note.vi)
        if not ok:
            out.append(error(f"notes[{i}]", f"{note.vi!r}: {why} (move it to staff_notes if it is staff knowledge)"))
    out += [error("fee", p) for p in _check_fee(card, procedure, documents)]
    out += [error("time", p) for p in _check_time(card, procedure, documents)]
    if card.time is None and any(_TIME_WITH_UNIT.search(fold(c.processing_time)) for c in procedure.channels):
        out.append(error("time", "the record gives a processing time; the card has none", "warning"))
    return out


@dataclass(frozen=True)
class CheckReport:
    findings: list[Finding]
    ward_level: int
    cards_vi: int
    cards_en: int
    by_field: dict[str, tuple[int, int]]
    """field -> (cards, ward-level procedures)."""
    second_reading: tuple[int, int, int] = (0, 0, 0)
    """(cards with a second reading, of which fixed, cards)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def stale(self) -> list[Finding]:
        return [f for f in self.findings if f.field == "source_hash"]

    def summary(self) -> str:
        lines = [str(f) for f in self.findings]
        lines.append(
            f"coverage vi: {self.cards_vi}/{self.ward_level} ward-level procedures; "
            f"en: {self.cards_en}/{self.ward_level}"
        )
        lines += [
            f"  {name}: {done}/{total}"
            for name, (done, total) in sorted(self.by_field.items(), key=lambda kv: -kv[1][1])
        ]
        read, fixed, total = self.second_reading
        lines.append(f"second reading: {read} of {total} cards ({fixed} fixed, {read - fixed} ok)")
        lines.append(
            f"{len(self.errors)} error(s), {len(self.stale)} stale card(s), "
            f"{len(self.findings) - len(self.errors)} warning(s)"
        )
        return "\n".join(lines)


def check_cards(
    cards: AnswerCards, catalogue: Mapping[str, Procedure], reviewed: Mapping[str, ReviewEntry] | None = None
) -> CheckReport:
    """Check every card against its record, count coverage of ward-level procedures and of the second reading
    (``reviewed``, from REVIEWED.yaml); an entry of the second reading whose code has no card is an error."""
    findings: list[Finding] = []
    for code, card in sorted(cards.cards.items()):
        findings += check_card(card, catalogue.get(code), cards.files.get(code, ""))
    reviewed = reviewed or {}
    findings += [
        Finding("error", code, "second_reading", "REVIEWED.yaml lists a card that does not exist", "REVIEWED.yaml")
        for code in sorted(reviewed)
        if code not in cards
    ]
    read = [entry for code, entry in reviewed.items() if code in cards]
    ward = [p for p in catalogue.values() if p.ward_level]
    total = Counter(p.field for p in ward)
    done = Counter(p.field for p in ward if p.code in cards)
    return CheckReport(
        findings=findings,
        ward_level=len(ward),
        cards_vi=sum(1 for p in ward if p.code in cards),
        cards_en=sum(1 for p in ward if p.code in cards and cards.cards[p.code].has_language("en")),
        by_field={name: (done[name], total[name]) for name in total},
        second_reading=(len(read), sum(1 for e in read if e.result == "fixed"), len(cards)),
    )
