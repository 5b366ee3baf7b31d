"""The event-class table (assistant/components/event_lookup.py) gives Rasa's own answer for every event type name,
for unknown names and for an Event subclass defined after the table was built."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from assistant.components import event_lookup
from tests.rasa.conftest import STOCK

stock_resolve = STOCK["event_lookup"]


def test_every_event_type_name_resolves_to_rasas_class():
    event_lookup.install()
    names = sorted({cls.type_name for cls in all_subclasses(Event)})
    assert len(names) > 20 and "slot" in names and "user" in names
    assert [Event.resolve_by_type(name) for name in names] == [stock_resolve(name) for name in names]
    assert Event.resolve_by_type is not stock_resolve


def test_unknown_names_get_rasas_default_or_error():
    event_lookup.install()
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is stock_resolve("no_such_event", default=SlotSet)
    for resolve in (Event.resolve_by_type, stock_resolve):
        with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
            resolve("no_such_event")


def test_a_subclass_defined_later_is_found():
    event_lookup.install()
    Event.resolve_by_type("slot")  # the table exists before the new class

    class LateEvent(ActionExecuted):
        type_name = "le_tan_so_late_probe"

    assert Event.resolve_by_type("le_tan_so_late_probe") is LateEvent


def test_events_round_trip_through_dicts():
    event_lookup.install()
    events = [
        ActionExecuted("action_listen"),
        UserUttered("lệ phí bao nhiêu", {"name": "ask_fee", "confidence": 0.9}),
        SlotSet("language", "vi"),
    ]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events
