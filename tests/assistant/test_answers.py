"""Pure reply composition: ≤ 3 sentences, cites the code, never invents a fee; data files validate on load."""

from __future__ import annotations

import re

import pytest

from assistant.actions.answers import TOPICS, describe, format_vnd, shorten
from assistant.actions.language import detect_language, in_language
from assistant.actions.options import parse_option_number
from assistant.actions.replies import Replies, RepliesError
from knowledge_base.turn.words import TurnWords as QuestionWords
from tests.assistant.fakes import DESK_HOTICH, PROCEDURES, procedure

REPLIES = Replies.load()


def sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


@pytest.mark.parametrize("topic", TOPICS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_topic_is_short_and_cites_the_code(topic, language):
    record = PROCEDURES["1.001193"]
    route = {"desk": DESK_HOTICH}
    text = describe(topic, record, REPLIES, language, route=route)
    assert "1.001193" in text
    assert sentences(text) <= 3, text


@pytest.mark.parametrize(
    ("fee", "expected"),
    [
        ({"fee_amount_vnd": 0, "fee_set_by_province": False}, "miễn lệ phí"),
        ({"fee_amount_vnd": 8000, "fee_set_by_province": False}, "8.000 đồng"),
        ({"fee_amount_vnd": 8000, "fee_set_by_province": True}, "Hội đồng nhân dân tỉnh"),
        ({"fee_amount_vnd": None, "fee_set_by_province": False}, "Hội đồng nhân dân tỉnh"),
    ],
)
def test_fee_rules(fee, expected):
    record = procedure("9.000001", "Thủ tục thử", fee={"fee": "x", **fee})
    text = describe("fee", record, REPLIES, "vi")
    assert expected in text
    if expected == "Hội đồng nhân dân tỉnh":
        assert not re.search(r"\d", text.replace("9.000001", ""))


@pytest.mark.parametrize(
    ("time", "vietnamese", "english"),
    [("5 Ngày làm việc", "5 Ngày làm việc", "1 working day(s)"), ("Trong ngày", "Trong ngày", "1 day(s)")],
)
def test_the_catalogues_time_is_counted_in_english_not_quoted_in_vietnamese(time, vietnamese, english):
    record = procedure("9.000002", "Thủ tục thử", fee={"fee": "x"}, time=time)  # no answer card: catalogue only
    assert vietnamese in describe("time", record, REPLIES, "vi")
    text = describe("time", record, REPLIES, "en")
    assert english in text and "ngày" not in text.lower()


def test_record_without_channels_or_documents_still_answers():
    record = {**PROCEDURES["1.001193"], "channels": [], "documents": [], "steps": [], "legal_basis": []}
    for topic in TOPICS:
        assert "1.001193" in describe(topic, record, REPLIES, "vi")


def test_full_details_list_every_document():
    text = describe("documents", PROCEDURES["1.001193"], REPLIES, "vi", full=True)
    assert all(f"Giấy tờ số {i}" in text for i in range(1, 6))


def test_documents_say_forms_and_always_needed_papers_first():
    record = {
        **PROCEDURES["1.001193"],
        "documents": [
            {
                "group": "Giấy tờ phải nộp",
                "name": "Trường hợp trẻ bị bỏ rơi thì có biên bản",
                "form": "",
                "copies": "1 bản chính",
            },
            {
                "group": "Giấy tờ phải nộp",
                "name": "Giấy chứng sinh; trường hợp không có thì giấy làm chứng",
                "form": "",
                "copies": "1 bản chính",
            },
            {"group": "Lưu ý", "name": "Cá nhân có quyền lựa chọn nơi đăng ký", "form": "", "copies": "0 bản chính"},
            {
                "group": "",
                "name": "Tờ khai đăng ký khai sinh theo mẫu (nếu nộp trực tiếp)",
                "form": "",
                "copies": "1 bản chính",
            },
        ],
    }
    text = describe("documents", record, REPLIES, "vi")
    assert "cần: Tờ khai đăng ký khai sinh theo mẫu; Giấy chứng sinh; Trường hợp trẻ bị bỏ rơi" in text
    assert "quyền lựa chọn" not in describe("documents", record, REPLIES, "vi", full=True)


def test_shorten_keeps_one_clause():
    assert shorten("- Tờ khai đăng ký khai sinh. Kèm bản sao; nếu có") == "Tờ khai đăng ký khai sinh"
    assert len(shorten("x " * 200, 40)) <= 41


def test_format_vnd():
    assert format_vnd(1500000, "vi") == "1.500.000" and format_vnd(1500000, "en") == "1,500,000"


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("làm giấy khai sinh cho con cần gì?", "khai sinh"),
        ("lệ phí đăng ký kết hôn bao nhiêu", "đăng ký kết hôn"),
        ("what documents do I need for birth registration", "birth registration"),
        ("mất bao lâu?", ""),
        ("thủ tục 1.001193", "1.001193"),
        ("tôi cần làm chứng thực", "chứng thực"),
        ("tôi muốn sang tên sổ đỏ", "sang tên sổ đỏ"),
        ("lam so do het bao nhieu tien", "so do"),
    ],
)
def test_subject_text_keeps_the_procedure_words_with_diacritics(text, subject):
    assert QuestionWords.load().subject_text(text) == subject


