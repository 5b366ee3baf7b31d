"""The conversation runner end to end against a fake `POST /api/chat` (a tiny FastAPI app on a free port that
records what it receives and answers canned replies): senders, grading, figures, --out, --compare, failures."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from benchmarks import bench_conversations
from benchmarks.conversations.scenarios import Scenario
from tests.servers import serve

BIRTH = {"code": "1.001193", "name": "đăng ký khai sinh", "topic": "documents"}
DESK = {"id": "Q1", "name": "Quầy 1 – Hộ tịch, chứng thực"}
CANNED = {
    "làm khai sinh cần gì": {
        "text": "Thủ tục đăng ký khai sinh (mã 1.001193) cần: tờ khai.",
        "buttons": [],
        "data": {"kind": "procedure", "procedure": BIRTH, "speech": "Cần tờ khai."},
    },
    "mất tiền không": {
        "text": "Thủ tục đăng ký khai sinh (mã 1.001193) được miễn lệ phí.",
        "buttons": [],
        "data": {"kind": "procedure", "procedure": {**BIRTH, "topic": "fee"}},
    },
    "lấy số": {
        "text": "Số A001, Quầy 1.",
        "buttons": [],
        "data": {"kind": "ticket", "ticket": {"number": "A001", "desk": DESK, "priority": False}},
    },
}


class FakeChat:
    """A fake bridge chat endpoint; ``received`` holds every (sender, message) in arrival order."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.app = FastAPI()
        self.app.post("/api/chat")(self.chat)

    async def chat(self, body: dict):
        self.received.append((body["sender"], body["message"]))
        message = body["message"]
        if message.startswith("<"):
            return JSONResponse({"error": "html_not_allowed", "message": "Xin gửi chữ thường."}, status_code=422)
        if message == "down":
            return {"messages": [{"text": "Trợ lý đang bận.", "buttons": [], "data": None}], "degraded": True}
        reply = CANNED.get(message, {"text": "Xin lỗi, tôi chưa hiểu.", "buttons": [], "data": None})
        return {"messages": [reply], "degraded": False}


def scenario(id_: str, category: str, language: str, *turns) -> dict:
    return {
        "id": id_,
        "category": category,
        "language": language,
        "turns": [{"user": user, "expect": expect} for user, expect in turns],
    }


SCENARIOS = [
    scenario(
        "follow-1",
        "guide_followup",
        "vi",
        ("làm khai sinh cần gì", {"kind": "procedure", "code": "1.001193", "topic": "documents"}),
        ("mất tiền không", {"kind": "procedure", "code": "1.001193", "topic": "fee"}),
    ),
    scenario(
        "ticket-1",
        "ticket",
        "vi",
        ("lấy số", {"kind": "ticket", "priority": True, "desk": "Q1"}),
        ("<b>hi</b>", {"words_any": ["chữ thường"]}),
    ),
    scenario("english-1", "english", "en", ("hello", {"kind": "greeting"})),
    scenario("handoff-1", "handoff", "vi", ("down", {"kind": "handoff"}), ("lấy số", {"kind": "ticket"})),
]


@pytest.fixture()
def scenario_folder(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "all.jsonl").write_text(
        "\n".join(json.dumps(s, ensure_ascii=False) for s in SCENARIOS) + "\n", encoding="utf-8"
    )
    return folder


