"""Parse the flattened "Cách thức thực hiện" table into per-channel time and fee facts.

The portal glues the cells together: "Hình thức nộpThời gianPhí, lệ phíMô tả" then, per row,
LABEL + TIME + FEE[(NOTE)] + DESCRIPTION, e.g. "Trực tuyến1Miễn phíDịch vụ bưu chính1Miễn phí".

Decisions (documented here because callers rely on them):
- processing_days: "N Ngày", "N Ngày làm việc" and a bare "N" → N; "N Giờ" → N/8 (working days, 2 decimals);
  "N Tuần" → 7N; "N Tháng" → 30N; "Trong ngày" / "Ngay" → 0.5 (same day, under one working day);
  "0" and anything else (ranges, "Không quy định", free text) → None.
- fee_amount_vnd: 0 for "Miễn phí" unless the fee is set by the province or its note still talks about a fee
  ("Áp dụng mức thu ...", "Miễn lệ phí cho <some groups>"; a charge for optional copies keeps it 0);
  otherwise the single distinct đồng amount found in the fee cell (amounts under 1,000 đ are portal glitches,
  e.g. "20 VNĐ" for 20.000 đ, and are ignored); None when there is no information, several different amounts,
  a foreign currency, or the province decides the fee (fee_set_by_province=True; we never invent the number).
- fee_set_by_province: the fee cell (or, when it is empty, a sentence about "phí" in the description) says
  HĐND/UBND tỉnh decides it.
- A row starts only at a label followed by a short time cell and a recognisable fee cell, so "Trực tuyến: ..."
  inside a description is not a new row; "(1) Trường hợp ..." after the fee is a description, not a fee note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge_base.text import fold

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
NO_INFO = "Không có thông tin"
CHANNEL_KINDS = {"Trực tiếp": "in_person", "Trực tuyến": "online", "Dịch vụ bưu chính": "post"}

_AMOUNT = r"[1-9]\d{0,2}(?:[.,]\d{3})*(?:[.,]\d+)? ?(?:Việt Nam Đồng|VNĐ|VND|USD|EUR|đồng|Đồng)"
_FEE_HEAD = rf"Miễn phí|{NO_INFO}|{_AMOUNT}"
# A row starts with a label, a short time cell (no colon/parenthesis, so "Trực tuyến: nộp ..." inside a
# description is not a row) and a recognisable fee cell.
_LABELS = "Trực tiếp|Trực tuyến|Dịch vụ bưu chính"
_ROW = re.compile(rf"(?P<label>{_LABELS})(?P<time>(?:(?!{_LABELS})[^():\n]){{1,120}}?)(?P<fee>{_FEE_HEAD})")
_DAYS = re.compile(r"^(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>ngày làm việc|ngày|giờ|tuần|tháng)?$", re.IGNORECASE)
_UNIT_DAYS = {"": 1.0, "ngày làm việc": 1.0, "ngày": 1.0, "giờ": 1 / 8, "tuần": 7.0, "tháng": 30.0}
_VND = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s?(?:Việt Nam Đồng|VNĐ|VND|vnđ|vnd|đồng|Đồng|[đĐ](?![^\W\d_]))")
_NOTE_FREE = re.compile(r"^(khong|khong co|khong quy dinh|chua quy dinh)$|mien le phi(?! cho)|khong thu (le )?phi")
_NOTE_FEE = re.compile(r"\bphi\b|muc thu")
_ENUMERATOR = re.compile(r"\(\s*(?:\d{1,2}|[a-zđ]|[ivx]{1,4})\s*\)")  # "(1) Trường hợp ...": a list item
_FOREIGN = re.compile(r"\d\s?(?:USD|EUR|đô la)", re.IGNORECASE)
_PROVINCE = re.compile(r"(hoi dong nhan dan|hdnd|uy ban nhan dan|ubnd)( cap)? (tinh|thanh pho truc thuoc)")


@dataclass(frozen=True)
class ParsedChannel:
    """Plain parse result for one row; mirrors record.Channel's fields."""

    channel: str
    label: str
    processing_time: str
    processing_days: float | None
    fee: str
    fee_amount_vnd: int | None
    fee_set_by_province: bool
    description: str


def empty_if_no_info(text: str) -> str:
    """Strip the text and map the portal's "Không có thông tin" (no information) to ""."""
    text = (text or "").strip()
    return "" if text == NO_INFO else text


def parse_processing_days(text: str) -> float | None:
    """Days for a processing-time cell, per the rules in the module docstring; None when not readable."""
    text = " ".join(text.split())
    if fold(text) in ("trong ngay", "ngay", "trong ngay lam viec"):
        return 0.5
    match = _DAYS.match(text)
    if not match:
        return None
    number = float(match.group("n").replace(",", "."))
    unit = (match.group("unit") or "").lower()
    days = round(number * _UNIT_DAYS[unit], 2)
    return days if days > 0 else None  # a bare "0" means the portal has no figure


