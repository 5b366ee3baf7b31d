"""assistant.privacy: names, ID/phone/dossier numbers out of stored questions and logs; the keyword form."""

from __future__ import annotations

import glob
import logging

import pytest

from assistant.privacy import RedactingFilter, keywords, redact
from assistant.privacy.words import WordListError, load_lexicon
from knowledge_base.data_file import read_yaml
from tests.bridge.privacy_support import leaked, load_corpus

CORPUS = load_corpus()


@pytest.mark.parametrize(
    "text, secret",
    [
        ("số CCCD của tôi là 001203004567", "001203004567"),
        ("cccd 001 203 004 567 nhé", "004 567"),
        ("cccd 001  203  004  567", "004  567"),
        ("căn cước 001.203.004.567", "004.567"),
        ("gọi cho tôi 0912 345 678", "345 678"),
        ("sđt 0912.345.678", "345.678"),
        ("sđt 0912-345-678", "345-678"),
        ("call +84 912 345 678", "912 345"),
        ("cmnd cũ 012345678", "012345678"),
        ("hồ sơ 000.00.20.H26-250801-0001 đến đâu rồi", "250801"),
        ("passport B1234567", "B1234567"),
        ("4 số cuối căn cước là 4567", "4567"),
        ("Tên tôi là Nguyễn Văn An, muốn hỏi", "Nguyễn Văn An"),
        ("tôi tên là trần thị bình", "trần thị bình"),
        ("ten toi la nguyen van an", "nguyen van an"),
        ("Họ tên: Trần văn bình", "bình"),
        ("Tôi là Lê Thị Hoa", "Lê Thị Hoa"),
        ("đăng ký tạm trú cho chị Ngô Thị Lan", "Ngô Thị Lan"),
        ("ong nguyen van a hoi", "nguyen van"),
        ("chị lan ơi cho em hỏi", "lan"),
        ("cho Nguyễn Minh Khôi đăng ký khai sinh", "Minh Khôi"),
        ("my name is John Smith", "John Smith"),
        ("email an.nguyen@example.com", "an.nguyen@example.com"),
        ("số của tôi là không chín một hai ba bốn năm sáu bảy tám", "ba bốn năm"),  # speech at the kiosk
        ("đăng ký khai sinh cho nguyễn văn an nhé", "nguyễn văn an"),
        ("sang ten hoang thi yen", "hoang thi yen"),
    ],
)
def test_personal_data_is_removed(text, secret):
    assert secret not in redact(text)
    assert not leaked(secret, keywords(text))


@pytest.mark.parametrize(
    "text",
    [
        "đăng ký khai sinh cho con",
        "thủ tục 1.001193 cần giấy gì",
        "tôi là người cao tuổi",
        "lệ phí 25.000 đồng",
        "lệ phí 1.500.000 đồng",
        "Giấy chứng nhận quyền sử dụng đất",
        "Đăng Ký Khai Sinh Cho Con",
        "em bé mới sinh",
        "chuyển hộ khẩu từ Hà Nội về",
        "theo Nghị định 50/2026/NĐ-CP",
        "khai báo với cơ quan thuế",
        "ông bà nội tôi già rồi",
        "Do I need a passport?",
        "Chứng Minh Nhân Dân bị mất",
        "con tôi ba bốn tuổi",
        "sang ten doi chu o to",
        "mien thue hiep dinh van tai quoc te",
        "co quan thue",
        "chi phi bao nhieu",
        "co le phi khong",
    ],
)
def test_ordinary_questions_are_kept(text):
    assert redact(text) == text


@pytest.mark.slow  # reads every shipped citizen phrasing
def test_catalogue_questions_are_almost_never_touched():
    """The citizen phrasings of the catalogue hold no personal data: redact() may change at most 1% of them."""
    asks = [
        ask
        for path in glob.glob("knowledge_base/data/citizen_questions/*.yaml")
        for item in read_yaml(path)
        for ask in item.get("asks", [])
    ]
    assert len(asks) > 1000
    changed = [ask for ask in asks if redact(ask) != ask]
    assert len(changed) <= len(asks) // 100, changed[:10]
    assert all(keywords(ask) for ask in asks)


@pytest.mark.parametrize("item", CORPUS, ids=[str(i) for i in range(len(CORPUS))])
def test_corpus_message_keeps_nothing_personal(item):
    for shown in (redact(item.message), keywords(item.message)):
        leaks = {token: leaked(token, shown) for token in item.personal}
        assert not any(leaks.values()), (shown, leaks)


def test_corpus_is_big_and_varied():
    assert len(CORPUS) >= 100
    messages = [item.message for item in CORPUS]
    assert sum(1 for m in messages if m == m.encode("ascii", "ignore").decode()) >= 10  # typed without diacritics
    assert any("  " in m for m in messages) and any("+84" in m for m in messages)


@pytest.mark.parametrize(
    "text, form",
    [
        ("Cho tôi hỏi đăng ký tạm trú cần những giấy tờ gì?", "dang ky tam tru giay to"),
        ("đăng ký tạm trú cho chị Ngô Thị Lan, căn cước 001.203.004.567", "dang ky tam tru can cuoc"),
        ("dang ky tam tru o dau", "dang ky tam tru"),
        ("thủ tục 1.001193 cần giấy gì", "thu tuc 1.001193 giay"),
        ("tên tôi là [tên], gọi [số điện thoại]", ""),
        ("Họ tên: Trần văn bình", ""),
        ("Tên: Phùng Đức Thắng. Hỏi thủ tục chuyển hộ khẩu", "thu tuc chuyen ho khau"),  # the cue goes with the name
        ("thay đổi họ tên cho con", "thay doi ho ten"),  # ... but "họ tên" of a question stays
    ],
)
def test_keyword_form(text, form):
    assert keywords(text) == form


def test_log_filter_redacts_messages_args_and_access_query_strings():
    record = logging.LogRecord(
        "assistant", logging.INFO, __file__, 1, "question %s", ("ông Trần Văn Bốn, 0912 345 678",), None
    )
    RedactingFilter().filter(record)
    assert "Trần Văn Bốn" not in record.getMessage() and "345 678" not in record.getMessage()
    access = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/api/procedures/search?q=0912345678", "1.1", 200),
        None,
    )
    RedactingFilter().filter(access)
    assert access.getMessage() == '127.0.0.1:1 - "GET /api/procedures/search HTTP/1.1" 200'


def test_log_filter_redacts_tracebacks():
    try:
        raise ValueError("bad input: chị Ngô Thị Lan 001203004567")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, __import__("sys").exc_info())
    RedactingFilter().filter(record)
    assert "Ngô Thị Lan" not in record.exc_text and "001203004567" not in record.exc_text


def test_bad_word_list_is_a_clear_error(tmp_path):
    path = tmp_path / "words.yaml"
    path.write_text("surnames: [Nguyễn, no]\n", encoding="utf-8")
    with pytest.raises(WordListError, match="words.yaml: surnames → entry 2: Input should be a valid string"):
        load_lexicon(path)