def test_a_run_plays_each_scenario_with_its_own_sender_and_grades_every_turn(scenario_folder, tmp_path, capsys):
    fake = FakeChat()
    out = tmp_path / "run.json"
    with serve(fake.app) as url:
        code = bench_conversations.main(
            [
                "--scenarios",
                str(scenario_folder),
                "--base-url",
                url,
                "--out",
                str(out),
                "--concurrency",
                "2",
                "--show-failures",
                "10",
            ]
        )
    assert code == 0
    by_sender: dict[str, list[str]] = {}
    for sender, message in fake.received:
        by_sender.setdefault(sender, []).append(message)
    assert sorted(by_sender.values()) == sorted([t["user"] for t in s["turns"]] for s in SCENARIOS)

    run = json.loads(out.read_text(encoding="utf-8"))
    turns = {(row["scenario"], row["turn"]): row for row in run["turns"]}
    assert len(turns) == 7
    assert turns["follow-1", 1]["passed"] and turns["follow-1", 2]["passed"]
    assert turns["follow-1", 1]["checks"]["speech_length"] and "speech_length" not in turns["follow-1", 2]["checks"]
    assert turns["ticket-1", 1]["checks"] == {
        "kind": True,
        "priority": False,
        "desk": True,
        "language": True,
        "max_choices": True,
        "ellipsis_name": True,
    }
    assert turns["ticket-1", 2]["passed"]  # the 422 refusal is read as the assistant's answer
    assert turns["english-1", 1]["got"]["kinds"] == ["message"] and not turns["english-1", 1]["checks"]["language"]
    assert turns["handoff-1", 1]["error"] == "degraded: the dialogue engine did not answer"
    assert turns["handoff-1", 2]["passed"]

    figures = run["summary"]["categories"]
    assert figures["guide_followup"]["scenario_pass"] == 1.0 and figures["ticket"]["turn_pass"] == 0.5
    assert figures["overall"]["turns"] == 7 and figures["overall"]["scenario_pass"] == 0.25
    assert figures["overall"]["code_turns"] == 2 and figures["overall"]["code_pass"] == 1.0
    assert run["summary"]["checks"]["priority"] == {"applied": 1, "failed": 1}

    printed = capsys.readouterr().out
    assert "guide_followup" in printed and "100.0%" in printed
    assert "ticket-1 turn 1 [priority]" in printed and "english-1 turn 1 [kind, language]" in printed
    assert "follow-1 turn" not in printed


def test_compare_prints_the_previous_figures_beside_the_new_ones(scenario_folder, tmp_path, capsys):
    previous = tmp_path / "previous.json"
    with serve(FakeChat().app) as url:
        bench_conversations.main(["--scenarios", str(scenario_folder), "--base-url", url, "--out", str(previous)])
        capsys.readouterr()
        CANNED["hello"] = {"text": "Hello! How can I help?", "buttons": [], "data": {"kind": "greeting"}}
        try:
            bench_conversations.main(
                [
                    "--scenarios",
                    str(scenario_folder),
                    "--base-url",
                    url,
                    "--compare",
                    str(previous),
                    "--category",
                    "english",
                ]
            )
        finally:
            del CANNED["hello"]
    printed = capsys.readouterr().out
    assert "english" in printed and "0.0% → 100.0% (+100.0)" in printed
    assert "turns fixed since the previous run: 1; broken: 0" in printed


def test_limit_takes_scenarios_round_robin_across_categories():
    scenarios = [
        Scenario.model_validate(scenario(f"{c}-{i}", c, "vi", ("x", {})))
        for c in ("ticket", "handoff")
        for i in range(3)
    ]
    chosen = bench_conversations.select(scenarios, None, 3)
    assert [s.id for s in chosen] == ["ticket-0", "handoff-0", "ticket-1"]
    assert [s.id for s in bench_conversations.select(scenarios, ["handoff"], 2)] == ["handoff-0", "handoff-1"]


def test_a_bad_scenario_file_stops_the_run_before_any_turn(tmp_path, capsys):
    (tmp_path / "bad.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    assert bench_conversations.main(["--scenarios", str(tmp_path), "--base-url", "http://127.0.0.1:9"]) == 2
    assert "bad.jsonl:1 (x)" in capsys.readouterr().err


def test_validate_only_reports_codes_that_are_not_in_the_catalogue(tmp_path, capsys):
    bad = scenario("s-1", "guide_followup", "vi", ("x", {"code": "9.999999"}), ("y", {}))
    (tmp_path / "a.jsonl").write_text(json.dumps(bad) + "\n", encoding="utf-8")
    assert bench_conversations.main(["--scenarios", str(tmp_path), "--validate-only"]) == 2
    assert "code 9.999999 is not in the catalogue" in capsys.readouterr().err
