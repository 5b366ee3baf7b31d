"""search_turn with fake engines: follow-ups, fillers, everyday words, siblings, choices, referrals, edits."""

from __future__ import annotations

import pytest

from knowledge_base.turn import SiblingMarkers, TurnWords, search_turn, warm_up
from knowledge_base.turn.siblings import SiblingMarkersError
from knowledge_base.turn.words import TurnWordsError
from tests.knowledge_base.fakes import FakeProcedure, turn_search

PROCEDURES = [
    FakeProcedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", result="Giấy khai sinh"),
    FakeProcedure("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch"),
    FakeProcedure("1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch", result="Trích lục khai tử"),
    FakeProcedure("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch"),
    FakeProcedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"),
    FakeProcedure("1.014061", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên", "Căn cước"),
    FakeProcedure("1.014062", "Cấp thẻ căn cước cho người dưới 14 tuổi", "Căn cước"),
    FakeProcedure("1.014063", "Cấp đổi thẻ căn cước", "Căn cước"),
    FakeProcedure("1.014064", "Cấp lại thẻ căn cước", "Căn cước"),
    FakeProcedure("1.004194", "Đăng ký tạm trú", "Cư trú"),
    FakeProcedure("1.002755", "Gia hạn tạm trú", "Cư trú"),
    FakeProcedure("1.010028", "Xóa đăng ký tạm trú", "Cư trú"),
    FakeProcedure("1.010386", "Khai báo mất hộ chiếu phổ thông", "Xuất nhập cảnh"),
    FakeProcedure(
        "1.001456", "Cấp hộ chiếu phổ thông ở trong nước", "Xuất nhập cảnh", ward_level=False, levels=["Cấp tỉnh"]
    ),
    FakeProcedure(
        "3.000333",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "Lý lịch tư pháp",
        ward_level=False,
        levels=["Cấp tỉnh"],
    ),
]
ID_CARDS = {"1.014061", "1.014062", "1.014063", "1.014064"}


@pytest.fixture(scope="module")
def search():
    return turn_search(PROCEDURES)


def turn(search, text, current=None, options=()):
    return search_turn(search, text, current, options=options)


@pytest.mark.parametrize(
    "text",
    [
        "mất bao lâu?",
        "lệ phí bao nhiêu",
        "sao mỗi tờ hết mấy nghìn",
        "mấy hôm thì có giấy",
        "vậy con",
        "có mất tiền không",
        "dạ ừm thì là nộp ở đâu",
        "how long does it take",
    ],
)
def test_a_follow_up_keeps_the_current_procedure(search, text):
    outcome = turn(search, text, current="2.000815")
    assert (outcome.kind, outcome.code, outcome.follow_up) == ("procedure", "2.000815", True)


@pytest.mark.parametrize("text", ["bao nhieu tien 1 trang", "một trang là bao nhiêu tiền dậy cô"])
def test_counting_pages_is_a_question_word_not_a_procedure_word(search, text):
    outcome = turn(search, text, current="2.000815")  # "trang" is not the "trạng" of "tình trạng hôn nhân"
    assert (outcome.code, outcome.reason, outcome.topic) == ("2.000815", "follow_up", "fee")


def test_a_follow_up_using_the_current_procedure_s_own_words_keeps_it(search):
    outcome = turn(search, "bao lâu thì lấy được trích lục", current="1.000656")  # its result is an extract
    assert outcome.code == "1.000656" and outcome.follow_up


@pytest.mark.parametrize(
    ("text", "code"), [("còn kết hôn thì sao", "1.000894"), ("thế đăng ký khai tử cần gì", "1.000656")]
)
def test_a_turn_that_names_another_procedure_switches(search, text, code):
    outcome = turn(search, text, current="1.001193")
    assert (outcome.kind, outcome.code, outcome.follow_up) == ("procedure", code, False)


@pytest.mark.parametrize("text", ["giờ", "cháu", "con dâu", "thôi", "đăng ký", "vâng", "cho hỏi"])
def test_everyday_words_alone_never_name_a_procedure(search, text):
    outcome = turn(search, text)
    assert outcome.kind == "ask_procedure" and outcome.code is None


def test_siblings_that_the_question_does_not_tell_apart_give_a_short_relevant_choice(search):
    outcome = turn(search, "làm căn cước")
    assert outcome.kind == "clarify" and 2 <= len(outcome.choices) <= 3
    assert {c.code for c in outcome.choices} <= ID_CARDS


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("cấp lại căn cước bị mất", "1.014064"),
        ("đổi thẻ căn cước vì hết hạn", "1.014063"),
        ("làm căn cước cho con 10 tuổi", "1.014062"),
        ("làm căn cước cho con 16 tuổi", "1.014061"),
    ],
)
def test_the_sibling_the_question_says_is_answered(search, text, code):
    outcome = turn(search, text)
    assert (outcome.kind, outcome.code) == ("procedure", code)


