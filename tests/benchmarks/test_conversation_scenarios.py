"""The scenario loader's errors (file:line, what is wrong) and the validator's catalogue and desk checks."""

from __future__ import annotations

import json

import pytest

from benchmarks.conversations import check
from benchmarks.conversations.scenarios import (
    HERE,
    ScenarioError,
    catalogue_levels,
    check_scenarios,
    load_file,
    load_folder,
    load_split,
    ward_desk_ids,
)

LEVELS = {"1.001193": True, "1.000894": True, "2.000815": True, "1.001900": False}
DESKS = {"Q1", "Q5"}


def scenario(**overrides) -> dict:
    base = {
        "id": "s-001",
        "category": "guide_followup",
        "language": "vi",
        "note": "birth",
        "turns": [
            {"user": "làm khai sinh cần gì", "expect": {"kind": "procedure", "code": "1.001193"}},
            {"user": "mất tiền không", "expect": {"code": ["1.001193"], "topic": "fee"}},
        ],
    }
    return {**base, **overrides}


def write(folder, name: str, *rows) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )


def test_a_good_file_loads_with_single_values_as_lists_and_its_source(tmp_path):
    write(tmp_path, "a.jsonl", scenario(), "", "# a comment", scenario(id="s-002"))
    first, second = load_file(tmp_path / "a.jsonl")
    assert first.turns[0].expect.kind == ("procedure",) and first.turns[0].expect.code == ("1.001193",)
    assert first.source.endswith("a.jsonl:1") and second.source.endswith("a.jsonl:4")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{not json", "a.jsonl:2: not valid JSON"),
        ("[1, 2]", "a.jsonl:2: expected one JSON object"),
        (scenario(category="small_talk"), "a.jsonl:2 (s-001): category"),
        (scenario(turns=[{"user": "x", "expect": {"kind": "answer"}}]), "turns.0.expect.kind.0"),
        (scenario(turns=[{"user": "x", "expect": {"code": "1001193"}}]), "is not a national procedure code"),
        (scenario(turns=[{"user": "x", "expect": {"cod": "1.001193"}}]), "turns.0.expect.cod: Extra inputs"),
        (scenario(turns=[{"user": "x", "expect": {"topic": "price"}}]), "turns.0.expect.topic"),
        (scenario(turns=[{"user": "", "expect": {}}]), "turns.0.user"),
        (scenario(turns=[]), "turns: Tuple should have at least 1 item"),
        (scenario(turns=[{"user": "x", "expect": {"words_any": []}}]), "words_any"),
        (scenario(language="fr"), "language"),
    ],
)
def test_a_bad_line_is_named_by_file_and_line(tmp_path, row, message):
    write(tmp_path, "a.jsonl", scenario(id="ok-1"), row)
    with pytest.raises(ScenarioError) as caught:
        load_file(tmp_path / "a.jsonl")
    assert message in str(caught.value)
    assert f"{tmp_path / 'a.jsonl'}:2" in str(caught.value)


def test_a_folder_needs_unique_ids_and_at_least_one_scenario(tmp_path):
    write(tmp_path / "dup", "a.jsonl", scenario())
    write(tmp_path / "dup", "b.jsonl", scenario())
    with pytest.raises(ScenarioError, match=r"b\.jsonl:1: duplicate id s-001 \(first at .*a\.jsonl:1\)"):
        load_folder(tmp_path / "dup")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScenarioError, match="no scenarios"):
        load_folder(tmp_path / "empty")
    with pytest.raises(ScenarioError, match="no such folder"):
        load_folder(tmp_path / "missing")
    with pytest.raises(ScenarioError, match="unknown split"):
        load_split("train")


def test_the_validator_checks_codes_levels_and_desks(tmp_path):
    rows = [
        scenario(id="fine"),
        scenario(
            id="unknown",
            turns=[
                {"user": "a", "expect": {"code": "9.999999"}},
                {"user": "b", "expect": {"kind": "clarify", "choices_include": ["8.888888"]}},
            ],
        ),
        scenario(
            id="beyond",
            turns=[
                {"user": "a", "expect": {"kind": "procedure", "code": "1.001900"}},
                {"user": "b", "expect": {"kind": "not_at_ward", "code": "1.001193"}},
            ],
        ),
        scenario(
            id="either",
            turns=[
                {"user": "a", "expect": {"kind": ["procedure", "not_at_ward"], "code": "1.001900"}},
                {"user": "fee?", "expect": {"code": "1.001900", "topic": "fee"}},
                {"user": "b", "expect": {"kind": "ticket", "desk": "Q9"}},
            ],
        ),
        scenario(id="short", turns=[{"user": "a", "expect": {"kind": "greeting", "priority": True}}]),
    ]
    write(tmp_path, "a.jsonl", *rows)
    errors, warnings = check_scenarios(load_file(tmp_path / "a.jsonl"), LEVELS, DESKS)
    assert [e.split(": ", 1)[1] for e in errors] == [
        "code 9.999999 is not in the catalogue",
        "code 8.888888 is not in the catalogue",
        "expects a ward-level answer but 1.001900 is not a ward-level procedure",
        "expects not_at_ward but 1.001193 is a ward-level procedure",
        "expects a ward-level answer but 1.001900 is not a ward-level procedure",
        "desk Q9 is not in the ward map (Q1, Q5)",
    ]
    assert "a.jsonl:2 (unknown) turn 1" in errors[0] and "a.jsonl:4 (either) turn 2" in errors[4]
    assert "a.jsonl:4 (either) turn 3" in errors[5]
    assert len(warnings) == 2 and "1 turns" in warnings[0] and "priority is only graded" in warnings[1]


def test_the_real_catalogue_and_ward_map_are_what_the_validator_reads():
    levels, desks = catalogue_levels(), ward_desk_ids()
    assert levels["1.001193"] is True and sum(levels.values()) >= 500 and not all(levels.values())
    assert {"Q1", "Q5"} <= desks


def test_the_committed_dev_split_is_valid():
    if not (HERE / "dev").is_dir():
        pytest.skip("no dev split yet")
    errors, _ = check_scenarios(load_split("dev"), catalogue_levels(), ward_desk_ids())
    assert errors == []


def test_the_check_command_reports_errors_and_exits_non_zero(tmp_path, capsys):
    write(
        tmp_path / "bad",
        "a.jsonl",
        scenario(turns=[{"user": "a", "expect": {"desk": "Q9"}}, {"user": "b", "expect": {}}]),
    )
    write(tmp_path / "good", "a.jsonl", scenario())
    assert check.main(["--folder", str(tmp_path / "good")]) == 0
    assert check.main(["--folder", str(tmp_path / "bad")]) == 1
    assert "desk Q9 is not in the ward map" in capsys.readouterr().out
