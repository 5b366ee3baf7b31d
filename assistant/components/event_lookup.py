"""Rasa 3.6 finds an event's class by walking every ``Event`` subclass, once per event it deserialises.

``Event.resolve_by_type`` calls ``all_subclasses(Event)`` (a recursive walk that also asks ``inspect.isabstract``
of each class) for every event of every tracker the tracker store hands back, and the REST channel reloads the
whole tracker each turn: ~1.5 ms of stock Rasa's ~11 ms per turn goes there (cProfile, test conversations).
``install()`` swaps in a lookup table built once and rebuilt when a name is missing (a subclass defined later);
unknown names still go through Rasa's own method, so defaults and errors are unchanged.
"""

from typing import Dict, Optional, Text, Type

_INSTALLED_FLAG = "_le_tan_so_event_lookup"


def install() -> None:
    """Patch ``rasa.shared.core.events.Event.resolve_by_type`` once per process (later calls do nothing)."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    if getattr(Event, _INSTALLED_FLAG, False):
        return
    original = Event.resolve_by_type
    table: Dict[Text, type] = {}

    def rebuild() -> None:
        table.clear()
        for cls in all_subclasses(Event):
            table.setdefault(cls.type_name, cls)  # first match wins, as in Rasa's loop

    def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        found = table.get(type_name)
        if found is None:
            rebuild()
            found = table.get(type_name)
        return found if found is not None else original(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)
    setattr(Event, _INSTALLED_FLAG, True)