def test_foreign_element_is_told_by_a_nationality(search):
    assert turn(search, "đăng ký khai sinh cho con").code == "1.001193"
    assert turn(search, "đăng ký khai sinh cho con, bố là người Nhật").code == "2.000528"


def test_registering_extending_and_cancelling_compete_when_nothing_is_said(search):
    vague = turn(search, "hỏi về tạm trú")
    assert vague.kind == "clarify" and {c.code for c in vague.choices} == {"1.004194", "1.002755", "1.010028"}
    assert turn(search, "xóa tạm trú").code == "1.010028"
    assert turn(search, "gia hạn tạm trú").code == "1.002755"


def test_declaring_a_temporary_residence_is_registering_it(search):
    outcome = turn(search, "khai báo tạm trú cho con")
    assert (outcome.kind, outcome.code) == ("procedure", "1.004194")


def test_saying_another_variant_mid_conversation_moves_to_that_sibling(search):
    outcome = turn(search, "còn cấp lại thì sao", current="1.014063")
    assert (outcome.code, outcome.follow_up) == ("1.014064", True)
    assert turn(search, "lệ phí bao nhiêu", current="1.014063").code == "1.014063"


def test_how_long_it_takes_is_not_losing_a_paper(search):
    """ "làm mất bao lâu" asks the time; its "làm mất" is not the re-issue after a loss."""
    assert turn(search, "làm mất bao lâu", current="1.014063").code == "1.014063"
    assert turn(search, "làm mất mấy ngày", current="2.000815").code == "2.000815"
    assert turn(search, "bị mất thì làm lại mất bao lâu", current="1.014063").code == "1.014064"
    # unaccented, "mat" followed by the current name's "the" would read "mất thẻ": only the turn's own words count
    assert turn(search, "mat bao lau", current="1.014063").code == "1.014063"


def test_a_pending_choice_is_resolved_by_what_the_citizen_says(search):
    outcome = turn(search, "bé nhà em mới 6 tuổi thôi", options=["1.014061", "1.014062"])
    assert (outcome.kind, outcome.code) == ("procedure", "1.014062")


@pytest.mark.parametrize("text", ["lệ phí bao nhiêu", "What's the fee?", "ờ thế phải mang những gì", "mất bao lâu"])
def test_a_topic_only_question_while_siblings_are_offered_offers_them_again(search, text):
    offered = ["1.014063", "1.014064"]  # exchange or re-issue: neither is the default variant
    outcome = turn(search, text, options=offered)
    assert outcome.kind == "clarify" and [c.code for c in outcome.choices] == offered


@pytest.mark.parametrize("text", ["lệ phí bao nhiêu", "What's the fee?", "mất bao lâu"])
def test_a_topic_only_question_while_different_procedures_are_offered_answers_the_first(search, text):
    offered = ["1.014063", "1.000894"]  # exchanging an ID card, registering a marriage: a story search was unsure of
    outcome = turn(search, text, options=offered)
    assert (outcome.kind, outcome.code) == ("procedure", "1.014063")


