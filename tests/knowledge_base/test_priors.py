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
