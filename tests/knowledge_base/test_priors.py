"""Search priors: the staff-editable common list, citizen-filed procedures, abolished district copies."""

from __future__ import annotations

import pytest

from knowledge_base.catalogue import load_catalogue
from knowledge_base.priors import CITIZEN_PRIOR, PriorFileError, load_common_procedures, procedure_prior
from tests.knowledge_base.fakes import FakeProcedure


def test_common_list_weights_and_citizen_default():
    common = {"1.001193": 1.0}
    assert procedure_prior(FakeProcedure("1.001193", "Đăng ký khai sinh", "Hộ tịch"), common) == 1.0
    assert procedure_prior(FakeProcedure("1.000656", "Đăng ký khai tử", "Hộ tịch"), common) == CITIZEN_PRIOR


def test_a_district_copy_ranks_below_its_ward_twin():
    catalogue = load_catalogue()
    district, ward = catalogue["1.010385"], catalogue["1.010386"]
    assert "cấp huyện" in district.name and "cấp xã" in ward.name
    assert procedure_prior(district, {}) == 0.0 < procedure_prior(ward, {})


def test_committed_common_list_loads_against_the_catalogue(tmp_path):
    weights = load_common_procedures(known_codes=set(load_catalogue()))
    assert weights["1.001193"] == 1.0 and all(0 < w <= 1 for w in weights.values())
    bad = tmp_path / "bad.yaml"
    bad.write_text('- {code: "0.000000", weight: 1.0}\n')
    with pytest.raises(PriorFileError, match="not in the catalogue"):
        load_common_procedures(bad, known_codes=set(load_catalogue()))


@pytest.mark.parametrize(
    "text, named",
    [
        (
            '- {code: "1.001193", weight: 1.5}\n',
            "entry 1 (code: 1.001193) → weight: Input should be less than or equal to 1",
        ),
        ('- {code: "1.001193"}\n- {weight: 0.5}\n', "entry 2 → code: Field required"),
        ('- {code: "1.001193", wieght: 0.5}\n', "entry 1 (code: 1.001193) → wieght: Extra inputs are not permitted"),
        ('- {code: "1.001193"}\n- {code: "1.001193"}\n', "entry 2 (code: 1.001193): 1.001193 is listed twice"),
        ("code: 1.001193\n", "Input should be a valid list"),
    ],
)
def test_a_broken_common_list_names_the_entry_and_field(tmp_path, text, named):
    path = tmp_path / "common.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PriorFileError) as error:
        load_common_procedures(path)
    assert str(error.value).startswith(f"{path}: ") and named in str(error.value)
