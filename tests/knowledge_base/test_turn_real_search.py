"""search_turn on the real fused search over the committed catalogue: siblings, referrals, follow-ups.

Needs the embedding model and index built by the set-up (`make setup`); skipped without them. Questions are
written for these tests (not taken from any evaluation file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.settings import SearchSettings
from knowledge_base.turn import search_turn

SETTINGS = SearchSettings()
pytestmark = [
    pytest.mark.models,
    pytest.mark.skipif(
        not (Path(SETTINGS.embedding_model).is_dir() and (Path(SETTINGS.index_dir) / "manifest.json").is_file()),
        reason="embedding model / search index not built (make setup)",
    ),
]
ID_CARDS = {"1.014061", "1.014062", "1.014063", "1.014064"}
TEMPORARY_RESIDENCE = {"1.004194", "1.002755", "1.010028"}


@pytest.fixture(scope="module")
def search():
    from knowledge_base.search.build import build_search

    return build_search(SETTINGS)


def test_an_id_card_question_without_age_or_reason_asks_which_card(search):
    outcome = search_turn(search, "cho tôi hỏi thủ tục làm thẻ căn cước")
    assert outcome.kind == "clarify" and 2 <= len(outcome.choices) <= 3
    assert {c.code for c in outcome.choices} <= ID_CARDS


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("bị móc túi mất thẻ căn cước, làm lại ở đâu", "1.014064"),
        ("thẻ căn cước hết hạn rồi muốn đổi thẻ mới", "1.014063"),
        ("làm căn cước cho con gái 9 tuổi", "1.014062"),
    ],
)
def test_the_id_card_the_question_describes_is_answered(search, text, code):
    outcome = search_turn(search, text)
    assert (outcome.kind, outcome.code) == ("procedure", code)


def test_temporary_residence_without_a_verb_offers_register_extend_cancel(search):
    outcome = search_turn(search, "cho tôi hỏi về tạm trú")
    assert outcome.kind == "clarify" and {c.code for c in outcome.choices} == TEMPORARY_RESIDENCE


def test_an_expiring_temporary_residence_moves_to_the_extension_after_a_choice(search):
    outcome = search_turn(search, "tạm trú của tôi sắp hết hạn", options=sorted(TEMPORARY_RESIDENCE))
    assert (outcome.kind, outcome.code) == ("procedure", "1.002755")


def test_a_passport_is_referred_but_reporting_a_lost_one_is_done_at_the_ward(search):
    referral = search_turn(search, "làm hộ chiếu mới để đi du lịch")
    assert referral.kind == "not_at_ward" and not search.document(referral.code).ward_level
    report = search_turn(search, "tôi bị mất hộ chiếu, muốn trình báo mất")
    assert report.kind == "procedure" and search.document(report.code).ward_level
    assert "hộ chiếu" in report.name.lower()


@pytest.mark.parametrize("text", ["lệ phí bao nhiêu", "mất bao lâu thì có", "nộp ở đâu vậy con"])
def test_follow_ups_about_a_referred_procedure_stay_on_it(search, text):
    referral = search_turn(search, "xin phiếu lý lịch tư pháp")
    assert referral.kind == "not_at_ward"
    outcome = search_turn(search, text, referral.code)
    assert (outcome.kind, outcome.code, outcome.follow_up) == ("not_at_ward", referral.code, True)


@pytest.mark.parametrize("text", ["giờ", "cháu", "con dâu", "thôi", "đăng ký"])
def test_everyday_words_never_give_a_confident_procedure(search, text):
    assert search_turn(search, text).kind == "ask_procedure"


@pytest.mark.parametrize("text", ["sao mỗi tờ hết mấy nghìn", "mấy hôm thì có giấy", "vậy con", "có mất tiền không"])
def test_follow_ups_with_fillers_keep_the_current_procedure(search, text):
    outcome = search_turn(search, text, "2.000815")
    assert (outcome.code, outcome.follow_up) == ("2.000815", True)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("thẻ cũ bị mất ví mất luôn rồi", "1.014064"),
        ("cái thẻ cũ hết hạn rồi", "1.014063"),
    ],
)
def test_an_answer_that_says_a_sibling_that_was_not_offered_moves_to_it(search, answer, code):
    outcome = search_turn(search, answer, options=["1.014061", "1.014062"])
    assert (outcome.kind, outcome.code) == ("procedure", code)


@pytest.mark.parametrize("text", ["xin giấy phép xây dựng nhà ở", "muốn làm giấy phép xây dựng cho nhà mình"])
def test_applying_for_a_building_permit_asks_new_build_or_repair(search, text):
    outcome = search_turn(search, text)
    assert outcome.kind == "clarify" and {"1.013225", "1.013229"} <= {c.code for c in outcome.choices}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("xin giấy phép xây dựng để đập nhà cũ xây mới", "1.013225"),
        ("xin phép sửa chữa, cải tạo nhà ở", "1.013229"),
        ("làm giấy khai sinh cho con mới sinh", "1.001193"),
    ],
)
def test_a_question_that_says_its_variant_or_the_plain_case_is_answered(search, text, code):
    outcome = search_turn(search, text)
    assert (outcome.kind, outcome.code) == ("procedure", code)


def test_a_lost_birth_certificate_asks_copy_or_re_registration_and_reads_the_answer(search):
    first = search_turn(search, "tôi bị mất giấy khai sinh, giờ phải làm sao")
    assert first.kind == "clarify" and {"2.000635", "1.004884"} <= {c.code for c in first.choices}
    options = [c.code for c in first.choices]
    kept = search_turn(search, "hồi đó đăng ký ở phường này, sổ bộ chắc vẫn còn lưu", options=options)
    assert kept.code == "2.000635"


def test_a_family_named_alone_offers_its_most_asked_members(search):
    outcome = search_turn(search, "cho em hỏi chứng thực giấy tờ ở đâu")
    assert outcome.kind == "clarify" and {"2.000815", "2.000884"} <= {c.code for c in outcome.choices}
    signature = search_turn(search, "em cần chứng thực chữ ký trên đơn", options=[c.code for c in outcome.choices])
    assert signature.code == "2.000884"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("tiệm tạp hóa của tôi muốn đóng kinh doanh", {"1.001570", "1.001266"}),
    ],
)
def test_closing_a_household_business_asks_suspend_or_end(search, text, codes):
    outcome = search_turn(search, text)
    assert outcome.kind == "clarify" and codes <= {c.code for c in outcome.choices}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("tiệm tạp hóa của tôi muốn tạm nghỉ vài tháng", "1.001570"),
        ("tiệm tạp hóa của tôi muốn nghỉ hẳn, giải thể hộ kinh doanh", "1.001266"),
    ],
)
def test_suspending_or_ending_a_household_business_is_answered_when_said(search, text, code):
    assert search_turn(search, text).code == code


@pytest.mark.parametrize("text", ["chứng thực bản sao hộ chiếu", "chung thuc ban sao cccd", "sao y bằng tốt nghiệp"])
def test_certifying_a_copy_of_a_paper_is_the_wards_certification_not_the_papers_issuer(search, text):
    outcome = search_turn(search, text)
    assert (outcome.kind, outcome.code) == ("procedure", "2.000815")


@pytest.mark.parametrize("text", ["Where can I extend my visa? It runs out next week", "gia hạn visa ở đâu"])
def test_a_citizen_phrasing_of_a_procedure_beyond_the_ward_refers_it(search, text):
    outcome = search_turn(search, text, language="en" if text.isascii() else "vi")
    assert (outcome.kind, outcome.code) == ("not_at_ward", "1.001146")


@pytest.mark.parametrize(
    ("text", "language", "code"),
    [
        # two records that differ only by "(thực hiện tại cấp xã / cấp huyện)": no question, the ward's one
        ("my old passport got lost, do I need to report that somewhere?", "en", "1.010386"),
        ("bà tôi mất rồi, có phải xóa đăng ký thường trú cho bà không", "vi", "1.003197"),  # "xóa đăng ký" is one cue
        ("my ID card is cracked and the chip doesn't read anymore, I'm Vietnamese", "en", "1.014063"),
    ],
)
def test_a_turn_that_says_its_variant_gets_it_without_a_question(search, text, language, code):
    outcome = search_turn(search, text, language=language)
    assert (outcome.kind, outcome.code) == ("procedure", code)


@pytest.mark.parametrize("text", ["co can mang cccd ko", "có phải mang theo sổ hộ khẩu không"])
def test_asking_whether_to_bring_a_paper_stays_on_the_current_procedure(search, text):
    outcome = search_turn(search, text, "2.000884")  # signature certification
    assert (outcome.kind, outcome.code, outcome.follow_up, outcome.topic) == (
        "procedure",
        "2.000884",
        True,
        "documents",
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("còn ông anh mình có quán rồi, muốn tạm nghỉ bán 3 tháng thì có phải báo ko", "1.001570"),
        ("dong cua luon, ko buon ban nua", "1.001266"),  # "ko" is "không"
        ("giờ muốn đóng cửa luôn không bán nữa", "1.001266"),
    ],
)
def test_an_action_on_the_current_household_business_moves_to_that_procedure(search, text, code):
    outcome = search_turn(search, text, "1.001612")  # registering the household business
    assert (outcome.kind, outcome.code, outcome.follow_up) == ("procedure", code, True)


def test_the_variant_said_beside_the_default_one_moves_to_its_sibling(search):
    outcome = search_turn(search, "con ban cung phong e dang ky roi nhung sap het han, gia han thi sao", "1.004194")
    assert outcome.code == "1.002755"


def test_a_name_of_several_actions_keeps_a_lost_card_on_its_own_paper(search):
    text = "dạ cái thẻ bảo hiểm y tế của tui bị mất rồi đi khám bệnh hông có thẻ thì làm lại ở đây được hông"
    assert search_turn(search, text).code == "1.002759"  # "Cấp lại, đổi, điều chỉnh … thẻ BHYT", not the ID card


@pytest.mark.parametrize(
    ("text", "language", "code"),
    [
        ("chồng tôi người Hàn Quốc muốn nhập quốc tịch Việt Nam thì làm hồ sơ ở đâu", "vi", "2.002039"),  # not abroad
        ("my company told me to apply for a temporary residence card (TRC)", "en", "1.003460"),
        ("tôi định thành lập công ty, đăng ký ở phường được không", "vi", "2.001583"),
    ],
)
def test_procedures_beyond_the_ward_named_the_way_people_say_them_are_referred(search, text, language, code):
    outcome = search_turn(search, text, language=language)
    assert (outcome.kind, outcome.code) == ("not_at_ward", code)


def test_a_rare_sibling_is_no_rival_to_the_plain_procedure_but_common_ones_are(search):
    assert search_turn(search, "mẹ tôi mới mất, khai tử cần gì").code == "1.000656"
    outcome = search_turn(search, "hỏi chút về tạm trú")
    assert outcome.kind == "clarify" and {c.code for c in outcome.choices} == TEMPORARY_RESIDENCE


def test_the_building_of_the_service_point_is_no_building_permit(search):
    outcome = search_turn(search, "Where do I go in this building?", "2.000528", language="en")
    assert (outcome.code, outcome.follow_up, outcome.topic) == ("2.000528", True, "where")


def test_an_answer_stating_an_action_none_of_the_offered_has_moves_to_that_member(search):
    offered = ["1.001612", "2.000720", "1.001570"]  # register, change, suspend a household business
    outcome = search_turn(search, "dong cua luon, ko buon ban nua", options=offered)
    assert (outcome.kind, outcome.code) == ("procedure", "1.001266")  # ending it


def test_a_follow_up_that_says_no_variant_stays_on_the_current_sibling(search):
    outcome = search_turn(search, "chủ trọ làm thay em được không ạ", "1.010028")  # cancelling temporary residence
    assert (outcome.code, outcome.follow_up) == ("1.010028", True)
    assert search_turn(search, "còn đăng ký tạm trú thì sao", "1.010028").code == "1.004194"
    # "get" says registering, which the foreign-element birth registration is too: it stays
    english = search_turn(search, "how many days until we get the birth certificate?", "2.000528", language="en")
    assert (english.code, english.follow_up) == ("2.000528", True)


def test_a_step_told_as_done_is_not_what_is_asked(search):
    outcome = search_turn(search, "mua đất của hàng xóm, công chứng hợp đồng xong rồi, giờ sang tên sổ đỏ ở đâu")
    assert outcome.kind == "not_at_ward" and not search.document(outcome.code).ward_level
    assert "biến động" in outcome.name.lower() or "chuyển nhượng" in outcome.name.lower()


def test_an_age_in_a_done_clause_still_tells_the_card(search):
    assert search_turn(search, "con tôi 15 tuổi rồi, làm căn cước").code == "1.014061"


def test_acknowledging_a_newborn_is_the_combined_registration(search):
    asked = search_turn(search, "tôi muốn làm thủ tục nhận con")
    assert asked.kind == "clarify" and {c.code for c in asked.choices} == {"1.001022", "1.000689"}
    answer = search_turn(search, "bé mới sinh 2 tuần, chưa làm giấy khai sinh", options=[c.code for c in asked.choices])
    assert answer.code == "1.000689"
    held = search_turn(search, "cháu có giấy khai sinh rồi", "1.000689")
    assert held.code == "1.001022"
