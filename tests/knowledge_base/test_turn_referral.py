"""knowledge_base.turn.referral with fake engines: a story that names a procedure beyond the ward is referred
even when search ranks a ward procedure first; level duplicates, variants and greetings are not."""

from __future__ import annotations

import pytest

from knowledge_base.search.outcome import SearchHit
from knowledge_base.turn import SiblingMarkers, search_turn
from knowledge_base.turn.referral import ReferralTuning, better_elsewhere, candidates
from tests.knowledge_base.fakes import FakeProcedure, turn_search

PROCEDURES = [
    FakeProcedure("1.003677", "Khai báo tạm vắng", "Cư trú"),
    FakeProcedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch"),
    FakeProcedure("1.010386", "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp xã)", "Xuất nhập cảnh"),
    FakeProcedure(
        "1.001445",
        "Trình báo mất hộ chiếu phổ thông (thực hiện tại cấp tỉnh)",
        "Xuất nhập cảnh",
        ward_level=False,
        levels=["Cấp tỉnh"],
    ),
    FakeProcedure(
        "3.000333",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "Lý lịch tư pháp",
        ward_level=False,
        levels=["Cấp tỉnh"],
    ),
    FakeProcedure("1.013978", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "Đất đai"),
    FakeProcedure(
        "1.012786",
        "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
        "Đất đai",
        ward_level=False,
        levels=["Cấp tỉnh"],
    ),
    FakeProcedure("3.000347", "Đổi giấy phép lái xe", "Giấy phép lái xe", ward_level=False, levels=["Cấp bộ"]),
    FakeProcedure(
        "3.000351", "Đổi giấy phép lái xe của người nước ngoài", "Giấy phép lái xe", ward_level=False, levels=["Cấp bộ"]
    ),
    FakeProcedure("1.009790", "Đăng ký chào mua công khai", "Chứng khoán", ward_level=False, levels=["Cấp bộ"]),
]


@pytest.fixture(scope="module")
def search():
    return turn_search(PROCEDURES)


@pytest.fixture(scope="module")
def markers():
    return SiblingMarkers.load()


class RankedSearch:
    """The fake search with fixed all-level scores: a ward procedure that the story's context resembles
    (dense evidence the fakes cannot produce) ranked above the provincial one the story names."""

    def __init__(self, search, scores: dict[str, float]) -> None:
        self._search, self.scores = search, scores
        self.lexical, self.aliases = search.lexical, None

    def fused_scores(self, text, *, all_levels=False, **_):
        return {c: s for c, s in self.scores.items() if all_levels or self._search.document(c).ward_level}

    def document(self, code):
        return self._search.document(code)

    def derived(self, key, build):
        return self._search.derived(key, build)


STORY = "cho cháu hỏi xin lý lịch tư pháp để đi xuất khẩu lao động thì làm ở đây ạ"
STORY_WORDS = ["ly_lich", "tu_phap", "xuat", "khau", "lao_dong"]


def test_a_story_naming_a_provincial_procedure_is_referred_although_a_ward_one_ranks_first(search, markers):
    ranked = RankedSearch(search, {"1.003677": 0.72, "1.001193": 0.5, "3.000333": 0.48})
    hit = better_elsewhere(ranked, STORY, STORY_WORDS, markers)
    assert hit is not None and hit.code == "3.000333"


def test_without_the_evidence_weight_the_ward_procedure_would_win(search, markers):
    """The comparison is what refers: with no weight on the said words the best search score stands."""
    ranked = RankedSearch(search, {"1.003677": 0.72, "1.001193": 0.5, "3.000333": 0.48})
    flat = ReferralTuning(evidence_weight=0.0, precision_weight=0.0)
    assert better_elsewhere(ranked, STORY, STORY_WORDS, markers, tuning=flat) is None


def test_a_ward_procedure_whose_own_words_are_said_is_not_referred_away(search, markers):
    ranked = RankedSearch(search, {"1.010386": 0.70, "1.001445": 0.75})
    text = "trình báo mất hộ chiếu phổ thông"
    assert better_elsewhere(ranked, text, ["trinh_bao", "mat", "ho_chieu", "pho_thong"], markers) is None


def test_a_level_duplicate_of_a_ward_procedure_stays_at_the_ward(search, markers):
    outcome = search_turn(search, "trình báo mất hộ chiếu phổ thông")
    assert (outcome.kind, outcome.code) == ("procedure", "1.010386")


def test_a_variant_the_turn_says_sets_aside_the_ward_record_that_names_another(search, markers):
    found = {
        c.code: c
        for c in candidates(
            search, "xin cấp lại giấy chứng nhận đất", ["cap_lai", "giay", "chung_nhan", "dat"], markers
        )
    }
    assert found["1.013978"].contradicted  # "lần đầu" named, "cấp lại" asked
    assert not found["1.012786"].contradicted
    outcome = search_turn(search, "xin cấp lại giấy chứng nhận đất")
    assert (outcome.kind, outcome.code) == ("not_at_ward", "1.012786")


def test_among_records_beyond_the_ward_the_one_whose_name_the_turn_says_is_chosen(search, markers):
    wrong = SearchHit(code="3.000351", name="Đổi giấy phép lái xe của người nước ngoài", field="", score=0.6)
    hit = better_elsewhere(search, "đổi giấy phép lái xe", ["doi", "giay_phep", "lai_xe"], markers, wrong)
    assert hit is not None and hit.code == "3.000347"


