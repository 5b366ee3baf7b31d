"""Parsers for the simpler catalogue cells: steps, result, comma lists, related procedures, conditions."""

from __future__ import annotations

import re

from knowledge_base.catalogue.channels import empty_if_no_info
from knowledge_base.text import clean

_STEP_START = re.compile(r"^(?:[-+*•]\s*)?Bước\s*\d+\s*[:.)\-–]?", re.IGNORECASE)
# "Thủ tục đối với ... Bước 1: Doanh nghiệp ...": a "Bước N:" (with a colon) inside a line starts a new line.
_MID_LINE_STEP = re.compile(r"(?<=\S)[ \t]+(?=Bước\s*\d+\s*:)")
_NOTE_START = re.compile(r"^\*?\s*(?:Lưu ý|Ghi chú|Chú ý)\b", re.IGNORECASE)
_BULLET = re.compile(r"^[-•–]\s*")
# A result code ("Mã: KQ.G15.000031", "Mã: 000.00.00.G11-KQ1711") ends at its last digit before a letter.
_RESULT_CODE = re.compile(r"Mã:\s*(?:\S*?\d(?=[^\d.\-_]|$)|\S+?(?=Từ khóa|$))")
_RESULT_JUNK = re.compile(r"Từ khóa|Chọn cơ quan thực hiện|Hệ thống chỉ hiển thị|Nộp hồ sơ$")
_RAW_STEPS_START, _RAW_STEPS_END = "Trình Tự Thực Hiện", "Cách Thức Thực Hiện"
# "1Cấp giấy phép2Gia hạn": the row number glued before each related procedure's name
_RELATED_INDEX = re.compile(r"(?:^|(?<=[^\d\s/.]))\d{1,2}(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ])")
_NO_CONDITIONS = {"", "Không", "Không.", "Không có", "Không có.", "Không có thông tin"}


def clean_lines(text: str) -> list[str]:
    """Lines that hold some letter or digit (not blank, not a lone "-"), each cleaned (NFC, single spaces)."""
    return [line for line in (clean(part) for part in (text or "").splitlines()) if any(ch.isalnum() for ch in line)]


def parse_steps(text: str) -> list[str]:
    """Split trinh_tu_thuc_hien into steps.

    With "Bước N" markers each step starts at a "Bước N" line (a "Bước N:" inside a line starts a new line);
    otherwise at each "- " bullet line. Lines that
    start neither (continuations, "+ " sub-bullets, "(i)" cases) stay with the step above; a "Lưu ý"/"Ghi chú"
    note starts its own item so it is kept but not glued to the last step. Lines inside a step are joined
    with "\\n"; bullets "- " are dropped.
    """
    text = _MID_LINE_STEP.sub("\n", empty_if_no_info(text))
    lines = clean_lines(text)
    if not lines:
        return []
    numbered = any(_STEP_START.match(line) for line in lines)
    steps: list[list[str]] = []
    in_note = False
    for line in lines:
        if _NOTE_START.match(line):
            steps.append([line])
            in_note = True
            continue
        starts_step = _STEP_START.match(line) if numbered else (_BULLET.match(line) and not in_note)
        if starts_step or not steps:
            steps.append([])
            in_note = False
        steps[-1].append(_BULLET.sub("", line) if not numbered and starts_step else line)
    return ["\n".join(step) for step in steps]


def raw_section(raw_text: str, heading: str, end: str, after: str = "") -> str:
    """Text of the page (raw_text) between `heading` and `end`, looking for `heading` only after `after`."""
    origin = raw_text.find(after) if after else 0
    start = raw_text.find(heading, max(origin, 0)) if origin >= 0 else -1
    stop = raw_text.find(end, start + len(heading)) if start >= 0 else -1
    return raw_text[start + len(heading) : stop].strip() if stop >= 0 else ""


def steps_source(field_text: str, raw_text: str) -> tuple[str, bool]:
    """The steps text to parse: the field, or the page's own "Trình Tự Thực Hiện" section when the field was
    cut short (it is for ~25 procedures, mostly BHXH). Returns (text, taken_from_raw_text)."""
    section = raw_section(raw_text, _RAW_STEPS_START, _RAW_STEPS_END)
    if len(section) > len((field_text or "").strip()) + 20:
        return section, True
    return field_text, False


def documents_source(field_text: str, raw_text: str, table_header: str) -> tuple[str, bool]:
    """The documents text to parse: the field, or the page's "Thành phần hồ sơ" section (after "Cách Thức Thực
    Hiện") when the field lost its table or was cut short — the same ~25 procedures whose steps spilled into
    the documents field. Returns (text, taken_from_raw_text)."""
    section = raw_section(raw_text, "Thành phần hồ sơ", "Căn cứ pháp lý", after=_RAW_STEPS_END)
    field_text = field_text or ""
    if table_header in section and (table_header not in field_text or len(section) > len(field_text.strip()) + 20):
        return section, True
    return field_text, False


def parse_result(text: str) -> str:
    """Result document names from ket_qua_xu_ly, without the page junk ("Mã: KQ...", "Từ khóa", ...).

    Several results are joined with "; ".
    """
    text = clean(empty_if_no_info(text))
    junk = _RESULT_JUNK.search(text)
    head = text[: junk.start()] if junk else text
    names = [clean(part).strip(" .;") for part in _RESULT_CODE.split(head)]
    names = [name for name in names if name and name != "Không có thông tin"]
    return "; ".join(dict.fromkeys(names))


def split_top_level_commas(text: str) -> list[str]:
    """Split on commas outside parentheses: "Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân" → 2 items."""
    text = clean(empty_if_no_info(text))
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth <= 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def parse_applicants(text: str) -> list[str]:
    """Applicant categories; each starts with a capital, so "Cán bộ, công chức, viên chức" stays one item."""
    items: list[str] = []
    for item in split_top_level_commas(text):
        if items and item[:1].islower():
            items[-1] = f"{items[-1]}, {item}"
        else:
            items.append(item)
    return items


def parse_related(text: str) -> list[str]:
    """Related procedure names from thu_tuc_lien_quan ("#Tên thủ tục1Name A2Name B" → ["Name A", "Name B"])."""
    text = clean(empty_if_no_info(text))
    if not text:
        return []
    text = re.sub(r"#?\s*Tên thủ tục", "#", text)
    parts = re.split(r"#", text)
    parts = [piece for part in parts for piece in _RELATED_INDEX.split(part)]
    return list(dict.fromkeys(part.strip() for part in parts if part.strip() and not part.strip().isdigit()))


def parse_conditions(text: str) -> str:
    """Conditions text; "" when the portal says there are none ("Không có thông tin", "Không", ...)."""
    lines = clean_lines(text)
    joined = "\n".join(lines)
    return "" if joined in _NO_CONDITIONS else joined
