"""Canned `POST /api/chat` bodies carrying structured replies (assistant.payload), shared by kiosk and page tests."""

from __future__ import annotations

import json

from assistant.actions.cards import suggestions
from assistant.payload import Desk, ProcedureCard, ReplyPayload, Ticket

PORTAL_URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"
DESK_2 = Desk(id="quay-2", name="Quầy 2 – Hộ tịch", floor="Tầng 1")


def option_payload(number: int) -> str:
    """The payload of the n-th option of a clarifying question, built as the actions build it
    (assistant/actions/guide.py): intent ``choose_option`` with the ``option_number`` entity."""
    return "/choose_option" + json.dumps({"option_number": str(number)})


CLARIFY = {
    "messages": [
        {
            "text": "Bác muốn làm thủ tục nào?",
            "buttons": [
                {"title": "Đăng ký khai sinh", "payload": option_payload(1)},
                {"title": "Đăng ký khai tử", "payload": option_payload(2)},
            ],
        }
    ]
}
"""A clarifying question offering two procedures, as `POST /api/chat` returns it."""
SUGGESTIONS = suggestions("vi")
"""The follow-ups the actions attach to a procedure answer (assistant/actions/cards.py)."""


def ticket_body(text: str, number: str = "A012", desk: Desk = DESK_2, speech: str | None = None) -> dict:
    """A reply that issued a queue ticket: the number and desk travel in `data`, not only in the text."""
    payload = ReplyPayload(kind="ticket", speech=speech, ticket=Ticket(number=number, desk=desk))
    return {
        "messages": [{"text": text, "buttons": [], "data": payload.model_dump(mode="json", exclude_none=True)}],
        "degraded": False,
    }


def birth_card(**changes) -> ProcedureCard:
    fields = dict(
        code="1.001193",
        name="Đăng ký khai sinh",
        official_name="Thủ tục đăng ký khai sinh",
        documents=[
            "Tờ khai đăng ký khai sinh (theo mẫu)",
            "Giấy chứng sinh do bệnh viện cấp",
            "Căn cước công dân của cha hoặc mẹ (bản chính để đối chiếu)",
        ],
        fee="Miễn lệ phí (đăng ký đúng hạn)",
        time="Trong ngày làm việc",
        online=True,
        portal_url=PORTAL_URL,
        desk=DESK_2,
    )
    fields.update(changes)
    return ProcedureCard(**fields)


def procedure_body(text: str, speech: str | None = None, card: ProcedureCard | None = None) -> dict:
    """A procedure answer with its card, spoken short form and tappable follow-ups."""
    payload = ReplyPayload(kind="procedure", speech=speech, procedure=card or birth_card(), suggestions=SUGGESTIONS)
    return {
        "messages": [{"text": text, "buttons": [], "data": payload.model_dump(mode="json", exclude_none=True)}],
        "degraded": False,
    }
