"""Property tests: generated Vietnamese names and ID/phone/dossier numbers, in any case and separator style,
inside typical sentences, never survive redact() nor the keyword form."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.privacy import keywords, redact
from assistant.privacy.words import default_lexicon
from knowledge_base.text import fold
from tests.bridge.privacy_support import leaked

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trương",
    "Đoàn",
    "Trịnh",
    "Lâm",
    "Tạ",
    "Kiều",
    "Quách",
]
MIDDLES = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quốc", "Xuân", "Gia", "Bảo"]
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Châu",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Huy",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Ngân",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thành",
    "Thủy",
    "Trang",
    "Trung",
    "Tuấn",
    "Tùng",
    "Vân",
    "Vy",
    "Yến",
    "Tám",
]
SEPARATORS = ["", " ", "  ", ".", "-", " - ", ". "]

# Sentences a name may sit in; {n} is the name. Lower-case names only where a cue says a name follows.
CUED = [
    "Họ tên: {n}",
    "họ và tên: {n}",
    "tên tôi là {n}, muốn hỏi",
    "tôi tên là {n}",
    "ten toi la {n}",
    "ông {n} hỏi đăng ký thường trú",
    "đăng ký tạm trú cho chị {n}",
    "bà {n} cần xác nhận cư trú",
    "anh {n} gọi lại giúp",
    "my name is {n}",
    "người nộp: {n}",
    "con tên là {n}",
]
# Without diacritics "chi", "ba" are also chỉ/chi, ba (three): "chi vu an" may be "chỉ vụ án". There a lower-case
# name is caught only with "van"/"thi" or a family name that is not also a common word (see the next test).
UNSURE_WITHOUT_ACCENTS = {"đăng ký tạm trú cho chị {n}", "bà {n} cần xác nhận cư trú"}
CAPITALISED_ONLY = [
    "đăng ký khai sinh cho {n} nhé",
    "{n} muốn hỏi thủ tục kết hôn",
    "xác nhận cho {n}, sinh năm 1990",
    "Tôi là {n}",
    "em là {n}, cần làm căn cước",
]
NUMBER_TEMPLATES = [
    "cccd {x}",
    "số điện thoại {x} nhé",
    "gọi {x}",
    "{x} là số của tôi",
    "hồ sơ {x} xong chưa",
    "CMND: {x}, hỏi đổi căn cước",
    "liên hệ {x}",
]


@st.composite
def full_names(draw) -> str:
    middles = draw(st.lists(st.sampled_from(MIDDLES), min_size=0, max_size=2))
    givens = draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=2))
    return " ".join([draw(st.sampled_from(SURNAMES)), *middles, *givens])


def _styled(name: str, style: str) -> str:
    return {
        "title": name,
        "lower": name.lower(),
        "upper": name.upper(),
        "ascii": fold(name).title(),
        "ascii_lower": fold(name),
    }[style]


@st.composite
def digit_groups(draw, digits: str) -> str:
    """`digits` cut into groups of 2–4 joined by one separator style (sometimes mixed)."""
    groups, at = [], 0
    while at < len(digits):
        size = draw(st.integers(2, 4))
        groups.append(digits[at : at + size])
        at += size
    sep = draw(st.sampled_from(SEPARATORS))
    if draw(st.booleans()):
        return sep.join(groups)
    return "".join(g + (draw(st.sampled_from(SEPARATORS)) if i < len(groups) - 1 else "") for i, g in enumerate(groups))


@st.composite
def personal_numbers(draw) -> str:
    kind = draw(st.sampled_from(["cccd", "cmnd", "phone", "phone84", "dossier"]))
    d = lambda n: "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=n, max_size=n)))  # noqa: E731
    if kind == "cccd":
        return draw(digit_groups("0" + draw(st.sampled_from(["01", "36", "79", "48"])) + d(9)))
    if kind == "cmnd":
        return draw(digit_groups(draw(st.sampled_from("0123")) + d(8)))
    if kind == "phone":
        return draw(digit_groups("0" + draw(st.sampled_from(["9", "8", "3", "7", "5"])) + d(8)))
    if kind == "phone84":
        return (
            "+84"
            + draw(st.sampled_from(["", " ", "-", "."]))
            + draw(digit_groups(draw(st.sampled_from("9835")) + d(8)))
        )
    return f"000.00.20.H{d(2)}-{d(6)}-{d(4)}"


PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow  # a property search: 300 generated sentences
@PROPERTY
@given(
    name=full_names(),
    style=st.sampled_from(["title", "lower", "upper", "ascii", "ascii_lower"]),
    template=st.sampled_from(CUED),
)
def test_cued_names_never_survive(name, style, template):
    if style == "ascii_lower" and template in UNSURE_WITHOUT_ACCENTS:
        template = template.replace("chị", "anh").replace("bà", "ông")
    written = _styled(name, style)
    # Someone who types a name without diacritics types the whole message without them.
    text = (fold(template) if style.startswith("ascii") else template).format(n=written)
    for shown in (redact(text), keywords(text)):
        assert not leaked(written, shown), (text, shown)


@pytest.mark.slow  # a property search: 300 generated sentences
@PROPERTY
@given(
    name=full_names(), style=st.sampled_from(["title", "upper", "ascii"]), template=st.sampled_from(CAPITALISED_ONLY)
)
def test_capitalised_names_never_survive(name, style, template):
    written = _styled(name, style)
    text = (fold(template) if style.startswith("ascii") else template).format(n=written)
    for shown in (redact(text), keywords(text)):
        assert not leaked(written, shown), (text, shown)


@pytest.mark.slow  # a property search: 300 generated sentences
@PROPERTY
@given(
    surname=st.sampled_from(SURNAMES),
    given_name=st.sampled_from(GIVEN),
    marker=st.sampled_from(["Văn", "Thị", ""]),
    template=st.sampled_from(sorted(UNSURE_WITHOUT_ACCENTS)),
)
def test_unaccented_names_after_unsure_honorifics(surname, given_name, marker, template):
    """Caught with "van"/"thi", or when the family name is not also a common word ("ngo" = ngõ, "le" = lệ)."""
    lexicon = default_lexicon()
    if not marker and (fold(surname) in lexicon.common.folded or fold(surname) in lexicon.ambiguous_surnames):
        marker = "Văn"
    written = fold(" ".join(p for p in (surname, marker, given_name) if p))
    text = fold(template).format(n=written)
    assert not leaked(written, redact(text)), text


@pytest.mark.slow  # a property search: 300 generated sentences
@PROPERTY
@given(number=personal_numbers(), template=st.sampled_from(NUMBER_TEMPLATES))
def test_numbers_never_survive_in_any_separator_style(number, template):
    text = template.format(x=number)
    digits = re.sub(r"\D", "", number)
    for shown in (redact(text), keywords(text)):
        assert digits[-6:] not in re.sub(r"\D", "", shown), (text, shown)