def test_variant_words_of_the_offered_names_themselves_do_not_answer_the_choice():
    engine = turn_search(
        [
            FakeProcedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ do cơ quan, tổ chức cấp", "Chứng thực"),
            FakeProcedure("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực"),
            FakeProcedure("2.000992", "Chứng thực chữ ký người dịch là cộng tác viên của tổ chức", "Chứng thực"),
        ]
    )
    offered = ["2.000992", "2.000884", "2.000815"]
    outcome = turn(engine, "có phải mang bản gốc đi không", options=offered)  # says no organisation, no signature
    assert outcome.code in (None, "2.000815")  # asked again, or the copy search finds: never the signature one


def test_the_words_an_everyday_name_brings_count_for_a_choice_even_when_they_are_question_words():
    from knowledge_base.aliases import AliasEntry
    from knowledge_base.turn.family import choose_option

    engine = turn_search(
        [
            FakeProcedure("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"),
            FakeProcedure("2.000884", "Chứng thực chữ ký trong giấy tờ, văn bản", "Chứng thực"),
        ]
    )
    # each name holds one everyday name's phrase; "sao" of "bản sao" is also a question word ("làm sao") and is what
    # tells them apart
    engine.replace_aliases([AliasEntry("bản sao", ("photo",)), AliasEntry("văn bản", ("học bạ",))])
    words = TurnWords.load()
    offered = ["2.000884", "2.000815"]
    chosen = choose_option(engine, SiblingMarkers.load(), "photo học bạ", offered, words.words | words.fillers)
    assert chosen is not None and chosen[0] == "2.000815"
    assert choose_option(engine, SiblingMarkers.load(), "làm sao", offered, words.words | words.fillers) is None


def test_a_procedure_beyond_the_ward_is_referred_and_the_ward_exception_is_kept(search):
    referral = turn(search, "cấp phiếu lý lịch tư pháp")
    assert (referral.kind, referral.code) == ("not_at_ward", "3.000333") and referral.elsewhere is not None
    report = turn(search, "khai báo mất hộ chiếu")  # the ward's own passport procedure
    assert (report.kind, report.code) == ("procedure", "1.010386")


def test_follow_ups_about_a_referred_procedure_stay_on_it(search):
    outcome = turn(search, "lệ phí bao nhiêu", current="3.000333")
    assert (outcome.kind, outcome.code, outcome.follow_up) == ("not_at_ward", "3.000333", True)


def test_an_exact_code_is_taken_as_asked(search):
    assert turn(search, "thủ tục 1.002755 cần gì").code == "1.002755"


def test_empty_or_broken_input_asks_which_procedure(search):
    assert turn(search, "   ").kind == "ask_procedure"
    assert turn(search, None).kind == "ask_procedure"  # type: ignore[arg-type]


def test_a_procedure_staff_add_joins_its_siblings_at_once():
    engine = turn_search(PROCEDURES)  # its own engine: the upsert below must not reach the shared one
    assert turn(engine, "còn đăng ký lại thì sao", current="1.000894").code == "1.000894"
    engine.upsert(FakeProcedure("1.004746", "Thủ tục đăng ký lại kết hôn", "Hộ tịch"))
    assert turn(engine, "còn đăng ký lại thì sao", current="1.000894").code == "1.004746"


def test_the_classifier_cai_in_speech_is_a_filler_not_quitting():
    engine = turn_search([*PROCEDURES, FakeProcedure("3.000527", "Đăng ký cai nghiện ma túy tự nguyện", "Phòng chống")])
    outcome = turn(engine, "có phải mang cái bản gốc đi không", current="2.000815")  # "cái" folds to "cai"
    assert (outcome.kind, outcome.code, outcome.follow_up) == ("procedure", "2.000815", True)
    assert turn(engine, "mang cái bản gốc đi hả").kind == "ask_procedure"


def test_after_warming_up_no_turn_builds_a_table():
    engine = turn_search(PROCEDURES)
    built, derive = [], engine.derived
    engine.derived = lambda key, build: derive(key, lambda docs: built.append(key) or build(docs))
    warm_up(engine)
    assert built
    built.clear()
    for text, current, options in [
        ("cho tôi hỏi làm thẻ căn cước", None, ()),
        ("cấp phiếu lý lịch tư pháp", None, ()),
        ("còn cấp lại thì sao", "1.014063", ()),
        ("bé nhà em mới 6 tuổi thôi", None, ["1.014061", "1.014062"]),
        ("hỏi về tạm trú", None, ()),
        ("khai báo mất hộ chiếu", None, ()),
    ]:
        turn(engine, text, current, options)
    assert built == []