def test_question_words_separate_topic_from_subject():
    words = QuestionWords.load()
    assert not words.names_a_procedure("mất bao lâu?")
    assert not words.names_a_procedure("how much does it cost")
    assert words.names_a_procedure("lệ phí kết hôn bao nhiêu")
    assert words.names_a_procedure("le phi dang ky tam tru")
    assert words.names_a_procedure("sổ đỏ mất bao lâu")  # "đỏ" is not "đó"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("số 2", 2),
        ("cái thứ hai", 2),
        ("cai thu ba", 3),
        ("cái đầu tiên", 1),
        ("the second one", 2),
        ("number one", 1),
        ("3", 3),
        ("hmm", None),
        ("số 1 hay 2", None),
    ],
)
def test_option_number(text, expected):
    assert parse_option_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cho hỏi làm giấy khai sinh", "vi"),
        ("cho hoi lam giay khai sinh", "vi"),
        ("le phi bao nhieu", "vi"),
        ("How long does it take?", "en"),
        ("can I apply online", "en"),
        ("ok", "vi"),
        ("", "vi"),
        ("Can it be done online?", "en"),
        ("My fiancé is Japanese, do I need a certificate?", "en"),
        ("I need to đăng ký tạm trú for my wife, she is moving into my apartment", "en"),
        ("check hồ sơ giúp em", "vi"),
        ("em muốn làm passport mới", "vi"),
        # English words beyond the question words; a Vietnamese procedure name quoted inside an English sentence
        ("never mind", "en"),
        ("legal basis?", "en"),
        ("someone stole my wallet yesterday", "en"),
        ("What is the legal basis for đăng ký khai tử?", "en"),
        ("Hello, I want to làm giấy khai sinh for my son, vợ mình là người Việt", "en"),
        ("hello, I need to do dang ky tam tru for myself, I just moved into a rented room", "en"),
        # Vietnamese with an English word or two stays Vietnamese
        ("ok em, cho chị hỏi làm visa ở đâu", "vi"),
        ("mình muốn đăng ký online được không", "vi"),
        ("hi em, cho hỏi thủ tục khai sinh", "vi"),
        # "can" and "do" are English as often as they are "cần" and "đó"; "fiancée" is an English loanword
        ("xin chao. I am French, my fiancée lives in this phường. We want dang ky ket hon. Can we do it online?", "en"),
        ("cho hoi can giay to gi", "vi"),
        ("do phi bao nhieu", "vi"),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_ward_and_desk_facts_in_the_reply_language():
    desk = {"floor": "Tầng 1", "floor_en": "Floor 1", "directions": "Rẽ phải."}
    assert in_language(desk, "floor", "en") == "Floor 1" and in_language(desk, "floor", "vi") == "Tầng 1"
    assert in_language(desk, "directions", "en") == "Rẽ phải."  # not written in English: the Vietnamese text
    assert in_language(desk, "hours", "en") == ""


def test_broken_replies_file_is_rejected_with_the_entry_name(tmp_path):
    bad = tmp_path / "replies.yaml"
    bad.write_text('greet:\n  vi: "Chào {name}"\n  en: "Hello {nam}"\n', encoding="utf-8")
    with pytest.raises(RepliesError, match="greet"):
        Replies.load(bad)
    bad.write_text('greet:\n  vi: "Chào"\n', encoding="utf-8")
    with pytest.raises(RepliesError, match="greet"):
        Replies.load(bad)


def test_catalogue_names_starting_with_thu_tuc_are_not_doubled():
    text = describe("fee", PROCEDURES["1.001193"], REPLIES, "vi")
    assert "tục đăng ký khai sinh (mã 1.001193)" in text and "Thủ tục Thủ tục" not in text
    overview = describe("overview", PROCEDURES["1.001193"], REPLIES, "vi")
    assert overview.startswith("Thủ tục đăng ký khai sinh (mã 1.001193)")
    assert describe("fee", {**PROCEDURES["2.000843"], "name": "BHXH tự nguyện"}, REPLIES, "vi").count("BHXH") == 1
