"""ProcedureSearch logic with fake engines: ranking, levels, live edits, confidence, bad input."""

from __future__ import annotations

import json

import pytest

from knowledge_base.search.engine import ProcedureSearch, SearchTuning
from knowledge_base.search.lexical import Bm25Scorer
from knowledge_base.search.vector_index import NumpyFlatIndex
from tests.knowledge_base.fakes import SAMPLE_PROCEDURES, FakeProcedure, RecordingEncoder


class StubAliases:
    """Expands 'sổ hộ khẩu' to the canonical term, like the real alias table."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = mapping
        self.seen: list[str] = []

    def expansion_text(self, text: str) -> str:
        self.seen.append(text)
        return " ".join(v for k, v in self.mapping.items() if k in text.lower())


FAKE_TUNING = SearchTuning(dense_floor=0.0, dense_ceiling=1.0)
"""The bag-of-words fake spreads cosines over [0, 1], unlike e5's narrow band."""


@pytest.fixture
def search():
    encoder = RecordingEncoder()
    engine = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        aliases=StubAliases({"hộ khẩu": "thường trú"}),
        tuning=FAKE_TUNING,
    )
    engine.load(SAMPLE_PROCEDURES)
    return engine


def test_finds_procedure_with_and_without_diacritics(search):
    assert search.search("đăng ký khai sinh cho con").results[0].code == "1.001193"
    assert search.search("dang ky khai sinh cho con").results[0].code == "1.001193"
    assert search.search("dang ky khai tu").results[0].code == "1.000656"


def test_typo_in_query_is_repaired(search):
    assert search.search("dang kys khai sonh").results[0].code == "1.001193"


def test_aliases_expand_the_query(search):
    outcome = search.search("nhập hộ khẩu cho vợ")
    assert outcome.results[0].code == "1.004222"
    assert search.aliases.seen[-1] == "nhập hộ khẩu cho vợ"


def test_ward_level_by_default_all_levels_on_request(search):
    ward = search.search("giấy phép khai thác khoáng sản", k=10)
    assert "9.000001" not in [h.code for h in ward.results]
    everything = search.search("giấy phép khai thác khoáng sản", all_levels=True)
    assert everything.results[0].code == "9.000001"


def test_a_non_ward_procedure_outranking_every_ward_one_is_reported_as_elsewhere(search):
    ward = search.search("giấy phép khai thác khoáng sản")
    assert ward.elsewhere is not None and ward.elsewhere.code == "9.000001"
    assert ward.elsewhere.code not in [h.code for h in ward.results]
    assert ward.to_json()["elsewhere"]["code"] == "9.000001"
    assert search.search("giấy phép khai thác khoáng sản", all_levels=True).elsewhere is None
    birth = search.search("đăng ký khai sinh cho con")
    assert birth.elsewhere is None and "elsewhere" not in birth.to_json()
    assert search.search("thủ tục 9.000001").elsewhere is None  # an exact code is taken as asked


def test_reporting_elsewhere_leaves_ward_scores_unchanged(search):
    for question in ("giấy phép khai thác khoáng sản", "đăng ký khai sinh cho con", "nhập hộ khẩu cho vợ"):
        other: dict = {}
        assert search.fused_scores(question, other_levels=other) == search.fused_scores(question)
        assert other == search.fused_scores(question, all_levels=True)


def test_exact_code_in_query_wins(search):
    outcome = search.search("thủ tục 1.000894 cần gì")
    assert outcome.results[0].code == "1.000894"
    assert outcome.confidence == "confident"


def test_upsert_makes_a_new_procedure_searchable_and_remove_drops_it(search):
    search.upsert(FakeProcedure("9.999999", "Đăng ký nuôi chim bồ câu đưa thư", "Thử nghiệm"))
    assert search.search("nuôi chim bồ câu").results[0].code == "9.999999"
    assert "Đăng ký nuôi chim bồ câu đưa thư. Lĩnh vực: Thử nghiệm" in search.encoder.passages
    search.remove("9.999999")
    assert "9.999999" not in [h.code for h in search.search("nuôi chim bồ câu", k=10).results]
    search.remove("does-not-exist")  # ignored


def test_upsert_replaces_an_existing_procedure(search):
    search.upsert(FakeProcedure("1.001193", "Đăng ký khai sinh lưu động", "Hộ tịch"))
    assert len(search) == len(SAMPLE_PROCEDURES)
    assert search.search("khai sinh lưu động").results[0].name == "Đăng ký khai sinh lưu động"


