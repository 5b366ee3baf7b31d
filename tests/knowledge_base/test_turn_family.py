"""Procedure families (knowledge_base/turn/family.py): when close procedures compete the question is asked about,
and an answer to that question is read against the offered procedures. Search hits are given, so the tests are
about the family logic, not about ranking."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from knowledge_base.turn import SiblingMarkers, family
from knowledge_base.turn.siblings import SiblingIndex

NAMES = {
    "1.001939": "Đăng ký đóng, cấp thẻ BHYT đối với người chỉ tham gia BHYT",
    "1.002759": "Cấp lại, đổi, điều chỉnh thông tin trên sổ BHXH, thẻ BHYT",
    "1.013225": "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
    "1.013229": "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
    "2.000992": "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật",
    "2.000884": "Chứng thực chữ ký trong các giấy tờ, văn bản",
    "2.001019": "Chứng thực di chúc",
    "1.001193": "Thủ tục đăng ký khai sinh",
    "2.000528": "Thủ tục đăng ký khai sinh có yếu tố nước ngoài",
    "1.014061": "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên",
    "1.014062": "Cấp thẻ căn cước cho người dưới 14 tuổi",
    "1.004837": "Thủ tục đăng ký giám hộ",
    "1.004845": "Thủ tục đăng ký chấm dứt giám hộ",
    "1.001669": "Thủ tục đăng ký giám hộ có yếu tố nước ngoài",
    "1.003677": "Khai báo tạm vắng",
}


@dataclass(frozen=True)
class Doc:
    code: str
    name: str
    ward_level: bool = True


@dataclass(frozen=True)
class Hit:
    code: str
    score: float


class FamilySearch:
    """The part of ProcedureSearch the family logic reads: documents, derived tables, no aliases."""

    aliases = None

    def __init__(self, names: dict[str, str]) -> None:
        self.docs = {code: Doc(code, name) for code, name in names.items()}

    def document(self, code):
        return self.docs.get(code)

    def derived(self, key, build):
        return build(list(self.docs.values()))


@pytest.fixture(scope="module")
def search():
    return FamilySearch(NAMES)


@pytest.fixture(scope="module")
def markers():
    return SiblingMarkers.load()


@pytest.fixture(scope="module")
def index(markers):
    return SiblingIndex(markers, NAMES.items())


def hits(*pairs):
    return [Hit(code, score) for code, score in pairs]


def test_a_family_named_without_its_variant_words_is_asked_about(search, index, markers):
    found = family.decide(
        search,
        index,
        markers,
        "hỏi về thẻ BHYT cho mẹ tôi",
        hits(("1.001939", 0.96), ("1.002759", 0.80), ("1.003677", 0.79)),
    )
    assert found == ["1.001939", "1.002759"]  # members only, best first; the unrelated hit is not offered


def test_a_family_member_far_below_the_top_hit_does_not_compete(search, index, markers):
    assert (
        family.decide(
            search, index, markers, "hỏi về thẻ BHYT cho mẹ tôi", hits(("1.001939", 0.96), ("1.002759", 0.50))
        )
        == []
    )


def test_a_question_that_says_a_re_issue_or_change_is_left_to_the_siblings(search, index, markers):
    assert (
        family.decide(
            search,
            index,
            markers,
            "xin cấp lại giấy phép xây dựng nhà 2 tầng",
            hits(("1.013225", 0.90), ("1.013229", 0.80)),
        )
        == []
    )


def test_applying_for_a_permit_does_not_tell_a_new_build_from_a_repair(search, index, markers):
    assert family.decide(
        search, index, markers, "xin giấy phép xây dựng nhà 2 tầng", hits(("1.013225", 0.90), ("1.013229", 0.80))
    ) == ["1.013225", "1.013229"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("xin giấy phép xây dựng, nhà cũ đập đi xây mới", "1.013225"),
        ("xin giấy phép xây dựng để sửa lại mái nhà với nâng thêm tầng", "1.013229"),
    ],
)
def test_the_building_works_the_question_describes_are_not_asked_about(search, index, markers, text, code):
    assert (
        family.decide(
            search, index, markers, text, hits((code, 0.90), ("1.013225" if code != "1.013225" else "1.013229", 0.85))
        )
        == []
    )


def test_applying_for_members_that_differ_only_in_administrative_wording_is_left_to_search(index, markers):
    names = {
        "1.011606": "Công nhận hộ nghèo, hộ cận nghèo; hộ thoát nghèo, hộ thoát cận nghèo định kỳ hằng năm",
        "1.011607": "Công nhận hộ nghèo, hộ cận nghèo thường xuyên hằng năm",
    }
    poor = FamilySearch(names)
    assert (
        family.decide(
            poor,
            SiblingIndex(markers, names.items()),
            markers,
            "muốn xin xét hộ nghèo",
            hits(("1.011607", 0.9), ("1.011606", 0.85)),
        )
        == []
    )


def test_without_an_action_a_specific_variant_on_top_gets_a_question(search, index, markers):
    assert family.decide(
        search, index, markers, "giấy phép xây dựng cho căn nhà", hits(("1.013225", 0.90), ("1.013229", 0.80))
    ) == ["1.013225", "1.013229"]


def test_the_plain_member_on_top_is_left_to_the_default_rule(search, index, markers):
    assert (
        family.decide(search, index, markers, "khai sinh cho con", hits(("1.001193", 0.95), ("2.000528", 0.90))) == []
    )


def test_only_members_whose_own_words_the_question_says_are_offered(search, index, markers):
    found = family.decide(
        search, index, markers, "chứng thực chữ ký", hits(("2.000992", 0.99), ("2.001019", 0.93), ("2.000884", 0.92))
    )
    assert found == ["2.000992", "2.000884"]  # "di chúc" has no "chữ ký"


def test_rare_variants_the_question_does_not_say_are_offered_last(index, markers):
    assert family.rare_unsaid(index, markers, "1.001669", {}) == 1
    assert family.rare_unsaid(index, markers, "1.004845", {}) == 0
    assert family.rare_unsaid(index, markers, "1.001669", {"foreign": {"foreign"}}) == 0


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("bé nhà em mới lên lớp 1, 6 tuổi thôi", "1.014062"),
        ("con tôi năm nay 15 tuổi rồi", "1.014061"),
    ],
)
def test_an_age_answer_picks_the_offered_age_range(search, markers, answer, code):
    assert family.choose_option(search, markers, answer, ["1.014061", "1.014062"])[0] == code


@pytest.mark.parametrize(
    ("answer", "options", "code"),
    [
        ("thẻ của bà bị in sai năm sinh, muốn sửa lại cho đúng", ["1.001939", "1.002759"], "1.002759"),
        ("năm nay cháu nó đủ 18 tuổi rồi, không cần ai giám hộ nữa", ["1.004837", "1.004845"], "1.004845"),
        ("nhà cũ rồi, chỉ muốn cải tạo lại mặt tiền với sửa cái mái", ["1.013225", "1.013229"], "1.013229"),
    ],
)
def test_an_answer_in_the_citizen_s_words_picks_the_offered_procedure_it_describes(
    search, markers, answer, options, code
):
    assert family.choose_option(search, markers, answer, options)[0] == code


def test_an_option_whose_variant_the_answer_denies_is_not_picked(search, markers):
    options = ["1.001193", "2.000528"]  # birth registration, and with a foreign element
    assert family.choose_option(search, markers, "không có yếu tố nước ngoài, cả hai đều người Việt", options)[0] == (
        "1.001193"
    )


@pytest.mark.parametrize("answer", ["nộp ở đâu", "có mất phí không chị", "bao lâu"])
def test_an_answer_that_describes_no_option_picks_none(search, markers, answer):
    assert family.choose_option(search, markers, answer, ["1.001939", "1.002759"]) is None


def test_a_cue_of_several_variants_offers_the_close_procedures_of_each(markers):
    names = {
        "1.004884": "Thủ tục đăng ký lại khai sinh",
        "2.000635": "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        "1.001193": "Thủ tục đăng ký khai sinh",
        "1.003677": "Khai báo tạm vắng",
    }
    births, index = FamilySearch(names), SiblingIndex(markers, names.items())
    found = hits(("1.004884", 1.0), ("1.001193", 0.85), ("2.000635", 0.75), ("1.003677", 0.74))
    assert family.variants_said(births, index, markers, "mất giấy khai sinh rồi, làm lại thế nào", found) == [
        "1.004884",
        "2.000635",
    ]
    # said once: the register book is still kept → only the copy fits: answered
    assert family.variants_said(births, index, markers, "mất giấy khai sinh, sổ ở phường vẫn còn lưu", found) == [
        "2.000635"
    ]
    # too far below the top hit to compete
    assert (
        family.variants_said(
            births, index, markers, "mất giấy khai sinh rồi", hits(("1.004884", 1.0), ("2.000635", 0.5))
        )
        == []
    )
