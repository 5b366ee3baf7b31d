"""Validates the procedure-search evaluation set in knowledge_base/eval/ (labels, kinds, splits, counts).

The extra dev file (questions_dev_extra.jsonl) gets the same per-row checks and must not repeat any question of
the main files; split ratios and the minimum counts apply to the main dev/test files only."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge_base.text import clean, fold, has_diacritics
from tests.shared_data import NATIONAL_CATALOGUE

REPO = Path(__file__).parents[2]
EVAL_DIR = REPO / "knowledge_base" / "eval"
CATALOGUE = NATIONAL_CATALOGUE
SPLITS = ("dev", "test")
EXTRA_FILE = "questions_dev_extra.jsonl"
MIN_EXTRA_IN_SCOPE = 250
MIN_EXTRA_OUT_OF_SCOPE = 25
IN_SCOPE_KINDS = ("accented", "unaccented", "colloquial", "english", "typo", "long", "short")
KINDS = IN_SCOPE_KINDS + ("out_of_scope",)
MIN_PER_KIND = {
    "accented": 40,
    "unaccented": 40,
    "colloquial": 40,
    "english": 30,
    "typo": 30,
    "long": 25,
    "short": 25,
    "out_of_scope": 40,
}
MIN_IN_SCOPE_TOTAL = 300
MIN_IN_SCOPE_TEST = 180
REQUIRED_KEYS = {"id", "question", "codes", "kind", "split"}
OPTIONAL_KEYS = {"all_level_codes"}
ID_PATTERN = re.compile(r"^q\d{4}$")
EXTRA_ID_PATTERN = re.compile(r"^x\d{4}$")
CODE_PATTERN = re.compile(r"^\d\.\d{6}$")
WARD_LEVEL = "Cấp xã"
# fields a ward desk sees most; each must be represented by at least this many questions
MIN_PER_FIELD = {
    "Hộ tịch": 40,
    "Đăng ký, quản lý cư trú": 25,
    "Chứng thực": 20,
    "Cấp, quản lý căn cước": 15,
    "Đất đai": 10,
}


def _load(split: str, filename: str | None = None) -> list[dict]:
    path = EVAL_DIR / (filename or f"questions_{split}.jsonl")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - the assertion message is the point
            pytest.fail(f"{path.name}:{number}: not JSON: {exc}")
        row["_file_split"] = split
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [row for split in SPLITS for row in _load(split)]


@pytest.fixture(scope="module")
def extra_rows() -> list[dict]:
    return _load("dev", EXTRA_FILE)


@pytest.fixture(scope="module")
def all_rows(rows, extra_rows) -> list[dict]:
    """Every row of every eval file: the per-row checks and the uniqueness checks run over these."""
    return rows + extra_rows


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict]:
    if not CATALOGUE.exists():
        pytest.skip(f"national catalogue not found at {CATALOGUE} (shared data is outside the repo)")
    records = {}
    with CATALOGUE.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            records[record["ma_thu_tuc"]] = record
    return records


def _is_ward_level(record: dict) -> bool:
    return WARD_LEVEL in [level.strip() for level in clean(record["cap_thuc_hien"]).split(",")]


def _words(text: str) -> int:
    return len(text.split())


def test_rows_have_exactly_the_expected_keys_and_types(all_rows):
    bad = []
    for row in all_rows:
        keys = set(row) - {"_file_split"}
        if not REQUIRED_KEYS <= keys or keys - REQUIRED_KEYS - OPTIONAL_KEYS:
            bad.append((row.get("id"), sorted(keys)))
        elif not (
            isinstance(row["question"], str)
            and isinstance(row["codes"], list)
            and all(isinstance(code, str) for code in row["codes"])
        ):
            bad.append((row.get("id"), "wrong types"))
    assert not bad, bad


def test_split_field_matches_the_file(all_rows):
    assert [r["id"] for r in all_rows if r["split"] != r["_file_split"]] == []


def test_ids_are_unique_and_well_formed(rows, extra_rows):
    assert [r["id"] for r in rows if not ID_PATTERN.match(r["id"])] == []
    assert [r["id"] for r in extra_rows if not EXTRA_ID_PATTERN.match(r["id"])] == []
    ids = [row["id"] for row in rows + extra_rows]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_questions_are_unique_even_ignoring_accents_and_case(all_rows):
    folded = Counter(fold(row["question"]) for row in all_rows)
    assert [q for q, n in folded.items() if n > 1] == []


def test_questions_are_clean_single_line_text(all_rows):
    assert [r["id"] for r in all_rows if not r["question"] or clean(r["question"]) != r["question"]] == []


def test_kinds_are_valid(all_rows):
    assert [(r["id"], r["kind"]) for r in all_rows if r["kind"] not in KINDS] == []


def test_in_scope_questions_have_codes_and_out_of_scope_have_none(all_rows):
    missing = [r["id"] for r in all_rows if r["kind"] != "out_of_scope" and not r["codes"]]
    labelled_oos = [r["id"] for r in all_rows if r["kind"] == "out_of_scope" and r["codes"]]
    stray = [r["id"] for r in all_rows if r["kind"] != "out_of_scope" and "all_level_codes" in r]
    assert (missing, labelled_oos, stray) == ([], [], [])


def test_codes_are_well_formed_and_not_repeated(all_rows):
    bad = [
        r["id"]
        for r in all_rows
        for codes in (r["codes"], r.get("all_level_codes", []))
        if len(set(codes)) != len(codes) or not all(CODE_PATTERN.match(c) for c in codes)
    ]
    assert bad == []


def test_codes_exist_in_the_catalogue_and_are_ward_level(all_rows, catalogue):
    unknown = [(r["id"], c) for r in all_rows for c in r["codes"] if c not in catalogue]
    not_ward = [
        (r["id"], c) for r in all_rows for c in r["codes"] if c in catalogue and not _is_ward_level(catalogue[c])
    ]
    assert (unknown, not_ward) == ([], [])


def test_all_level_codes_exist_and_are_above_ward_level(all_rows, catalogue):
    bad = [
        (r["id"], c)
        for r in all_rows
        for c in r.get("all_level_codes", [])
        if c not in catalogue or _is_ward_level(catalogue[c])
    ]
    assert bad == []


def test_unaccented_and_english_questions_carry_no_diacritics(all_rows):
    assert [r["id"] for r in all_rows if r["kind"] in ("unaccented", "english") and has_diacritics(r["question"])] == []


def test_accented_questions_carry_diacritics(all_rows):
    assert [r["id"] for r in all_rows if r["kind"] == "accented" and not has_diacritics(r["question"])] == []


def test_short_questions_have_one_to_three_words(all_rows):
    assert [r["id"] for r in all_rows if r["kind"] == "short" and not 1 <= _words(r["question"]) <= 3] == []


def test_long_questions_have_25_to_60_words(all_rows):
    assert [r["id"] for r in all_rows if r["kind"] == "long" and not 25 <= _words(r["question"]) <= 60] == []


def test_minimum_counts_per_kind(rows):
    counts = Counter(r["kind"] for r in rows)
    short_of = {k: (counts[k], n) for k, n in MIN_PER_KIND.items() if counts[k] < n}
    assert short_of == {}
    assert sum(counts[k] for k in IN_SCOPE_KINDS) >= MIN_IN_SCOPE_TOTAL


def test_each_kind_is_split_roughly_40_dev_60_test(rows):
    by_kind = Counter((r["kind"], r["split"]) for r in rows)
    skewed = {}
    for kind in KINDS:
        total = by_kind[(kind, "dev")] + by_kind[(kind, "test")]
        share = by_kind[(kind, "dev")] / total if total else 0.0
        if not 0.3 <= share <= 0.5:
            skewed[kind] = round(share, 2)
    assert skewed == {}


def test_test_split_is_large_enough(rows):
    assert sum(1 for r in rows if r["split"] == "test" and r["kind"] != "out_of_scope") >= MIN_IN_SCOPE_TEST


def test_frequent_ward_fields_are_covered(rows, catalogue):
    # the raw catalogue is not always NFC ("Cấp, quản lý căn cước" appears decomposed), so clean() first
    fields = Counter(
        clean(catalogue[r["codes"][0]]["linh_vuc"]) for r in rows if r["codes"] and r["codes"][0] in catalogue
    )
    thin = {f: fields[f] for f, n in MIN_PER_FIELD.items() if fields[f] < n}
    assert thin == {}


def test_extra_dev_file_is_dev_only_and_large_enough(extra_rows):
    kinds = Counter(r["kind"] for r in extra_rows)
    assert [r["id"] for r in extra_rows if r["split"] != "dev"] == []
    assert sum(kinds[k] for k in IN_SCOPE_KINDS) >= MIN_EXTRA_IN_SCOPE
    assert kinds["out_of_scope"] >= MIN_EXTRA_OUT_OF_SCOPE
    assert [k for k in KINDS if kinds[k] == 0] == []