@pytest.mark.parametrize(
    "query, error",
    [
        ("", "empty_query"),
        ("   \n\t ", "empty_query"),
        ("😀🙏🎉", "no_searchable_text"),
        ("\u0000\u0001", "empty_query"),
    ],
)
def test_unsearchable_input_gives_no_match_with_error(search, query, error):
    outcome = search.search(query)
    assert outcome.confidence == "no_match" and outcome.results == [] and outcome.error == error
    json.dumps(outcome.to_json())


@pytest.mark.parametrize(
    "query",
    [
        "khai sinh " * 1000,
        "khai sinh \ud800\udfff\ud800",
        "<script>alert(1)</script> khai sinh",
        "khai sinh Привет 你好 مرحبا",
    ],
)
def test_hostile_input_still_gives_valid_json(search, query):
    outcome = search.search(query)
    text = json.dumps(outcome.to_json(), ensure_ascii=False)
    text.encode("utf-8")  # no lone surrogates survive
    assert len(outcome.query) <= 2000
    assert outcome.results and outcome.results[0].code == "1.001193"


def test_confidence_labels_follow_the_thresholds(search):
    assert search.search("đăng ký khai tử cho bà").confidence == "confident"
    assert search.search("thời tiết hôm nay thế nào").confidence == "no_match"
    encoder = RecordingEncoder()
    never_sure = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        tuning=SearchTuning(dense_floor=0.0, dense_ceiling=1.0, confident_score=2.0, clear_margin=2.0),
    )
    never_sure.load(SAMPLE_PROCEDURES)
    assert never_sure.search("đăng ký khai tử cho bà").confidence == "ambiguous"


def test_a_clear_lead_is_confident_below_the_confident_score():
    from knowledge_base.search.outcome import SearchHit

    tuning = SearchTuning(confident_score=0.65, confident_margin=0.04, clear_margin=0.10, no_match_score=0.55)
    search = ProcedureSearch(
        encoder=RecordingEncoder(), index=NumpyFlatIndex(RecordingEncoder().dim), lexical=Bm25Scorer(), tuning=tuning
    )
    hit = lambda code, score: SearchHit(code, code, "", score)  # noqa: E731
    assert search.confidence([hit("a", 0.58), hit("b", 0.47)]) == "confident"  # long question, one stands out
    assert search.confidence([hit("a", 0.58), hit("b", 0.52)]) == "ambiguous"
    assert search.confidence([hit("a", 0.50), hit("b", 0.30)]) == "no_match"


def test_k_is_bounded(search):
    assert len(search.search("đăng ký", k=100).results) <= 50
    assert len(search.search("đăng ký", k=0).results) == 1


def test_citizen_asks_find_a_procedure_its_name_does_not_mention():
    encoder = RecordingEncoder()
    asks = {"1.004222": ("nhập khẩu cho con về nhà ông bà", "move my family's registration to my parents' house")}
    engine = ProcedureSearch(
        encoder=encoder, index=NumpyFlatIndex(encoder.dim), lexical=Bm25Scorer(), asks=asks, tuning=FAKE_TUNING
    )
    engine.load(SAMPLE_PROCEDURES)
    assert "nhập khẩu cho con về nhà ông bà" in encoder.queries  # asks are encoded as e5 queries
    assert engine.search("nhap khau cho con ve nha ong ba").results[0].code == "1.004222"
    assert engine.search("registration at my parents house").results[0].code == "1.004222"
    without = ProcedureSearch(
        encoder=RecordingEncoder(), index=NumpyFlatIndex(encoder.dim), lexical=Bm25Scorer(), tuning=FAKE_TUNING
    )
    without.load(SAMPLE_PROCEDURES)
    assert "1.004222" not in [h.code for h in without.search("registration at my parents house", k=1).results]


def test_staff_edit_of_a_procedure_keeps_its_asks():
    encoder = RecordingEncoder()
    engine = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        asks={"1.004194": ("ở trọ cần báo công an",)},
        tuning=FAKE_TUNING,
    )
    engine.load(SAMPLE_PROCEDURES)
    engine.upsert(FakeProcedure("1.004194", "Đăng ký tạm trú (sửa)", "Đăng ký, quản lý cư trú"))
    assert engine.search("ở trọ cần báo công an").results[0].code == "1.004194"


