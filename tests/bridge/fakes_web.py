"""Recording fakes for the web chat tests: a dialogue client that records every turn it receives."""
from __future__ import annotations

from collections.abc import Callable

from assistant.bridge.web.dialogue import BotMessage, ChatButton, DialogueUnavailable


class RecordingDialogueClient:
    """DialogueClient fake: records (sender, message) turns (and their metadata) and answers from a canned reply function.

    `reply` maps the received message to bot messages; by default it echoes "Bạn hỏi: <message>".
    With `unavailable=True` every turn raises DialogueUnavailable (like Rasa being down).
    """

    def __init__(self, reply: Callable[[str], list[BotMessage]] | None = None, *, unavailable: bool = False):
        self.received: list[tuple[str, str]] = []
        self.metadata: list[dict | None] = []
        self._reply = reply or (lambda message: [BotMessage(f"Bạn hỏi: {message}")])
        self.unavailable = unavailable

    async def send(self, sender: str, message: str, metadata: dict | None = None) -> list[BotMessage]:
        self.received.append((sender, message))
        self.metadata.append(metadata)
        if self.unavailable:
            raise DialogueUnavailable("fake engine is down")
        return self._reply(message)


def scripted_reply(message: str) -> list[BotMessage]:
    """Canned bot behaviour for the browser tests: a clarify question, an HTML-looking reply, or an echo."""
    if message == "giấy tờ":
        return [BotMessage("Bạn muốn hỏi thủ tục nào? / Which procedure?", [
            ChatButton("Đăng ký khai sinh", '/choose_option{"option":1}'),
            ChatButton("Đăng ký kết hôn", '/choose_option{"option":2}'),
        ])]
    if message == "html":
        return [BotMessage('<img src=x onerror="window.__pwned=1"><b>đậm</b>')]
    return [BotMessage(f"Bạn hỏi: {message}")]
