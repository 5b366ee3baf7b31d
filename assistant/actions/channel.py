"""The channel a turn came from — its ward's code, and the kiosk — as the bridge put it in the message metadata, kept
for every bridge call an action makes during that turn (so a ticket asked for in a ward's chat is that ward's).

One context variable, set by `ServiceAction.run` around each action (every action runs in its own task, so
concurrent conversations never see each other's ward) and read by the bridge client.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

WARD_KEY = "ward"
"""Metadata key of the ward's code (assistant.bridge.clients.WARD_METADATA_KEY)."""
_WARD_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

current_ward: ContextVar[str | None] = ContextVar("current_ward", default=None)
"""The ward code of the turn being handled; None: the bridge's default ward."""


def ward_of(metadata: object) -> str | None:
    """The ward code in the message metadata, if well formed (the bridge checked it against its wards)."""
    value = metadata.get(WARD_KEY) if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and _WARD_CODE.match(value) else None


@contextmanager
def turn_channel(metadata: object) -> Iterator[str | None]:
    """Make the metadata's ward the current one for the duration of one action."""
    token = current_ward.set(ward_of(metadata))
    try:
        yield current_ward.get()
    finally:
        current_ward.reset(token)
