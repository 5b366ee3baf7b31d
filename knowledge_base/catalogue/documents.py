"""Parse the flattened "Thành phần hồ sơ" table into (group, name, form, copies) rows.

Shape: ["* Giấy tờ phải nộp:" | "--"] + "Tên giấy tờMẫu đơn, tờ khaiSố lượng" + rows, repeated per group.
Each row is NAME + optional FORM (a file name ending in .doc/.docx/.pdf/.xls/.xlsx) + COPIES
("1 bản chính", "0 bản chính,1 bản sao", "01 bản chụp"). Rows end at their copies cell, which is how they are
told apart; the form's start is found from a glued form keyword ("Mẫu", "Mau", "Phụ lục", ...) or, failing
that, from the point where the file name is glued to the preceding text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge_base.catalogue.channels import empty_if_no_info

HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_GROUP_HEADER = re.compile(r"(?:\*\s*(?P<group>[^*:\n]{1,150}?)\s*:\s*|--)?" + re.escape(HEADER))
# One copies cell; the count is one digit or "0N" so a year glued before it ("năm 20261 bản chính") is left out.
_ONE_COPY = r"(?:0\d|\d) ?bản (?:chính|sao|chụp)"
# A copies cell closes its row, so it is never followed by a space and a lower-case word
# nor wrapped in parentheses ("01 bản sao có chứng thực ...", "(01 bản chính)" inside a name are not copies cells).
_COPIES = re.compile(rf"(?<!\()(?<!\( ){_ONE_COPY}(?:\s*,\s*{_ONE_COPY})*(?!\s+[a-zà-ỹđ]|\s*\))")
_FORM_EXT = re.compile(r"(?: ?\(\d+\))?\.(?:docx|doc|pdf|xlsx|xls|rar|zip)$", re.IGNORECASE)
_GLUED_FORMS = re.compile(r"(\.(?:docx|doc(?!x)|pdf|xlsx|xls(?!x)))(?=[^\s,;)])", re.IGNORECASE)
_FORM_KEYWORD = re.compile(
    r"(?:Mẫu|MẪU|Mau|MAU|Mus|Ms|Phụ lục|PHỤ LỤC|Phu luc|Phlc|Tờ khai|TỜ KHAI|Biểu mẫu|M\d|mẫu|mau)"
)
_GLUE_BEFORE = re.compile(r"[^\s(\"“'/\-–]")
_BULLET = re.compile(r"^\s*[-+•–]+\s*")
_MAX_GROUP = 300


@dataclass(frozen=True)
class ParsedDocument:
    """Plain parse result for one row; mirrors record.Document's fields."""

    group: str
    name: str
    form: str
    copies: str


def _normalise_copies(text: str) -> str:
    text = re.sub(r"(\d) ?bản", r"\1 bản", " ".join(text.split()))
    return re.sub(r"\s*,\s*", ", ", text)


def _glue_point(cell: str) -> int:
    """Where a form file name without a keyword starts: the first point after the last spaced sentence break
    where punctuation or a lower-case letter is directly followed by an upper-case letter or a digit
    ("(mẫu NA17)101-Mau A17.doc", "TT-BCA).1.MuCT01.doc"); else the last space-free run before the extension.
    """
    form_extension = _FORM_EXT.search(cell)
    extension = form_extension.start() if form_extension is not None else len(cell)
    region = max(cell.rfind(". ", 0, extension), cell.rfind("; ", 0, extension), cell.rfind(") ", 0, extension))
    if region >= 0 and " " not in cell[region + 2 : extension]:
        return region + 2  # "... Giấy tờ khác. MauKX1079.docx": the whole last word is the file name
    for index in range(max(region + 2, 1), extension):
        before, here = cell[index - 1], cell[index]
        if (before in ".;)" or before.islower()) and (here.isupper() or here.isdigit()):
            return index
    return cell.rfind(" ", 0, extension) + 1


def split_form(cell: str) -> tuple[str, str]:
    """Split "NAME + FORM FILE" glued together into (name, form); form is "" when there is no file name."""
    cell = cell.rstrip()
    if not _FORM_EXT.search(cell):
        return cell, ""
    start = None
    for match in _FORM_KEYWORD.finditer(cell):
        position = match.start()
        before = cell[position - 1] if position else " "
        if _GLUE_BEFORE.match(before) and (match.group(0)[0].isupper() or before in ".;)"):
            start = position
            break
    if start is None:
        start = _glue_point(cell)
    return cell[:start].strip(), _GLUED_FORMS.sub(r"\1; ", cell[start:].strip())


def _clean_name(text: str) -> str:
    return _BULLET.sub("", " ".join(text.split())).strip()


def _group_label(text: str) -> str:
    return _BULLET.sub("", " ".join(text.split())).strip().rstrip(":").strip()


def parse_documents(text: str) -> tuple[list[ParsedDocument], list[str]]:
    """Parse a thanh_phan_ho_so cell. Returns (documents, warnings).

    A table without a "* Group:" heading takes as its group the text standing just before it (the preamble, or
    whatever follows the previous table's last copies cell), e.g. "(1.1) Đối với công trình không theo tuyến:".
    Such text longer than _MAX_GROUP characters is kept as a note row instead.
    """
    warnings: list[str] = []
    text = empty_if_no_info(text)
    if not text.strip(" -"):  # "--" alone is an empty table
        return [], warnings
    headers = list(_GROUP_HEADER.finditer(text))
    if not headers:
        warnings.append("documents: table header missing; whole text kept as one row")
        return [ParsedDocument(group="", name=_clean_name(text), form="", copies="")], warnings
    documents: list[ParsedDocument] = []
    pending = text[: headers[0].start()]  # text waiting to become the next table's group (or a note row)
    for index, header in enumerate(headers):
        group = " ".join((header.group("group") or "").split())
        label = _group_label(pending)
        if label and not group and len(label) <= _MAX_GROUP:
            group = label
        elif label:
            warnings.append("documents: text between tables kept as a note row")
            documents.append(ParsedDocument(group="", name=_clean_name(pending), form="", copies=""))
        body_end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        body = text[header.end() : body_end]
        position = 0
        for copies in _COPIES.finditer(body):
            cell = body[position : copies.start()]
            position = copies.end()
            name, form = split_form(cell)
            name = _clean_name(name)
            if not name and not form:
                warnings.append("documents: copies without a document name skipped")
                continue
            documents.append(ParsedDocument(group, name, form, _normalise_copies(copies.group(0))))
        pending = body[position:]
        is_last = index + 1 == len(headers)
        following = headers[index + 1] if not is_last else None
        next_has_group = following is not None and bool(following.group("group") or following.group(0)[:2] == "--")
        if is_last or next_has_group:
            rest = _clean_name(pending)
            if rest:
                name, form = split_form(rest)
                documents.append(ParsedDocument(group, _clean_name(name), form, ""))
            pending = ""
    return documents, warnings
