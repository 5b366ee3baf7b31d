"""Does a conversation survive the Rasa server it started on? A dossier form begun on one Rasa replica is
finished on another after the first is killed (both share the tracker store and the lock store).

Used by tests/assistant/test_rasa_replicas.py and by the scale check (`conversation_survives_rasa_kill`).
The citizen talks through the bridge's own chat relay, as on the web chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from assistant.bridge.web.dialogue import RasaRestClient
from assistant.bridge.web.relay import ChatRelay

ASK = "hồ sơ của tôi đến đâu rồi"
CODE = "000.00.20.H26-250801-0001"
"""The demo dossier of the stub bridge / `make run`'s seed (tests/assistant/fakes.py FOUND_DOSSIER)."""
DIGITS = "1234"


@dataclass(frozen=True)
class FailoverResult:
    asked_for_code: bool
    """The first replica started the dossier form."""
    answered_after_kill: bool
    """The second replica answered the digits with the dossier's status, so it knew the form and the code."""
    replies: tuple[str, ...]

    @property
    def survived(self) -> bool:
        return self.asked_for_code and self.answered_after_kill


def dossier_form_survives(
    first_url: str,
    second_url: str,
    kill_first: Callable[[], None],
    *,
    sender: str = "failover-1",
    status_words: str = "Đang xử lý",
    timeout_s: float = 60,
) -> FailoverResult:
    """Code given on `first_url`, `kill_first()`, digits given on `second_url`."""

    def say(url: str, text: str) -> str:
        reply = asyncio.run(ChatRelay(RasaRestClient(url, timeout_s=timeout_s)).reply(sender, text))
        return " ".join(message.text for message in reply.messages)

    first = say(first_url, ASK)
    second = say(first_url, CODE)
    kill_first()
    third = say(second_url, DIGITS)
    return FailoverResult(
        asked_for_code="mã hồ sơ" in first.lower(),
        answered_after_kill=status_words in third,
        replies=(first, second, third),
    )
