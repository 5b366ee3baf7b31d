"""RedactingTrackerStore inside real Rasa (.venv-rasa): no ID digits kept, idle conversations forgotten.

Run with `.venv-rasa/bin/python -m pytest tests/rasa`; skipped under the services environment (no Rasa there).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

pytest.importorskip("rasa")

from rasa.core.tracker_store import TrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.utils.endpoints import read_endpoint_config  # noqa: E402

from assistant.components.tracker_store import RedactingTrackerStore, mask_digit_runs  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DIGITS = "4821"
ID_NUMBER = "001.203.004.567"
PHONE = "0912 345 678"
CODE = "000.00.20.H26-250801-0001"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "assistant" / "domain.yml"))


def user(text: str, intent: str = "inform", entities: list | None = None) -> UserUttered:
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.9},
        entities or [],
        parse_data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
    )


def dossier_conversation(domain: Domain, sender: str = "citizen-1") -> DialogueStateTracker:
    """A dossier form as Rasa records it: code asked and given, digits asked and given, lookup, slots cleared."""
    events = [
        ActionExecuted("action_listen"),
        user(f"tra cứu hồ sơ, căn cước {ID_NUMBER}, điện thoại {PHONE}", "check_dossier_status"),
        ActionExecuted("dossier_form"),
        ActiveLoop("dossier_form"),
        SlotSet("requested_slot", "dossier_code"),
        BotUttered("Mã hồ sơ của bạn là gì?"),
        ActionExecuted("action_listen"),
        user(f"mã là {CODE}", entities=[{"entity": "dossier_code", "value": CODE, "start": 6, "end": 31}]),
        SlotSet("dossier_code", CODE),
        SlotSet("requested_slot", "id_last4"),
        BotUttered("4 số cuối CCCD?"),
        ActionExecuted("action_listen"),
        user(f"{DIGITS[:2]} {DIGITS[2:]}"),  # "48 21": two short runs, only the requested-slot rule catches it
        SlotSet("id_last4", DIGITS),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecuted("action_dossier_status"),
        BotUttered("Hồ sơ đang xử lý."),
        SlotSet("dossier_code", None),
        SlotSet("id_last4", None),
        ActionExecuted("action_listen"),
        user("cảm ơn, còn số 7 và 12 thì sao", "thank"),
    ]
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def run(coroutine):
    return asyncio.run(coroutine)


def stored_strings(raw: str | bytes) -> list[str]:
    """Every string value in a stored JSON document: the texts, slot values and entities a citizen's digits could
    hide in. Numbers (timestamps, confidences) are left out: "1796620441.4524004" holds "004" by chance."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(raw))
    return found


def test_saved_conversation_keeps_no_digits_but_keeps_its_shape(domain):
    store = RedactingTrackerStore(domain)
    tracker = dossier_conversation(domain)
    run(store.save(tracker))
    strings = stored_strings(store.store["citizen-1"])
    for secret in (DIGITS, "48 21", ID_NUMBER, "004", PHONE, "345"):
        assert not any(secret in text for text in strings), secret
    # the dossier code (not personal) stays in its slot while the form runs; the user's text is masked
    assert [e.text for e in run(store.retrieve("citizen-1")).events if isinstance(e, UserUttered)][
        1
    ] == "mã là [digits].H[digits]"
    restored = run(store.retrieve("citizen-1"))
    assert len(restored.events) == len(tracker.events)
    assert [e.intent_name for e in restored.events if isinstance(e, UserUttered)] == [
        "check_dossier_status",
        "inform",
        "inform",
        "thank",
    ]
    texts = [e.text for e in restored.events if isinstance(e, UserUttered)]
    assert texts[2] == "[redacted]"
    assert texts[3] == "cảm ơn, còn số 7 và 12 thì sao"  # short numbers are kept
    assert "tra cứu hồ sơ" in texts[0] and "[digits]" in texts[0]
    assert [e.value for e in restored.events if isinstance(e, SlotSet) and e.key == "id_last4"] == [None, None]


def test_a_form_still_waiting_keeps_working_after_the_digits_are_dropped(domain):
    """If the digits came before a valid code, the stored slot is empty and the form simply asks again."""
    store = RedactingTrackerStore(domain)
    events = [
        ActionExecuted("action_listen"),
        user("tra hồ sơ", "check_dossier_status"),
        ActiveLoop("dossier_form"),
        SlotSet("requested_slot", "id_last4"),
        ActionExecuted("action_listen"),
        user(DIGITS),
        SlotSet("id_last4", DIGITS),
        SlotSet("requested_slot", "dossier_code"),
    ]
    run(store.save(DialogueStateTracker.from_events("citizen-2", events, domain.slots)))
    restored = run(store.retrieve("citizen-2"))
    assert restored.get_slot("id_last4") is None and restored.active_loop_name == "dossier_form"
    assert DIGITS not in store.store["citizen-2"]


def test_idle_conversations_are_forgotten(domain):
    clock = Clock()
    store = RedactingTrackerStore(domain, idle_minutes=30, clock=clock)
    run(store.save(dossier_conversation(domain, "old")))
    clock.t += 20 * 60
    run(store.save(dossier_conversation(domain, "recent")))
    clock.t += 11 * 60  # "old" idle 31 min, "recent" 11 min
    assert run(store.retrieve("old")) is None
    assert run(store.retrieve("recent")) is not None
    clock.t += 60 * 60
    run(store.save(dossier_conversation(domain, "new")))  # a save sweeps every idle conversation
    assert set(run(store.keys())) == {"new"}


def test_the_store_is_what_endpoints_yml_registers(domain):
    config = read_endpoint_config(str(ROOT / "assistant" / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, domain)
    assert isinstance(store, RedactingTrackerStore)
    assert store.idle_s == config.kwargs["idle_minutes"] * 60 and store.redact_slots == {"id_last4"}


def test_bad_idle_minutes_is_a_clear_error(domain):
    with pytest.raises(ValueError, match="idle_minutes"):
        RedactingTrackerStore(domain, idle_minutes=0)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("1234", "[digits]"),
        ("1 2 3 4", "[digits]"),
        ("001.203.004.567", "[digits]"),
        ("0912-345-678", "[digits]"),
        ("số 123 và 45", "số 123 và 45"),
        ("năm 2025", "năm [digits]"),
        ("12  34", "12  34"),
    ],
)
def test_digit_runs(text, masked):
    assert mask_digit_runs(text) == masked


def test_serialised_form_is_plain_json(domain):
    store = RedactingTrackerStore(domain)
    run(store.save(dossier_conversation(domain)))
    assert json.loads(store.store["citizen-1"])["events"]
