"""Dossier form validation: codes and digits read from free text, one re-ask with an example, then stop."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.dossier import find_dossier_code, find_id_last4, id_last4_beside_code
from assistant.actions.dossier_actions import ValidateDossierForm
from tests.assistant.conftest import make_tracker

DOMAIN = {"forms": {"dossier_form": {"required_slots": ["dossier_code", "id_last4"]}}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("000.00.20.H26-250801-0001", "000.00.20.H26-250801-0001"),
        ("mã là 000.00.20.h26 - 250801 - 0001 nhé", "000.00.20.H26-250801-0001"),
        ("my code is 000.12.30.H29-251115-0999.", "000.12.30.H29-251115-0999"),
        ("12345", None),
        ("H26-0001", None),
        ("000.00.20.H26-25080-0001", None),
        ("", None),
    ],
)
def test_find_dossier_code(text, expected):
    assert find_dossier_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("1 2 3 4", "1234"),
        ("4 số cuối là 5678", "5678"),
        ("12", None),
        ("12345", None),
        ("1234 và 5678", None),
        ("không nhớ", None),
    ],
)
def test_find_id_last4(text, expected):
    assert find_id_last4(text) == expected


def _validate(services, text: str, requested: str, retries: int = 0, language: str | None = None):
    slots = {"requested_slot": requested, requested: text, "form_retries": retries, "language": language}
    tracker = make_tracker(text, "inform", slots=slots, active_loop="dossier_form")
    # rasa-sdk validates the slots set in the latest turn; mimic that event.
    tracker.events = [{"event": "slot", "name": requested, "value": text}]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateDossierForm(services).run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_valid_code_is_normalised_and_resets_retries(services):
    messages, slots = _validate(services, "mã hồ sơ 000.00.20.h26-250801-0001", "dossier_code", retries=1)
    assert slots["dossier_code"] == "000.00.20.H26-250801-0001" and slots["form_retries"] == 0
    assert messages == []


def test_first_bad_code_is_re_asked_with_an_example(services):
    messages, slots = _validate(services, "mã là 12345", "dossier_code")
    assert slots["dossier_code"] is None and slots["form_retries"] == 1
    assert "000.00.20.H26-250801-0001" in messages[0]["text"]


def test_second_bad_answer_ends_the_form(services):
    messages, slots = _validate(services, "không nhớ", "id_last4", retries=1)
    assert slots["id_last4"] is None and slots["form_retries"] == 2
    assert slots["requested_slot"] is None
    assert messages == []


def test_bad_digits_are_re_asked_in_english(services):
    messages, slots = _validate(services, "12", "id_last4", language="en")
    assert slots["id_last4"] is None and "last 4 digits" in messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("xem giúp hồ sơ 000.00.20.H26-250801-0002, bốn số cuối căn cước là 5678", "5678"),
        ("mã 000.00.20.h26-250805-0003 số cuối 2468", "2468"),
        ("mã 000 00 20 H26 250801 0001 số cuối một hai ba bốn", "1234"),
        ("hồ sơ 000.00.20.H26-250801-0001 của tôi", None),  # the code's own 0001 is not the digits
        ("bốn số cuối là 5678", None),
    ],  # no code in the message: the form asks for the digits itself
)
def test_id_last4_beside_code(text, expected):
    assert id_last4_beside_code(text) == expected


def _activate(services, text: str):
    """The form's validation action as Rasa calls it at activation: nothing requested, no slot set yet."""
    tracker = make_tracker(
        text, "check_dossier_status", slots={"requested_slot": None, "form_retries": 0}, active_loop="dossier_form"
    )
    tracker.events = []
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateDossierForm(services).run(dispatcher, tracker, DOMAIN))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_code_and_digits_in_one_message_fill_both_slots(services):
    slots = _activate(services, "tra hồ sơ 000.00.20.H26-250807-0005 số cuối 9998")
    assert slots["dossier_code"] == "000.00.20.H26-250807-0005" and slots["id_last4"] == "9998"


def test_lower_case_code_at_activation_is_kept_and_digits_are_asked(services):
    slots = _activate(services, "hồ sơ 000.00.20.h26-250807-0005 của tôi sao rồi")
    assert slots["dossier_code"] == "000.00.20.H26-250807-0005"
    assert "id_last4" not in slots  # the code's own digit groups are not taken for the ID digits
