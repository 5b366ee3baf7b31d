"""Queue messages recognised whatever the intent classifier said (assistant/actions/data/queue_words.yaml)."""

from __future__ import annotations

import pytest

from assistant.actions.procedure_actions import ActionAnswerProcedure
from assistant.actions.queue_words import QueueWords
from assistant.actions.service_actions import ActionQueueStatus
from tests.assistant.conftest import make_tracker, run_action


@pytest.fixture(scope="module")
def words() -> QueueWords:
    return QueueWords.load()


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("tôi 75 tuổi rồi, cho tôi số để làm giấy xác nhận tình trạng hôn nhân", True),
        ("lấy số thứ tự", True),
        ("cho tôi số", True),
        ("bốc số ưu tiên giúp bác", True),
        ("can I get a number please", True),
        ("Ok I'm here now. I need a number for the civil status desk, birth certificate copy", True),
        ("xin số nhà thì làm thế nào", False),
        ("lấy số định danh cá nhân ở đâu", False),
        ("dạ vậy em lấy số ở quầy nào", False),  # where to take a number: a question about the desk
        ("làm giấy xác nhận tình trạng hôn nhân cần gì", False),
    ],
)
def test_a_ticket_request_is_not_part_of_a_procedure_name(words, text, asks):
    assert words.asks_for_ticket(text) is asks


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("phải đợi bao lâu", True),
        ("còn mấy người nữa", True),
        ("how long do I wait", True),
        ("mất bao lâu thì có kết quả", False),
        ("lệ phí bao nhiêu", False),
    ],
)
def test_waiting_questions(words, text, asks):
    assert words.asks_about_waiting(text) is asks


def test_a_procedure_question_that_asks_for_a_number_gets_a_ticket_for_its_desk(services, bridge):
    tracker = make_tracker("tôi 75 tuổi rồi, cho tôi số để làm giấy khai sinh", "ask_procedure")
    messages, _ = run_action(ActionAnswerProcedure(services), tracker)
    reply = messages[0]["custom"]["reply"]
    assert reply["kind"] == "ticket" and reply["ticket"]["priority"] is True
    assert bridge.called("issue_ticket")[0]["priority"] == "elderly"


def test_waiting_is_asked_about_the_ticket_only_once_there_is_one(services, bridge):
    messages, _ = run_action(
        ActionAnswerProcedure(services),
        make_tracker("phải đợi bao lâu", "ask_processing_time", slots={"procedure_code": "1.001193", "ticket_id": "7"}),
    )
    assert messages[0]["custom"]["reply"]["kind"] == "queue_status"
    messages, _ = run_action(
        ActionAnswerProcedure(services),
        make_tracker("phải đợi bao lâu", "ask_processing_time", slots={"procedure_code": "1.001193"}),
    )
    assert messages[0]["custom"]["reply"]["kind"] == "procedure"


def test_how_many_days_right_after_a_ticket_is_about_the_procedure(services, bridge):
    slots = {"procedure_code": "1.001193", "ticket_id": "7"}
    messages, _ = run_action(
        ActionQueueStatus(services),
        make_tracker("trong lúc chờ cho hỏi mấy ngày thì có giấy", "ask_processing_time", slots=slots),
    )
    assert messages[0]["custom"]["reply"]["kind"] == "procedure"
    messages, _ = run_action(
        ActionQueueStatus(services), make_tracker("phải chờ mấy người nữa", "ask_processing_time", slots=slots)
    )
    assert messages[0]["custom"]["reply"]["kind"] == "queue_status"


def test_how_long_before_any_ticket_is_about_the_procedure_being_discussed(services, bridge):
    about = {"procedure_code": "1.001193"}
    messages, _ = run_action(
        ActionQueueStatus(services), make_tracker("and how long does it take", "ask_queue_status", slots=about)
    )
    assert messages[0]["custom"]["reply"]["kind"] == "procedure"
    for text, slots in [("how long will I have to wait", about), ("how long does it take", {})]:
        messages, _ = run_action(ActionQueueStatus(services), make_tracker(text, "ask_queue_status", slots=slots))
        assert messages[0]["custom"]["reply"]["kind"] == "queue_status"  # the queue asked, or nothing discussed
