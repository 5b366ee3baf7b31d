"""Recording fake of the bridge (BridgeClient) with small, realistic canned catalogue/desk/dossier data."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from assistant.actions.bridge_client import BridgeUnavailable, DossierLookup
from knowledge_base.text import fold
from knowledge_base.turn.topics import default_topic_words

DESK_HOTICH = {
    "id": "Q1",
    "name": "Quầy 1 – Hộ tịch, chứng thực",
    "fields": ["Hộ tịch", "Chứng thực"],
    "floor": "Tầng 1",
    "hours": "7:30–17:00",
    "directions": "Rẽ trái sau cửa chính, quầy đầu tiên. Có biển xanh.",
    "priority": False,
}
DESK_GENERAL = {
    "id": "Q0",
    "name": "Quầy tiếp nhận chung",
    "fields": [],
    "floor": "Tầng 1",
    "hours": "7:30–17:00",
    "directions": "Ngay cửa chính.",
    "priority": False,
    "general": True,
}
DESK_PRIORITY = {
    "id": "Q5",
    "name": "Quầy 5 – Ưu tiên",
    "fields": [],
    "floor": "Tầng 1",
    "hours": "7:30–17:00",
    "directions": "Bên phải cửa chính.",
    "priority": True,
}
DESKS = {d["id"]: d for d in (DESK_GENERAL, DESK_HOTICH, DESK_PRIORITY)}


def procedure(
    code: str,
    name: str,
    *,
    fee: dict[str, Any],
    online: bool = True,
    documents: int = 5,
    steps: int = 3,
    time: str = "Trong ngày làm việc",
) -> dict[str, Any]:
    """A record shaped like Procedure.to_dict() (only the fields the assistant reads are realistic)."""
    channels = [
        {
            "channel": "in_person",
            "label": "Trực tiếp",
            "processing_time": time,
            "processing_days": 1.0,
            "description": "",
            **fee,
        }
    ]
    if online:
        channels.append(
            {
                "channel": "online",
                "label": "Trực tuyến",
                "processing_time": time,
                "processing_days": 1.0,
                "description": "",
                **fee,
            }
        )
    return {
        "code": code,
        "name": name,
        "field": "Hộ tịch",
        "levels": ["Cấp xã"],
        "ward_level": True,
        "documents": [
            {"group": "Giấy tờ phải nộp", "name": f"Giấy tờ số {i + 1} của {name}", "form": "", "copies": "1 bản chính"}
            for i in range(documents)
        ],
        "steps": [f"Bước {i + 1}: việc thứ {i + 1}" for i in range(steps)],
        "channels": channels,
        "legal_basis": [
            {"name": "Nghị định quy định chi tiết Luật Hộ tịch", "number": "123/2015/NĐ-CP"},
            {"name": "Thông tư về lệ phí", "number": "85/2019/TT-BTC"},
        ],
        "conditions": "",
        "result": "",
        "source_url": "",
    }


def non_ward(
    code: str,
    name: str,
    *,
    levels: list[str],
    performing_body: str = "",
    competent_body: str = "",
    submission_address: str = "",
) -> dict[str, Any]:
    """A district/province/ministry record: not handled at the ward (``ward_level`` false)."""
    record = procedure(code, name, fee=FREE)
    record.update(
        levels=levels,
        ward_level=False,
        field="Khác",
        performing_body=performing_body,
        competent_body=competent_body,
        submission_address=submission_address,
    )
    return record


FREE = {"fee": "Miễn phí", "fee_amount_vnd": 0, "fee_set_by_province": False}
PROCEDURES = {
    "1.001193": procedure("1.001193", "Thủ tục đăng ký khai sinh", fee=FREE),
    "1.000894": procedure("1.000894", "Thủ tục đăng ký kết hôn", fee=FREE, documents=2),
    "2.000815": procedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính",
        online=False,
        fee={"fee": "2.000 đồng/trang", "fee_amount_vnd": 2000, "fee_set_by_province": False},
    ),
    "2.000843": procedure(
        "2.000843",
        "Chứng thực chữ ký",
        online=False,
        fee={"fee": "10.000 đồng", "fee_amount_vnd": 10000, "fee_set_by_province": False},
    ),
    "2.000884": procedure(
        "2.000884",
        "Chứng thực hợp đồng, giao dịch",
        online=False,
        fee={"fee": "Theo quy định của HĐND tỉnh", "fee_amount_vnd": None, "fee_set_by_province": True},
    ),
    "3.000333": non_ward(
        "3.000333",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        levels=["Cấp tỉnh"],
        performing_body="Công an tỉnh",
        competent_body="Công an tỉnh",
    ),
    "1.001456": non_ward(
        "1.001456",
        "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)",
        levels=["Cấp tỉnh"],
        performing_body="Công an cấp Tỉnh",
        competent_body="Cục quản lý xuất nhập cảnh",
        submission_address="Phòng Quản lý xuất nhập cảnh Công an tỉnh",
    ),
    "9.000900": non_ward("9.000900", "Cấp phép nuôi cá sấu", levels=[]),
}
# accent-folded keyword → (confidence, ward-level codes, elsewhere): what a ward-level search returns. `elsewhere` is
# the code of a non-ward procedure that outranks every ward hit (the bridge's "elsewhere" field), or None.
SEARCH_TABLE = [
    ("khai sinh", "confident", ["1.001193"], None),
    ("birth", "confident", ["1.001193"], None),
    ("ket hon", "confident", ["1.000894"], None),
    ("marriage", "confident", ["1.000894"], None),
    ("chung thuc nguoi dich", "ambiguous", ["2.000815", "2.000843"], "3.000333"),  # a non-ward variant ranks first
    ("chung thuc", "ambiguous", ["2.000815", "2.000843", "2.000884"], None),
    ("certif", "ambiguous", ["2.000815", "2.000843", "2.000884"], None),
    ("ly lich tu phap", "no_match", ["2.000843"], "3.000333"),
    ("ho chieu moi", "confident", ["2.000815"], "1.001456"),  # a ward procedure fits too: the citizen picks
    ("ho chieu", "ambiguous", ["2.000843", "2.000815"], "1.001456"),
    ("passport", "ambiguous", ["2.000843", "2.000815"], "1.001456"),
    ("ca sau", "no_match", [], "9.000900"),
]


@dataclass
class RecordingBridge:
    """Implements BridgeClient; records every call in ``calls`` as (method, args) and returns canned data."""

    procedures: dict[str, dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(PROCEDURES))
    dossiers: dict[tuple[str, str], DossierLookup] = field(default_factory=dict)
    dossier_default: DossierLookup = field(default_factory=lambda: DossierLookup("not_found"))
    down: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    tickets_issued: int = 0
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)

    def _record(self, method: str, **args: Any) -> None:
        self.calls.append((method, args))
        if self.down:
            raise BridgeUnavailable("ConnectError")

    def called(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    async def search(self, query: str, k: int = 3) -> dict[str, Any]:
        self._record("search", query=query, k=k)
        folded = fold(query)
        for keyword, confidence, codes, elsewhere in SEARCH_TABLE:
            if keyword in folded:
                hits = [
                    {"code": c, "name": self.procedures[c]["name"], "field": "Hộ tịch", "score": 0.9 - i / 10}
                    for i, c in enumerate(codes[:k])
                ]
                outcome = {"query": query, "confidence": confidence, "results": hits}
                if elsewhere:
                    outcome["elsewhere"] = {
                        "code": elsewhere,
                        "name": self.procedures[elsewhere]["name"],
                        "field": "Khác",
                        "score": 0.95,
                    }
                return outcome
        return {"query": query, "confidence": "no_match", "results": []}

    async def turn(
        self,
        text: str,
        *,
        current: str | None = None,
        options: list[str] | None = None,
        recent: list[str] | None = None,
        language: str = "vi",
        matter: str | None = None,
    ) -> dict[str, Any]:
        """The bridge's GET /api/turn decided from SEARCH_TABLE: a keyword names a procedure (a current one is kept
        when none is named); a non-ward `elsewhere` is referred, or offered beside a confident ward hit."""
        self._record(
            "turn",
            text=text,
            current=current,
            options=list(options or []),
            recent=list(recent or []),
            language=language,
            matter=matter,
        )
        folded = fold(text)

        def choice(code: str) -> dict[str, Any]:
            record = self.procedures[code]
            return {"code": code, "name": record["name"], "ward_level": record["ward_level"]}

        def outcome(kind: str, code: str | None = None, choices: tuple = (), follow_up: bool = False) -> dict[str, Any]:
            return {
                "kind": kind,
                "code": code,
                "name": self.procedures[code]["name"] if code else None,
                "choices": [choice(c) for c in choices],
                "elsewhere": None,
                "follow_up": follow_up,
                "reason": "fake",
                "topic": default_topic_words().topic(text),
            }

        for keyword, confidence, codes, elsewhere in SEARCH_TABLE:
            if keyword not in folded:
                continue
            if elsewhere and confidence == "confident" and codes:
                return outcome("clarify", choices=(elsewhere, codes[0]))
            if elsewhere:
                return outcome("not_at_ward", elsewhere)
            if confidence == "confident":
                return outcome("procedure" if self.procedures[codes[0]]["ward_level"] else "not_at_ward", codes[0])
            if confidence == "ambiguous":
                if current in codes:
                    return outcome("procedure", current, follow_up=True)
                return outcome("clarify", choices=tuple(codes[:3]))
            break
        if current in self.procedures:
            kind = "procedure" if self.procedures[current]["ward_level"] else "not_at_ward"
            return outcome(kind, current, follow_up=True)
        if any(ch.isalpha() for ch in folded) and len(folded.split()) >= 3:
            return outcome("no_match")
        return outcome("ask_procedure")

    async def get_procedure(self, code: str) -> dict[str, Any] | None:
        self._record("get_procedure", code=code)
        return copy.deepcopy(self.procedures.get(code))

    async def route_desk(self, code: str) -> dict[str, Any] | None:
        self._record("route_desk", code=code)
        if code not in self.procedures:
            return None
        desk = DESK_HOTICH if code.startswith(("1.", "2.")) else DESK_GENERAL
        return {"procedure_code": code, "field": "Hộ tịch", "desk": dict(desk)}

    async def list_desks(self) -> dict[str, Any]:
        self._record("list_desks")
        return {
            "ward": {
                "name": "UBND phường Cửa Nam",
                "address": "Số 1 phố Mẫu, Hà Nội",
                "hours": "thứ Hai đến thứ Sáu 7:30–17:00, sáng thứ Bảy 7:30–11:30",
            },
            "desks": [dict(DESK_PRIORITY), dict(DESK_GENERAL), dict(DESK_HOTICH)],
        }

    async def issue_ticket(
        self, *, procedure_code: str | None = None, desk: str | None = None, priority: str = "none"
    ) -> dict[str, Any]:
        self._record("issue_ticket", procedure_code=procedure_code, desk=desk, priority=priority)
        self.tickets_issued += 1
        chosen = DESKS.get(desk or "") or (DESK_HOTICH if procedure_code in self.procedures else DESK_GENERAL)
        prefix = "U" if priority != "none" else "A"
        ticket = {
            "id": self.tickets_issued,
            "number": f"{prefix}{self.tickets_issued:03d}",
            "desk": dict(chosen),
            "priority": priority,
            "position": 3,
            "estimated_wait_minutes": 15,
            "status": "waiting",
            "issued_at": "2026-11-21T08:00:00",
        }
        self.tickets[ticket["id"]] = ticket
        return dict(ticket)

    async def get_ticket(self, ticket_id: int) -> dict[str, Any] | None:
        self._record("get_ticket", ticket_id=ticket_id)
        ticket = self.tickets.get(ticket_id)
        return copy.deepcopy(ticket) if ticket else None

    async def send_feedback(self, conversation_id: str, rating: int) -> None:
        self._record("send_feedback", conversation_id=conversation_id, rating=rating)

    async def record_complaint(self, conversation_id: str, category: str, desk: str | None = None) -> None:
        self._record("record_complaint", conversation_id=conversation_id, category=category, desk=desk)

    async def lookup_dossier(self, code: str, id_last4: str, client_id: str | None = None) -> DossierLookup:
        self._record("lookup_dossier", code=code, id_last4=id_last4, client_id=client_id)
        return self.dossiers.get((code, id_last4), self.dossier_default)


FOUND_DOSSIER = DossierLookup(
    "found",
    record={
        "code": "000.00.20.H26-250801-0001",
        "status": {
            "code": 4,
            "label": "Đang xử lý",
            "explanation": "Cán bộ đang thẩm định hồ sơ.",
            "next_step": "Bạn chờ tin nhắn báo kết quả",
        },
        "procedure": {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh"},
        "received_at": "2025-08-01",
        "due_at": "2025-08-06",
        "pickup_desk": {"id": "Q1", "name": "Quầy 1 – Hộ tịch, chứng thực"},
    },
)
