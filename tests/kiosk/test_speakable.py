"""Text for the kiosk voice: numbers, codes, dates, times, money and tickets as Vietnamese words."""

from __future__ import annotations

import pytest

from kiosk.numbers_vi import digit_words, number_words
from kiosk.speakable import AbbreviationsError, load_abbreviations, speakable, vietnamese_part


@pytest.mark.parametrize(
    "value, words",
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (25, "hai mươi lăm"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1005, "một nghìn không trăm linh năm"),
        (2025, "hai nghìn không trăm hai mươi lăm"),
        (50_000, "năm mươi nghìn"),
        (1_200_000, "một triệu hai trăm nghìn"),
        (3_000_000_000, "ba tỷ"),
    ],
)
def test_number_words(value, words):
    assert number_words(value) == words


def test_digit_words():
    assert digit_words("0912") == "không chín một hai"


@pytest.mark.parametrize(
    "text, spoken",
    [
        ("Thủ tục 1.001193 đăng ký khai sinh", "Thủ tục một chấm không không một một chín ba đăng ký khai sinh"),
        ("Lệ phí 50.000 đồng.", "Lệ phí năm mươi nghìn đồng."),
        ("Phí 8.000đ, hoặc 20000 VNĐ", "Phí tám nghìn đồng, hoặc hai mươi nghìn đồng"),
        ("Hẹn trả ngày 06/08/2025.", "Hẹn trả ngày sáu tháng tám năm hai nghìn không trăm hai mươi lăm."),
        ("Hạn: 2025-04-01", "Hạn: ngày một tháng tư năm hai nghìn không trăm hai mươi lăm"),
        ("Mở cửa 7:30 - 11:30", "Mở cửa bảy giờ ba mươi phút đến mười một giờ ba mươi phút"),
        ("Buổi chiều 13h30–17h00", "Buổi chiều mười ba giờ ba mươi phút đến mười bảy giờ"),
        ("Lúc 8:00", "Lúc tám giờ"),
        ("Số thứ tự của bác là A012, mời đến Quầy 2.", "Số thứ tự của bác là a không một hai, mời đến Quầy hai."),
        ("Vé của bác: A012.", "Vé của bác: a không một hai."),
        ("Thủ tục (1.001193).", "Thủ tục (một chấm không không một một chín ba)."),
        ("Gọi 0912345678", "Gọi không chín một hai ba bốn năm sáu bảy tám"),
        ("Giảm 50% lệ phí", "Giảm năm mươi phần trăm lệ phí"),
        ("Từ 5 - 7 ngày", "Từ năm đến bảy ngày"),
        ("Phòng 102, tầng 1", "Phòng một trăm linh hai, tầng một"),
        ("UBND phường nhận CCCD.", "Ủy ban nhân dân phường nhận căn cước công dân."),
        ("**Lưu ý**: mang theo 2 bản sao", "Lưu ý: mang theo hai bản sao"),
        ("Bác/anh/chị vui lòng chờ", "Bác, anh, chị vui lòng chờ"),
    ],
)
def test_speakable(text, spoken):
    assert speakable(text) == spoken


def test_dossier_code_is_read_part_by_part():
    spoken = speakable("Mã hồ sơ 000.00.20.H26-250801-0001")
    assert spoken == (
        "Mã hồ sơ không không không chấm không không chấm hai không chấm hát hai sáu gạch "
        "hai năm không tám không một gạch không không không một"
    )


def test_diacritics_are_kept_and_no_digits_remain():
    spoken = speakable("Đăng ký kết hôn: 5 ngày làm việc, lệ phí 0 đồng, nộp trước 16:30 ngày 31/12/2024.")
    assert "Đăng ký kết hôn" in spoken
    assert not any(ch.isdigit() for ch in spoken)


def test_abbreviations_file_is_validated(tmp_path):
    bad = tmp_path / "abbr.yaml"
    bad.write_text("UBND: ''\n", encoding="utf-8")
    with pytest.raises(AbbreviationsError, match="abbr.yaml: UBND: String should have at least 1 character"):
        load_abbreviations(bad)
    assert load_abbreviations()["UBND"] == "Ủy ban nhân dân"
    assert speakable("UBND", abbreviations={}) == "UBND"


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Xin lỗi, hệ thống đang bận. / Sorry, the assistant is busy.", "Xin lỗi, hệ thống đang bận."),
        ("Bạn muốn hỏi thủ tục nào? / Which procedure?\nChọn một / Pick one", "Bạn muốn hỏi thủ tục nào?\nChọn một"),
        ("Mời bác đến Quầy 2 / Desk 2", "Mời bác đến Quầy 2 / Desk 2"),
        ("Hẹn ngày 06/08/2025", "Hẹn ngày 06/08/2025"),
    ],
)
def test_english_halves_are_not_read_by_the_vietnamese_voice(text, kept):
    assert vietnamese_part(text) == kept