def test_a_referral_sharing_no_phrase_with_the_turn_is_dropped(search, markers):
    greeting = SearchHit(code="1.009790", name="Đăng ký chào mua công khai", field="", score=0.7)
    assert better_elsewhere(search, "xin chào", ["chao"], markers, greeting) is None
    assert search_turn(search, "xin chào").kind != "not_at_ward"


def test_a_follow_up_about_the_referred_procedure_stays_on_it(search):
    outcome = search_turn(search, "mất bao lâu thì có", current_code="3.000333")
    assert (outcome.kind, outcome.code, outcome.follow_up) == ("not_at_ward", "3.000333", True)


def test_a_citizen_phrasing_of_a_non_ward_record_counts_as_naming_it(markers):
    """ "đăng kiểm" is how people say the inspection whose catalogue name says "kiểm định": with the phrasing in
    knowledge_base/data/non_ward_procedures.yaml indexed, the turn names it, not only resembles it."""
    from knowledge_base.search.engine import ProcedureSearch, SearchTuning
    from knowledge_base.search.lexical import Bm25Scorer
    from knowledge_base.search.vector_index import NumpyFlatIndex
    from tests.knowledge_base.fakes import RecordingEncoder

    procedures = PROCEDURES + [
        FakeProcedure(
            "1.005103",
            "Cấp Giấy chứng nhận kiểm định xe cơ giới",
            "Đăng kiểm",
            ward_level=False,
            levels=["Cơ quan khác"],
        )
    ]
    text, words = "xe ô tô hết hạn đăng kiểm", ["xe_o", "het_han", "dang_kiem"]

    def phrase(asks):
        encoder = RecordingEncoder()
        engine = ProcedureSearch(
            encoder=encoder,
            index=NumpyFlatIndex(encoder.dim),
            lexical=Bm25Scorer(),
            tuning=SearchTuning(dense_floor=0.0, dense_ceiling=1.0),
            asks=asks,
        )
        engine.load(procedures)
        rare = ReferralTuning(ask_pair_idf=0.0)  # the fake corpus is too small for real word rarity
        return next(c.phrase for c in candidates(engine, text, words, markers, rare) if c.code == "1.005103")

    assert not phrase({})
    assert phrase({"1.005103": ("đăng kiểm xe ô tô", "xe hết hạn đăng kiểm")})


def test_function_words_never_make_a_ward_exception():
    """ "của tôi", "ô tô" share only function words and syllables with a ward record about driving-test yards; the
    content words ("đổi", "bằng lái") point to exchanging the licence."""
    from knowledge_base.turn.decide import _distinct_said

    ward = "Thu hồi chấp thuận hoạt động của sân tập lái để sát hạch lái xe mô tô"
    assert _distinct_said(["bang+lai", "b2", "het_han", "doi"], ward, "Đổi giấy phép lái xe") == (0, 1)
    assert (
        _distinct_said(
            ["mat", "ho_chieu", "bao_mat"], "Trình báo mất hộ chiếu phổ thông", "Cấp hộ chiếu phổ thông ở trong nước"
        )[0]
        > 0
    )


def test_an_english_turn_says_the_english_name_of_a_record_beyond_the_ward(markers):
    """Evidence is read in the turn's language: "extend my visa" says the English short name of the stay extension
    (knowledge_base/data/non_ward_procedures.yaml), not only its Vietnamese catalogue name."""
    from knowledge_base.search.engine import ProcedureSearch, SearchTuning
    from knowledge_base.search.lexical import Bm25Scorer
    from knowledge_base.search.vector_index import NumpyFlatIndex
    from tests.knowledge_base.fakes import RecordingEncoder

    procedures = PROCEDURES + [
        FakeProcedure(
            "1.001146",
            "Gia hạn tạm trú cho người nước ngoài tại Việt Nam",
            "Xuất nhập cảnh",
            ward_level=False,
            levels=["Cấp tỉnh"],
        )
    ]

    def evidence(english):
        encoder = RecordingEncoder()
        engine = ProcedureSearch(
            encoder=encoder,
            index=NumpyFlatIndex(encoder.dim),
            lexical=Bm25Scorer(),
            tuning=SearchTuning(dense_floor=0.0, dense_ceiling=1.0),
            english=english,
        )
        engine.load(procedures)
        found = candidates(engine, "extend my visa", ["extend", "visa"], markers)
        return next((c.evidence for c in found if c.code == "1.001146"), 0.0)

    assert evidence({}) == 0.0
    assert evidence({"1.001146": "Visa extension: extend a foreigner's stay"}) > 0.5


@pytest.mark.parametrize(
    ("text", "only_the_referral"),
    [
        ("nhà tôi bị mất sổ đỏ rồi, giờ xin cấp lại thì phường làm cho không", True),  # re-issue: beyond the ward
        ("xin cấp sổ đỏ thì phường làm cho không", False),  # "xin cấp" is the default variant: it says nothing
        ("cấp sổ đỏ lần đầu", False),  # the ward record's variant
    ],
)
def test_a_variant_only_the_referral_has_settles_referral_or_ward(markers, text, only_the_referral):
    from knowledge_base.turn.decide import _variant_only_of

    names = {p.code: p.name for p in PROCEDURES}
    referral, ward = names["1.012786"], names["1.013978"]  # re-issue beyond the ward; first issue at the ward
    assert _variant_only_of(markers, text, referral, ward) is only_the_referral
