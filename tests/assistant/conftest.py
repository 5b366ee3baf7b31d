"""Fixtures: services over the recording bridge fake, and a tracker builder for action tests."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.actions.runtime import Services, build_services
from assistant.actions.settings import ActionSettings
from tests.assistant.fakes import RecordingBridge


@pytest.fixture
def bridge() -> RecordingBridge:
    return RecordingBridge()


@pytest.fixture
def services(bridge: RecordingBridge) -> Services:
    return build_services(ActionSettings(handoff_desk=None), bridge=bridge)


def make_tracker(
    text: str,
    intent: str,
    *,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    metadata: dict[str, Any] | None = None,
    previous_action: str | None = None,
) -> Tracker:
    """A tracker whose latest user message is ``text`` classified as ``intent`` (after ``previous_action``)."""
    all_slots = {
        "language": None,
        "procedure_code": None,
        "procedure_name": None,
        "last_topic": None,
        "pending_options": None,
        "pending_offer": None,
        "priority_group": None,
        "form_retries": 0,
        "dossier_code": None,
        "id_last4": None,
        "requested_slot": None,
    }
    all_slots.update(slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    return Tracker(
        sender_id="test-user",
        slots=all_slots,
        latest_message=latest,
        events=(
            [
                {"event": "action", "name": previous_action},
                {"event": "action", "name": "action_listen"},
                {"event": "user", "text": text},
            ]
            if previous_action
            else []
        ),
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; return (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
