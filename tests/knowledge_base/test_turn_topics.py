"""The topic a turn's question words ask (knowledge_base.turn.topics) and its place in search_turn's outcome."""

from __future__ import annotations

import pytest

from knowledge_base.turn.topics import TopicWords, TopicWordsError


@pytest.fixture(scope="module")
def words() -> TopicWords:
    return TopicWords.load()


@pytest.mark.parametrize(
    "text,topic",
    [
        ("lệ phí?", "fee"),
        ("le phi", "fee"),
        ("fee?", "fee"),
        ("có tốn tiền hông", "fee"),
        ("mấy hôm thì có giấy", "time"),
        ("how long does it take", "time"),
        ("lâu ko bạn", "time"),
        ("có lâu không ạ", "time"),
        ("bao nhiêu ngày", "time"),
        ("nộp ở quầy nào", "where"),
        ("làm ở phường hay phải lên huyện", "where"),
        ("Where do I go?", "where"),
        ("cần mang theo gì", "documents"),
        ("What should I bring?", "documents"),
        ("làm online được không", "online"),
        ("các bước ra sao", "steps"),
        ("căn cứ pháp lý", "legal"),
        ("nộp online được không hay phải lên tận nơi", "online"),
        ("căn cứ theo văn bản nào vậy", "legal"),
        ("het bn tien", "fee"),
        ("đổi ở mô", "where"),
        ("cần giấy chi", "documents"),
        ("làm xong trong ngày không hay phải về rồi hôm khác lên", "time"),
        ("có lấy ngay được không", "time"),
    ],
)
def test_question_words_say_the_topic(words, text, topic):
    assert words.topic(text) == topic


def test_no_question_word_means_no_topic(words):
    assert words.topic("đăng ký khai sinh") is None
    assert words.topic("") is None


def test_longer_phrase_wins_and_file_order_breaks_ties(words):
    assert words.topics("mất bao nhiêu ngày") == ["time"]  # "bao nhiêu ngày" is time, not fee
    assert words.topic("online thì tốn nhiêu") == "fee"  # fee is listed before online


def test_a_procedure_name_holding_a_question_word_asks_nothing(words):
    from knowledge_base.turn.words import TurnWords

    names = TurnWords.load().names
    assert words.topic("xin trợ giúp pháp lý", names) is None
    assert words.topic("căn cứ pháp lý", names) == "legal"


def test_malformed_files_are_refused(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("colour: [đỏ]\n", encoding="utf-8")
    with pytest.raises(TopicWordsError, match="unknown topic"):
        TopicWords.load(bad)
    bad.write_text("fee: [phí]\ntime: [phí]\n", encoding="utf-8")
    with pytest.raises(TopicWordsError, match="both"):
        TopicWords.load(bad)


def test_search_turn_reports_the_topic_of_a_follow_up():
    from knowledge_base.search.engine import ProcedureSearch, SearchTuning
    from knowledge_base.search.lexical import Bm25Scorer
    from knowledge_base.search.vector_index import NumpyFlatIndex
    from knowledge_base.turn import search_turn
    from tests.knowledge_base.fakes import FakeProcedure, RecordingEncoder

    encoder = RecordingEncoder()
    engine = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        tuning=SearchTuning(dense_floor=0.0, dense_ceiling=1.0),
    )
    engine.load([FakeProcedure("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch")])
    outcome = search_turn(engine, "có tốn tiền hông", "1.000894")
    assert (outcome.code, outcome.topic, outcome.to_json()["topic"]) == ("1.000894", "fee", "fee")
    assert search_turn(engine, "đăng ký kết hôn", None).topic is None


def test_a_turn_typed_with_diacritics_must_agree_with_the_cue(words):
    assert words.topic("muốn sửa lại mặt tiền thì xin phép ở đâu") == "where"  # the house front, not "mất tiền"
    assert words.topic("co mat tien khong") == "fee"  # typed without diacritics: may be "mất tiền"
    assert words.topic("online thì tốn nhiêu") == "fee"  # each spelling listed in the file is heard
