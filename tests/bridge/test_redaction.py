"""redact(): personal data out of stored questions and logs."""
from __future__ import annotations

import logging

import pytest

from assistant.bridge.redaction import RedactingFilter, redact


@pytest.mark.parametrize("text, secret", [
    ("số CCCD của tôi là 001203004567", "001203004567"),
    ("cccd 001 203 004 567 nhé", "004 567"),
    ("gọi cho tôi 0912 345 678", "345 678"),
    ("sđt 0912.345.678", "345.678"),
    ("call +84 912 345 678", "912 345"),
    ("Tên tôi là Nguyễn Văn An, muốn hỏi", "Nguyễn Văn An"),
    ("tôi tên là trần thị bình", "trần thị bình"),
    ("ten toi la nguyen van an", "nguyen van an"),
    ("Tôi là Lê Thị Hoa", "Lê Thị Hoa"),
    ("my name is John Smith", "John Smith"),
    ("email an.nguyen@example.com", "an.nguyen@example.com"),
])
def test_personal_data_is_removed(text, secret):
    assert secret not in redact(text)


@pytest.mark.parametrize("text", [
    "đăng ký khai sinh cho con", "thủ tục 1.001193 cần giấy gì", "tôi là người cao tuổi", "lệ phí 25.000 đồng",
])
def test_ordinary_questions_are_kept(text):
    assert redact(text) == text


def test_log_filter_redacts_messages_args_and_access_query_strings():
    record = logging.LogRecord("assistant", logging.INFO, __file__, 1, "question %s", ("tên tôi là Trần Văn Bốn",), None)
    RedactingFilter().filter(record)
    assert "Trần Văn Bốn" not in record.getMessage()
    access = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:1", "GET", "/api/procedures/search?q=0912345678", "1.1", 200), None)
    RedactingFilter().filter(access)
    assert access.getMessage() == '127.0.0.1:1 - "GET /api/procedures/search HTTP/1.1" 200'
