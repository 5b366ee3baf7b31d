"""Which question a turn about another procedure asks when it asks nothing of its own (assistant/actions/guide.py)."""

from __future__ import annotations

import pytest

from assistant.actions.procedure_actions import ActionAnswerProcedure
from tests.assistant.conftest import make_tracker, run_action


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("thế còn đăng ký kết hôn thì sao", "fee"),  # "what about …": the fee again, of the other procedure
        ("đăng ký kết hôn", "overview"),  # another procedure named without a switch phrase: its overview
        ("thế còn đăng ký kết hôn cần giấy tờ gì", "documents"),  # its own question wins
    ],
)
def test_what_about_another_procedure_asks_the_previous_question_of_it(services, bridge, text, topic):
    slots = {"procedure_code": "1.001193", "last_topic": "fee"}
    messages, _ = run_action(ActionAnswerProcedure(services), make_tracker(text, "ask_procedure", slots=slots))
    reply = messages[0]["custom"]["reply"]
    assert reply["kind"] == "procedure"
    assert reply["procedure"]["code"] == "1.000894" and reply["procedure"]["topic"] == topic