def _balanced_end(text: str, start: int) -> int:
    """Index just after the parenthesised note opening at text[start] ("("); len(text) if unclosed."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def parse_vnd_amounts(text: str) -> list[int]:
    """All đồng amounts written in the text ("50.000 đồng", "25,000 Việt Nam Đồng", "5.000đ"), in order."""
    amounts = []
    for match in _VND.finditer(text):
        amounts.append(int(re.sub(r"[.,]", "", match.group(1))))
    return amounts


def fee_set_by_province(text: str) -> bool:
    """True when the text says the fee is decided by the province (HĐND/UBND tỉnh)."""
    return bool(_PROVINCE.search(fold(text)))


def fee_amount_vnd(head: str, note: str, by_province: bool) -> int | None:
    """One clear fee in đồng from a fee cell's head ("Miễn phí", "25,000 Việt Nam Đồng") and note, else None.

    See the module docstring for the rules; `note` is the parenthesised text after the head ("" if none).
    """
    if by_province or _FOREIGN.search(head) or _FOREIGN.search(note):
        return None
    head_amounts = [amount for amount in parse_vnd_amounts(head) if amount >= 1000]
    note_amounts = {amount for amount in parse_vnd_amounts(note) if amount >= 1000}
    if head_amounts:
        return head_amounts[0] if note_amounts <= {head_amounts[0]} else None
    if parse_vnd_amounts(head):  # a glitched tiny amount: trust a single amount spelled out in the note
        return note_amounts.pop() if len(note_amounts) == 1 else None
    if head == "Miễn phí":
        return None if note_amounts or not _note_keeps_free(note) else 0
    return None


def _note_keeps_free(note: str) -> bool:
    """Whether a note after "Miễn phí" leaves the procedure free (see module docstring)."""
    folded = fold(note).strip("() .")
    if not folded or _NOTE_FREE.search(folded):
        return True
    if "ban sao" in folded:  # only the optional copy (bản sao) is charged; the procedure itself is free
        return True
    return not _NOTE_FEE.search(folded)


def _province_in_description(description: str) -> bool:
    """Province-set fee stated in the free-text description (only sentences that talk about a fee)."""
    for sentence in re.split(r"(?<=[.;])\s|\n", description):
        if "phi" in fold(sentence).split() and fee_set_by_province(sentence):
            return True
    return False


def parse_channels(text: str) -> tuple[list[ParsedChannel], list[str]]:
    """Parse a cach_thuc_thuc_hien cell. Returns (channels, warnings)."""
    warnings: list[str] = []
    text = (text or "").strip()
    if not text or text == NO_INFO:
        return [], warnings
    if text.startswith(HEADER):
        text = text[len(HEADER) :]
    else:
        warnings.append("channels: table header missing")
    matches = list(_ROW.finditer(text))
    if not matches:
        if text.strip():
            warnings.append("channels: no channel row recognised")
        return [], warnings
    if text[: matches[0].start()].strip():
        warnings.append("channels: text before the first row was dropped")
    rows: list[ParsedChannel] = []
    # Rows must not start inside the previous row's fee note: skip matches that begin before the note ends.
    position = 0
    accepted = []
    for match in matches:
        if match.start() < position:
            continue
        fee_end = match.end()
        if fee_end < len(text) and text[fee_end] == "(" and not _ENUMERATOR.match(text, fee_end):
            fee_end = _balanced_end(text, fee_end)
        accepted.append((match, fee_end))
        position = fee_end
    for index, (match, fee_end) in enumerate(accepted):
        row_end = accepted[index + 1][0].start() if index + 1 < len(accepted) else len(text)
        head = match.group("fee")
        note = text[match.end() : fee_end]
        fee = empty_if_no_info(head)
        if note:
            inner = note[1:-1] if note.endswith(")") else note[1:]
            fee = f"{fee} ({inner.strip()})".strip() if fee else inner.strip()
        description = empty_if_no_info(text[fee_end:row_end])
        time_text = empty_if_no_info(match.group("time"))
        by_province = fee_set_by_province(fee) or (not fee and _province_in_description(description))
        rows.append(
            ParsedChannel(
                channel=CHANNEL_KINDS[match.group("label")],
                label=match.group("label"),
                processing_time=time_text,
                processing_days=parse_processing_days(time_text) if time_text else None,
                fee=fee,
                fee_amount_vnd=fee_amount_vnd(head, note, by_province),
                fee_set_by_province=by_province,
                description=description,
            )
        )
    return rows, warnings