def test_data_files_are_validated_with_clear_errors(tmp_path):
    bad = tmp_path / "words.yaml"
    bad.write_text("phrases: [le phi]\nwords: [gi]\nfillers: [1, 2]\n", encoding="utf-8")
    with pytest.raises(TurnWordsError, match="fillers"):
        TurnWords.load(bad)
    bad.write_text("facets:\n  action:\n    reissue: {in_names: [cấp lại], cue: [mất]}\n", encoding="utf-8")
    with pytest.raises(SiblingMarkersError, match="action.reissue"):
        SiblingMarkers.load(bad)


def test_choices_a_citizen_cannot_tell_apart_by_name_are_offered_once():
    from knowledge_base.turn.decide import _clarify

    engine = turn_search(
        [
            FakeProcedure("3.000226", "Công bố danh mục thủ tục hành chính tỉnh Hà Tĩnh", "Người có công"),
            FakeProcedure("3.000243", "Công bố danh mục thủ tục hành chính tỉnh Hà Tĩnh", "Người có công"),
            FakeProcedure("1.010385", "Trình báo mất hộ chiếu (thực hiện tại cấp huyện)", "Xuất nhập cảnh"),
            FakeProcedure("1.010386", "Trình báo mất hộ chiếu (thực hiện tại cấp xã)", "Xuất nhập cảnh"),
            FakeProcedure("1.004194", "Đăng ký tạm trú", "Cư trú"),
        ]
    )
    same = _clarify(engine, ["3.000226", "3.000243"], "ambiguous")
    assert same.kind == "procedure" and same.code == "3.000226" and same.reason == "same_name"
    mixed = _clarify(engine, ["1.010385", "3.000243", "1.010386", "3.000226", "1.004194"], "ambiguous")
    assert mixed.kind == "clarify"
    assert [c.code for c in mixed.choices] == ["1.010385", "3.000243", "1.004194"]  # one per name, best first


@pytest.mark.parametrize(
    "text",
    [
        "we are both vietnamese and both live in this ward, no foreigners involved",
        "hai vợ chồng không có yếu tố nước ngoài",
        "no foreign partner, we are Vietnamese citizens",
    ],
)
def test_saying_there_is_no_foreigner_is_the_domestic_sibling_not_the_foreign_one(text):
    assert SiblingMarkers.load().mentioned(text).get("foreign") == {"domestic"}


def test_a_burnt_paper_is_reissued_or_registered_again_whichever_the_procedure_has():
    said = SiblingMarkers.load().mentioned("nhà bị cháy, cháy luôn cả sổ")
    assert {"reissue", "reregister"} <= said["action"]


def test_dropping_question_words_keeps_single_as_in_a_certificate_of_single_status():
    subject = TurnWords.load().subject_text("xin giấy xác nhận độc thân để vay mua nhà cần gì")
    assert "độc thân" in subject


def test_among_unsure_hits_the_only_one_with_the_stated_variant_is_answered():
    from knowledge_base.search.outcome import SearchHit
    from knowledge_base.turn.decide import _the_one_saying

    hits = [
        SearchHit("1.000253", "Khai báo tạm trú cho người nước ngoài tại Việt Nam", "Cư trú", 0.6),
        SearchHit("1.004194", "Đăng ký tạm trú", "Cư trú", 0.58),
        SearchHit("1.010028", "Xóa đăng ký tạm trú", "Cư trú", 0.55),
    ]
    markers = SiblingMarkers.load()
    assert _the_one_saying(markers, "I'm German, I have to declare my stay", hits) == "1.000253"
    assert _the_one_saying(markers, "I have to declare my stay", hits) is None  # English alone says no foreigner
    assert _the_one_saying(markers, "tôi 40 tuổi, khai báo tạm trú", hits) is None  # the action is not read here
