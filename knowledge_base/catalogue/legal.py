"""Parse the flattened "Căn cứ pháp lý" table into (name, number) pairs.

Shape: "Tên văn bản pháp lýMã văn bản" + NAME + NUMBER, repeated, with no separators, e.g.
"...Trung ương85/2019/TT-BTCNghị định sửa đổi...104/2022/NĐ-CP". Names often contain document numbers
themselves ("Nghị định số 123/2015/NĐ-CP ngày ..."), so a number only closes a row when it ends the cell:
it is followed by the end, by a glued next name ("NĐ-CPNghị định", "TT-VPCPquy định") or by a space and an
upper-case word, and it is either glued to the text before it or followed by a glued next name.
A year glued in front ("năm 202405/2024/UBTVQH15") is cut off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge_base.catalogue.channels import empty_if_no_info

HEADER = "Tên văn bản pháp lýMã văn bản"
_UPPER = "".join(chr(c) for c in range(0x41, 0x1EFA) if chr(c).isupper() and chr(c).isalpha())
_LOWER = "".join(chr(c) for c in range(0x61, 0x1EFA) if chr(c).islower() and chr(c).isalpha())
_U = f"[{_UPPER}]"
_L = f"[{_LOWER}]"
# Issuer codes seen at the end of document numbers in the national catalogue (longest first in the pattern):
# knowing them lets "NĐ-CPNghị định", "BTCChế độ" or "QH13LUẬT" be cut in the right place.
_ISSUERS = (
    "CP",
    "BTC",
    "BTP",
    "NHNN",
    "BCA",
    "BNNMT",
    "BGTVT",
    "BXD",
    "TTg",
    "BNNPTNT",
    "BKHĐT",
    "BTNMT",
    "BHXH",
    "BLĐTBXH",
    "BVHTTDL",
    "BYT",
    "BCT",
    "BKHCN",
    "VPCP",
    "UBND",
    "BNV",
    "UBTƯMTTQVN",
    "HĐND",
    "BQP",
    "CSXH",
    "VKSNDTC",
    "BNG",
    "VPQH",
    "CTN",
    "HĐTP",
    "BTTTT",
    "BGDĐT",
    "TANDTC",
    "KTNN",
    "BTTTT",
    "UBCKNN",
    "TCHQ",
)
_ISSUER = "|".join([r"(?:UBTVQH|QH)\d\d"] + sorted(set(_ISSUERS), key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?P<digits>\d+(?:\.\d+)?)/(?:"
    rf"(?:(?P<year>(?:19|20)\d\d)/)?"
    rf"(?:(?P<known>(?:{_U}+[-/_])*(?:{_ISSUER}))(?=$|\s|[,.;:)]|{_U}|{_L}|\d{{1,3}}(?:\.\d+)?/)"
    rf"|(?P<other>{_U}[{_UPPER}0-9/_-]*?)(?=$|\s|[,.;:)]|{_U}{_L}|{_L}|\d{{1,3}}(?:\.\d+)?/))"
    # a number cell cut after its year ("Nghị định số 46/2020/NĐ-CP46/2020Luật ...") only at a cell boundary
    rf"|(?P<year_only>(?:19|20)\d\d)(?=\s*$|{_U}))"
)
_NEXT_NAME = re.compile(rf"\s*({_U}|$)")
_TYPE_TAIL = re.compile(
    rf"(?<={_L})(?:Thông tư|Nghị định|Nghị quyết|Quyết định|Luật|Pháp lệnh|Thông tư liên tịch)(?: số)?\s*$"
)
_SPLIT_SUFFIX = re.compile(rf"({_U})-\s+({_U})")


@dataclass(frozen=True)
class ParsedLegalBasis:
    """Plain parse result for one row; mirrors record.LegalBasis's fields."""

    name: str
    number: str


def _closes_row(text: str, match: re.Match[str]) -> bool:
    start, end = match.start(), match.end()
    glued_before = start > 0 and not text[start - 1].isspace()
    glued_before = glued_before or _number_text(match)[1] > 0  # "giai đoạn 2026 - 2030182/2025/NQ-HĐND"
    glued_before = glued_before or bool(_TYPE_TAIL.search(text[:start]))  # "...Chăn nuôiNghị định số 13/..."
    rest = text[end:]
    if not rest.strip():
        return True
    if match.group("year_only") and not glued_before:
        return False
    glued_after = not rest[0].isspace()
    if rest[0].isdigit() and not glued_before:  # "Luật 60/2014/QH1360/2014/QH13": the name ends with it
        return False
    if glued_after and rest.startswith(("Ngày", "ngày")):
        return False
    if glued_after:
        return True
    return glued_before and bool(_NEXT_NAME.match(rest))


def _number_text(match: re.Match[str]) -> tuple[str, int]:
    """The number string and how many leading digits belong to a glued year (to give back to the name)."""
    digits = match.group("digits")
    extra = 0
    integer = digits.split(".")[0]
    if len(integer) > 4 and integer[:2] in ("19", "20"):
        extra = 4
        digits = digits[4:]
    if match.group("year_only"):
        return f"{digits}/{match.group('year_only')}", extra
    year = match.group("year")
    suffix = match.group("known") or match.group("other")
    number = f"{digits}/{year}/{suffix}" if year else f"{digits}/{suffix}"
    return number, extra


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ;,")


def parse_legal_basis(text: str) -> tuple[list[ParsedLegalBasis], list[str]]:
    """Parse a can_cu_phap_ly cell. Returns (pairs, warnings)."""
    warnings: list[str] = []
    text = empty_if_no_info(text)
    if text.startswith(HEADER):
        text = text[len(HEADER) :]
    elif text:
        warnings.append("legal_basis: table header missing")
    text = _SPLIT_SUFFIX.sub(r"\1-\2", text.strip())
    if not empty_if_no_info(text):
        return [], warnings
    rows: list[ParsedLegalBasis] = []
    position = 0
    for match in _NUMBER.finditer(text):
        if match.start() < position or not _closes_row(text, match):
            continue
        number, year_digits = _number_text(match)
        name = text[position : match.start() + year_digits]
        name = _TYPE_TAIL.sub("", name) if _clean(name) else name
        rows.append(ParsedLegalBasis(name=_clean(name) or number, number=number))
        position = match.end()
    rest = _clean(text[position:])
    if any(ch.isalpha() for ch in rest):
        warnings.append("legal_basis: trailing text without a document number kept as a name")
        rows.append(ParsedLegalBasis(name=rest, number=""))
    return rows, warnings
