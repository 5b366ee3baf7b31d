"""Questions right after a dossier answer are about that dossier (ActionDossierFollowup)."""

from __future__ import annotations

from assistant.actions.dossier_actions import ActionDossierFollowup
from tests.assistant.conftest import make_tracker, run_action
from tests.assistant.replies_text import says

STATUS = {
    "status_code": 10,
    "label": "Đã trả kết quả",
    "next_step": "Mang giấy biên nhận và căn cước đến nhận.",
    "pickup_desk": {"id": "Q1", "name": "Quầy 1"},
    "procedure": "chứng thực bản sao",
}


def after(action: str, text: str, intent: str = "out_of_scope", reply: dict | None = None):
    tracker = make_tracker(text, intent)
    bot = {"event": "bot", "text": "…", "data": {"custom": {"reply": reply}} if reply else {}}
    tracker.events = [
        {"event": "action", "name": action},
        bot,
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text},
    ]
    return tracker


def test_a_question_after_a_status_repeats_what_to_do_and_where(services, bridge):
    tracker = after(
        "action_dossier_status",
        "thế giờ tôi mang gì đi lấy",
        reply={"kind": "dossier_status", "language": "vi", "dossier": STATUS},
    )
    messages, _ = run_action(ActionDossierFollowup(services), tracker)
    reply = messages[0]["custom"]["reply"]
    assert reply["kind"] == "dossier_status" and reply["dossier"]["pickup_desk"]["id"] == "Q1"
    assert says(messages[0]["text"], "dossier_followup") and "biên nhận" in messages[0]["text"]
    assert bridge.called("lookup_dossier") == [] and bridge.called("turn") == []


def test_a_question_naming_a_procedure_is_a_procedure_question(services, bridge):
    tracker = after(
        "action_dossier_status",
        "làm giấy khai sinh cần gì",
        intent="ask_documents",
        reply={"kind": "dossier_status", "language": "vi", "dossier": STATUS},
    )
    messages, _ = run_action(ActionDossierFollowup(services), tracker)
    assert messages[0]["custom"]["reply"]["kind"] == "procedure" and bridge.called("turn")


def test_a_code_question_after_the_code_help_repeats_the_help(services, bridge):
    tracker = after("action_dossier_help", "mã đấy ghi ở đâu", intent="ask_where")
    messages, _ = run_action(ActionDossierFollowup(services), tracker)
    assert messages[0].get("response") == "utter_dossier_help" and bridge.called("turn") == []


def test_without_a_status_payload_the_turn_goes_to_the_guide(services, bridge):
    tracker = after(
        "action_dossier_status",
        "nộp tiền ở đâu",
        intent="ask_where",
        reply={"kind": "dossier_refused", "language": "vi"},
    )
    messages, _ = run_action(ActionDossierFollowup(services), tracker)
    assert messages[0]["custom"]["reply"]["kind"] != "dossier_status"