def test_english_names_from_answer_cards_are_a_lexical_zone():
    """ "single status" shares no word with the Vietnamese name; the card's English name makes it findable, and
    adding English names changes no passage the dense index encodes."""
    encoder = RecordingEncoder()
    plain = ProcedureSearch(
        encoder=encoder, index=NumpyFlatIndex(encoder.dim), lexical=Bm25Scorer(), tuning=FAKE_TUNING
    )
    plain.load(SAMPLE_PROCEDURES)
    english = {"1.004873": "Certificate of single status", "1.001193": "Birth registration"}
    named = ProcedureSearch(
        encoder=RecordingEncoder(),
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        english=english,
        tuning=FAKE_TUNING,
    )
    named.load(SAMPLE_PROCEDURES)
    query = "I need a single status certificate"
    assert named.search(query, k=3).results[0].code == "1.004873"
    assert "1.004873" not in [h.code for h in plain.search(query, k=3).results]
    assert named.document("1.004873").zones["en"] == "Certificate of single status"
    assert named.document("1.004873").passages == plain.document("1.004873").passages


def test_a_query_text_searched_again_is_encoded_once():
    encoder = RecordingEncoder()
    engine = ProcedureSearch(encoder=encoder, index=NumpyFlatIndex(encoder.dim), lexical=Bm25Scorer())
    engine.load(SAMPLE_PROCEDURES)
    first = engine.search("giấy khai sinh cho con", k=3)
    asked = len(encoder.queries)
    again = engine.search("giấy khai sinh cho con", k=3)
    everywhere = engine.search("giấy khai sinh cho con", k=3, all_levels=True)
    assert len(encoder.queries) == asked  # the vector of a text already searched is reused
    assert [h.code for h in again.results] == [h.code for h in first.results] and everywhere.results
    engine.search("đăng ký kết hôn", k=3)
    assert len(encoder.queries) == asked + 1


class CountingScorer(Bm25Scorer):
    """The real BM25 scorer, counting the queries it scores."""

    def __init__(self) -> None:
        super().__init__()
        self.scored: list[str] = []

    def score(self, query: str):
        self.scored.append(query)
        return super().score(query)


def _counting_engine() -> ProcedureSearch:
    encoder = RecordingEncoder()
    engine = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=CountingScorer(),
        aliases=StubAliases({"hộ khẩu": "thường trú"}),
        tuning=FAKE_TUNING,
    )
    engine.load(SAMPLE_PROCEDURES)
    return engine


def test_a_text_scored_again_reuses_its_scores_and_fuses_the_same():
    engine, fresh = _counting_engine(), _counting_engine()
    questions = ("giấy phép khai thác khoáng sản", "nhập hộ khẩu cho vợ", "dang ky khai sinh")
    first = {q: engine.fused_scores(q, other_levels={}) for q in questions}
    scored = len(engine.lexical.scored)
    again = {
        q: (engine.fused_scores(q), engine.fused_scores(q, all_levels=True), engine.search(q, k=5)) for q in questions
    }
    assert len(engine.lexical.scored) == scored == len(questions)  # ward, all levels and search: scored once
    for q in questions:  # the same answers as an engine that never saw the text
        assert again[q][0] == first[q] == fresh.fused_scores(q)
        assert again[q][1] == fresh.fused_scores(q, all_levels=True)
        assert again[q][2] == fresh.search(q, k=5)


def test_an_edit_or_a_new_tuning_is_never_answered_from_old_scores():
    engine = _counting_engine()
    assert engine.search("nuôi chim bồ câu", k=10).results[0].code != "9.999999"
    engine.upsert(FakeProcedure("9.999999", "Đăng ký nuôi chim bồ câu đưa thư", "Thử nghiệm"))
    assert engine.search("nuôi chim bồ câu", k=10).results[0].code == "9.999999"
    engine.remove("9.999999")
    assert "9.999999" not in [h.code for h in engine.search("nuôi chim bồ câu", k=10).results]
    wide = engine.fused_scores("đăng ký khai sinh", all_levels=True)
    engine.tuning = SearchTuning(dense_floor=0.0, dense_ceiling=1.0, dense_rows=1)
    assert engine.fused_scores("đăng ký khai sinh", all_levels=True) != wide  # one dense row read now
