"""Importer: the real national file gives 2,642 / 588 and reproduces the committed file byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge_base.catalogue import DEFAULT_PATH, CatalogueError, import_catalogue, load_catalogue, normalise
from tests.shared_data import NATIONAL_CATALOGUE, needs_national_catalogue

REPO = Path(__file__).resolve().parents[2]
SOURCE = NATIONAL_CATALOGUE if NATIONAL_CATALOGUE.is_file() else None
needs_source = needs_national_catalogue


@pytest.fixture(scope="module")
def real_import(tmp_path_factory):
    dest = tmp_path_factory.mktemp("catalogue") / "procedures.jsonl"
    return import_catalogue(SOURCE, dest), dest


@needs_source
@pytest.mark.slow  # imports the whole national file (~20 s of CPU per import)
def test_real_import_keeps_every_procedure(real_import):
    report, dest = real_import
    assert (report.total, report.ward_level) == (2642, 588)
    catalogue = load_catalogue(dest)
    assert len(catalogue) == 2642
    assert sum(procedure.ward_level for procedure in catalogue.values()) == 588
    assert report.non_empty_fields["name"] == 2642
    assert report.everything.channels_with_days <= report.everything.channels
    assert report.ward.procedures == 588 and report.ward.channels > 588
    assert report.to_dict()["ward"]["procedures"] == 588


@needs_source
@pytest.mark.slow
def test_real_import_is_deterministic_and_matches_the_committed_file(real_import, tmp_path):
    _, dest = real_import
    again = tmp_path / "again.jsonl"
    import_catalogue(SOURCE, again)
    assert again.read_bytes() == dest.read_bytes()
    assert dest.read_bytes() == DEFAULT_PATH.read_bytes(), "re-run the import and commit procedures.jsonl"
    codes = [json.loads(line)["code"] for line in dest.read_text(encoding="utf-8").splitlines()]
    assert codes == sorted(codes)


def _source_rows(count: int) -> list[str]:
    if SOURCE is None:
        pytest.skip("national catalogue not available")
    with SOURCE.open(encoding="utf-8") as handle:
        return [next(handle).rstrip("\n") for _ in range(count)]


def test_broken_source_line_names_file_and_line(tmp_path):
    source = tmp_path / "source.jsonl"
    source.write_text("\n".join(_source_rows(2) + ["{broken"]) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"source\.jsonl:3: not valid JSON"):
        import_catalogue(source, tmp_path / "out.jsonl")


def test_cli_imports_a_small_file(tmp_path):
    source = tmp_path / "source.jsonl"
    rows = _source_rows(3)
    source.write_text("\n".join(reversed(rows)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    completed = subprocess.run(
        [sys.executable, "-m", "knowledge_base.catalogue", str(source), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["total"] == 3
    codes = [json.loads(line)["code"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert codes == sorted(json.loads(row)["ma_thu_tuc"] for row in rows)


def test_cli_reports_a_missing_source(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "knowledge_base.catalogue", str(tmp_path / "missing.jsonl")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 2 and "file not found" in completed.stderr


def test_normalise_a_minimal_raw_row():
    raw = {
        "ma_thu_tuc": "1.000001",
        "ten_thu_tuc": "Thủ tục đăng k\u200eý khai sinh",
        "cap_thuc_hien": "Cấp tỉnh, Cấp xã",
        "linh_vuc": "Hộ tịch",
        "doi_tuong_thuc_hien": "Cán bộ, công chức, viên chức, Công dân Việt Nam",
        "yeu_cau_dieu_kien": "Không có thông tin",
        "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp1Miễn phí",
        "ket_qua_xu_ly": "Giấy khai sinhMã: KQ.G15.000031Từ khóaKhông có thông tin",
    }
    procedure, warnings = normalise(raw)
    assert procedure.name == "Thủ tục đăng ký khai sinh"  # zero-width mark removed, not turned into a space
    assert procedure.levels == ("Cấp tỉnh", "Cấp xã") and procedure.ward_level
    assert procedure.applicants == ("Cán bộ, công chức, viên chức", "Công dân Việt Nam")
    assert procedure.conditions == "" and procedure.result == "Giấy khai sinh"
    assert procedure.channels[0].fee_amount_vnd == 0 and procedure.documents == () and warnings == []


def test_normalise_rejects_a_row_without_a_name():
    with pytest.raises(CatalogueError, match="1.000002: field 'name'"):
        normalise({"ma_thu_tuc": "1.000002", "ten_thu_tuc": "Không có thông tin"})
