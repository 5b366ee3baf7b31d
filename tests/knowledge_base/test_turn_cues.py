"""How the variant cues of sibling_markers.yaml are heard (knowledge_base/turn/siblings.py: SiblingMarkers.mentioned):
accent by accent when typed with diacritics, a cue of several variants narrowed by another, phrases that say
nothing."""

from __future__ import annotations

import pytest

from knowledge_base.turn import SiblingMarkers


@pytest.fixture(scope="module")
def markers():
    return SiblingMarkers.load()


@pytest.mark.parametrize(
    ("text", "facet", "value"),
    [
        ("cái cũ tui làm rớt mất rồi", "action", "reissue"),
        ("cai cu tui lam rot mat roi", "action", "reissue"),
        ("thẻ cũ hết hạn rồi, giờ đổi thẻ mới", "action", "change"),
        ("đập đi xây mới hoàn toàn", "works", "new"),
        ("chỉ sửa lại mái với nâng thêm tầng", "works", "repair"),
        ("muốn tạm nghỉ vài tháng", "action", "suspend"),
        ("nghỉ hẳn luôn không bán nữa", "action", "cancel"),
        ("cả hai vợ chồng đều là người Việt", "foreign", "domestic"),
    ],
)
def test_a_cue_says_its_variant(markers, text, facet, value):
    assert markers.mentioned(text).get(facet) == {value}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("giấy khai sinh đăng ký ở đây rồi", {"register"}),  # "rồi" is not "rơi" (dropped) when typed with diacritics
        ("tôi đang làm giám hộ cho cháu", set()),  # "đang làm" (is serving as) says no action
        ("tôi muốn làm thủ tục nhận con", set()),
    ],
)
def test_words_typed_with_other_accents_or_in_a_phrase_that_says_nothing_are_not_cues(markers, text, said):
    assert markers.mentioned(text).get("action", set()) == said


def test_a_cue_of_several_variants_says_them_all_until_another_narrows_it(markers):
    assert markers.mentioned("mất giấy khai sinh rồi")["action"] == {"reissue", "reregister", "copy"}
    assert markers.mentioned("mất giấy khai sinh, sổ ở phường vẫn còn lưu")["action"] == {"copy"}
    assert markers.mentioned("làm lại căn cước vì bị mất ví")["action"] == {"reissue"}  # "mất ví": the card


def test_the_plain_action_is_kept_beside_what_narrows(markers):
    assert markers.mentioned("xin cấp lại thẻ vì bị mất")["action"] == {"register", "reissue"}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("đất của hộ gia đình tôi thôi, không phải công ty", {"applicant": {"household"}}),
        ("ko phai cong ty", {}),
        ("it is not a company, just my family", {"applicant": {"household"}}),
        ("nó là công ty", {"applicant": {"organisation"}}),  # "nó" (it), not "no"
    ],
)
def test_a_denied_cue_says_nothing(markers, text, said):
    assert markers.mentioned(text) == said
