"""Age stated in an ID-card question picks the catalogue's age bracket."""

from __future__ import annotations

import pytest

from knowledge_base.search.age_hints import FROM_14, UNDER_14, age_hint, stated_ages
from knowledge_base.text import fold


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Làm thẻ căn cước cho con 10 tuổi", UNDER_14),
        ("lam cccd cho be 5 tuoi", UNDER_14),
        ("I want to make ID card for my son, he is 16", FROM_14),
        ("my daughter is 7 years old, does she need an ID card?", UNDER_14),
        ("con tôi 14 tuổi làm căn cước ở đâu", FROM_14),
        ("con gái tôi mới lên bảy tuổi, trẻ con có phải làm căn cước không", UNDER_14),
        ("cháu mười lăm tuổi làm căn cước", FROM_14),
        ("làm căn cước cho bé đang học lớp 2", UNDER_14),  # a school grade stands for an age
        ("cccd cho con dang hoc cap 3", FROM_14),
        ("lm cccd cho be 10t dc ko", UNDER_14),  # "10t": ten years old, as typed on a phone
        ("con đi học đại học rồi, làm căn cước", ""),  # an adult
        ("làm căn cước cho người dưới 14 tuổi 10 tuổi", ""),  # bracket already named
        ("làm căn cước cần gì", ""),  # no age
        ("Năm nay tròn 40 tuổi thì có phải đổi thẻ căn cước không?", ""),  # an adult: renewal, not the bracket
        ("đăng ký khai sinh cho bé 2 tuổi", ""),  # not about an ID card
        ("", ""),
    ],
)
def test_age_hint(question, expected):
    assert age_hint(question) == expected


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("ông năm nay bảy mươi tám tuổi rồi", [78]),  # not "mười tám" (18) inside it
        ("cháu mười lăm tuổi", [15]),
        ("hai mươi lăm tuổi phải đổi thẻ", [25]),
        ("con gái tôi mới lên bảy tuổi", [7]),
        ("cháu mới học lớp 1 thôi", [7]),
        ("không nói tuổi", []),
        ("bé chưa tới 14 tuổi", [13, 14]),  # the bound not yet reached comes first
        ("my son is under 14", [13]),
    ],
)
def test_stated_ages_read_numbers_in_words_and_school_grades(text, ages):
    assert stated_ages(fold(text)) == ages
