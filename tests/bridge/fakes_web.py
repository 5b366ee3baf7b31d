"""Recording fakes for the web chat tests: a dialogue client that records every turn it receives."""

from __future__ import annotations

from collections.abc import Callable

from assistant.bridge.web.dialogue import BotMessage, ChatButton, DialogueUnavailable
from assistant.payload import DossierStatus, ReplyPayload
from tests.kiosk.payloads import procedure_body, ticket_body

LONG_ANSWER = "\n".join(
    [
        f"Thủ tục Đăng ký khai sinh (mã 1.001193). Câu trả lời đầy đủ, dòng {n}: giấy tờ, lệ phí, thời gian, nơi nộp."
        for n in range(1, 25)
    ]
)


class RecordingDialogueClient:
    """DialogueClient fake: records (sender, message) turns (and their metadata) and answers from a canned reply
    function.

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
    """Canned bot behaviour for the browser tests: a clarify question, a procedure card, a ticket, a dossier status,
    a goodbye, an HTML-looking reply, or an echo."""
    if message == "giấy tờ":
        return [
            BotMessage(
                "Bạn muốn hỏi thủ tục nào? / Which procedure?",
                [
                    ChatButton("Đăng ký khai sinh", '/choose_option{"option":1}'),
                    ChatButton("Đăng ký kết hôn", '/choose_option{"option":2}'),
                ],
            )
        ]
    if message in ("khai sinh", "/ask_fee", "/ask_processing_time", "/ask_where"):
        return [BotMessage.from_json(m) for m in procedure_body(LONG_ANSWER)["messages"]]
    if message in ("lấy số", "/ask_queue_ticket"):
        return [BotMessage.from_json(m) for m in ticket_body("Số thứ tự của bạn là A012, mời đến Quầy 2.")["messages"]]
    if message == "hồ sơ":
        status = DossierStatus(
            status_code=4,
            label="Đã có kết quả",
            explanation="Hồ sơ đã giải quyết xong.",
            next_step="Mang giấy biên nhận đến nhận kết quả.",
            procedure="Đăng ký khai sinh",
            due="2026-12-10",
        )
        return [BotMessage("Hồ sơ của bạn đã có kết quả.", data=ReplyPayload(kind="dossier_status", dossier=status))]
    if message == "tạm biệt":
        return [BotMessage("Cảm ơn bạn, chúc một ngày tốt lành!", data=ReplyPayload(kind="goodbye"))]
    if message == "html":
        return [BotMessage('<img src=x onerror="window.__pwned=1"><b>đậm</b>')]
    return [BotMessage(f"Bạn hỏi: {message}")]
