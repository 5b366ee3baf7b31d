"""Spoken answers to a clarifying question map to the shown option's payload."""

from __future__ import annotations

import pytest

from kiosk.choices import match_choice
from kiosk.dialogue import Button
from tests.kiosk.payloads import option_payload

OPTIONS = [
    Button("Đăng ký khai sinh", option_payload(1)),
    Button("Đăng ký khai tử", option_payload(2)),
    Button("Chứng thực bản sao", option_payload(3)),
]


@pytest.mark.parametrize(
    "said, index",
    [
        ("số hai", 1),
        ("Số hai ạ", 1),
        ("thứ hai", 1),
        ("hai", 1),
        ("số 3", 2),
        ("thứ nhất", 0),
        ("cái cuối cùng", 2),
        ("chứng thực bản sao", 2),
        ("dang ky khai tu", 1),
    ],
)
def test_spoken_choice_maps_to_payload(said, index):
    assert match_choice(said, OPTIONS) is OPTIONS[index]


@pytest.mark.parametrize("said", ["số năm", "tôi muốn đăng ký kết hôn", "", "khai"])
def test_unclear_or_out_of_range_is_no_choice(said):
    assert match_choice(said, OPTIONS) is None


def test_no_options_means_no_choice():
    assert match_choice("số hai", []) is None
