"""The Rasa domain and the action server agree: every custom action exists, every intent is handled."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.actions.server import build_executor
from assistant.actions.settings import ActionSettings

ASSISTANT = Path(__file__).resolve().parents[2] / "assistant"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_domain_actions_are_exactly_the_served_ones():
    executor = build_executor(ActionSettings(_env_file=None))
    domain_actions = set(_load(ASSISTANT / "domain.yml")["actions"])
    assert domain_actions == set(executor.actions)


def test_every_intent_has_a_rule_or_story_and_training_examples():
    domain = _load(ASSISTANT / "domain.yml")
    handled, examples = set(), {}
    for path in (ASSISTANT / "data").rglob("*.yml"):
        data = _load(path)
        for block in (data.get("rules") or []) + (data.get("stories") or []):
            handled |= {step["intent"] for step in block["steps"] if "intent" in step}
        for item in data.get("nlu") or []:
            if "intent" in item:
                examples[item["intent"]] = examples.get(item["intent"], 0) + item["examples"].count("\n- ") + 1
    for intent in domain["intents"]:
        assert intent in handled, f"no rule or story handles {intent}"
        assert examples.get(intent, 0) >= 10, f"{intent} has fewer than 10 training examples"


def test_there_are_at_least_40_test_stories():
    count = sum(len(_load(path).get("stories") or []) for path in (ASSISTANT / "tests").glob("*.yml"))
    assert count >= 40


def test_generated_unaccented_examples_are_up_to_date():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_unaccented_nlu", ASSISTANT / "scripts" / "make_unaccented_nlu.py"
    )
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert generator.OUTPUT.read_text(encoding="utf-8") == generator.build(), (
        "run: .venv/bin/python assistant/scripts/make_unaccented_nlu.py"
    )
    assert generator.strip_accents("Tôi [người già](priority_group) Đi") == "Toi [nguoi gia](priority_group) Di"


def test_the_payloads_kiosk_tests_send_are_ones_the_domain_understands():
    """A button payload is `/intent{"entity": "value"}`: the canned replies the kiosk tests tap must name an intent
    and entities of the domain, or the tests would exercise messages Rasa never receives."""
    import json
    import re

    from tests.kiosk.payloads import CLARIFY, SUGGESTIONS, option_payload

    domain = _load(ASSISTANT / "domain.yml")
    payloads = [
        option_payload(3),
        *(b["payload"] for b in CLARIFY["messages"][0]["buttons"]),
        *(s.payload for s in SUGGESTIONS),
    ]
    for payload in payloads:
        match = re.fullmatch(r"/(\w+)(\{.*\})?", payload)
        assert match, payload
        assert match.group(1) in domain["intents"], payload
        assert set(json.loads(match.group(2) or "{}")) <= set(domain["entities"]), payload
