"""DossierLookup: validate, reserve the attempt (lockout.py), ask the source, shape the answer.

One answer for "no": an unknown code, wrong digits and a source that is down all end the same way for the
lockout (the attempt stays counted). While the source is down every code gets the same 503 — the HTTP
source answers a cached code with wrong digits as "down" too, never 404 — so 404 vs 503 tells nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.bridge.desks import DeskDirectory
from assistant.bridge.dossiers.codes import EXAMPLE_CODE, normalise_code, valid_last4
from assistant.bridge.dossiers.lockout import LockedOut, LookupLockout
from assistant.bridge.dossiers.sources import DossierSource, SourceUnavailable
from assistant.bridge.dossiers.statuses import DossierStatus
from assistant.bridge.errors import ApiError

log = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = (
    "Không tìm thấy hồ sơ với mã và 4 số cuối giấy tờ tùy thân này. Vui lòng kiểm tra lại giấy biên nhận. / "
    "No dossier matches this code and these 4 digits. Please check your receipt."
)


class DossierLookup:
    """Answers `POST /api/dossiers/lookup`; unknown code and wrong digits are indistinguishable."""

    def __init__(
        self,
        *,
        source: DossierSource,
        lockout: LookupLockout,
        statuses: dict[int, DossierStatus],
        desks: Callable[[str | None], DeskDirectory],
        procedure_name: Callable[[str], str | None] = lambda code: None,
    ):
        self.source, self.lockout, self._statuses, self._desks = source, lockout, statuses, desks
        self._procedure_name = procedure_name

    def lookup(self, raw_code: str, raw_last4: str, *, client: str) -> dict:
        code = normalise_code(raw_code)
        if code is None:
            raise ApiError(
                422,
                "invalid_code",
                f"Mã hồ sơ không đúng dạng, ví dụ: {EXAMPLE_CODE}. / "
                f"The dossier code is malformed, e.g. {EXAMPLE_CODE}.",
                example=EXAMPLE_CODE,
            )
        if not valid_last4(raw_last4):
            raise ApiError(
                422,
                "invalid_id_last4",
                "Cần đúng 4 chữ số cuối của số định danh (CCCD). / "
                "Exactly the last 4 digits of the ID number are needed.",
            )
        try:
            attempt = self.lockout.reserve(code, client)
        except LockedOut as locked:
            log.info("dossier lookup refused: too many failures")
            raise ApiError(
                429,
                "too_many_attempts",
                f"Đã nhập sai quá nhiều lần. Vui lòng thử lại sau "
                f"{(locked.retry_after_s + 59) // 60} phút hoặc hỏi tại quầy. / Too many failed attempts; "
                "please try again later or ask at a desk.",
                headers={"Retry-After": str(locked.retry_after_s)},
                retry_after_s=locked.retry_after_s,
            ) from None
        try:
            record = self.source.find(code, raw_last4.strip())
        except SourceUnavailable:
            self.lockout.fail(attempt)
            raise ApiError(
                503,
                "upstream_unavailable",
                "Hệ thống tra cứu hồ sơ của tỉnh đang tạm gián đoạn, vui lòng thử lại "
                "sau hoặc hỏi tại quầy. / The provincial dossier system is unavailable; "
                "please try later or ask at a desk.",
            ) from None
        except BaseException:
            self.lockout.fail(attempt)
            raise
        if record is None:
            log.info("dossier lookup: not found or wrong digits")
            self.lockout.fail(attempt)
            raise ApiError(404, "not_found", NOT_FOUND_MESSAGE)
        self.lockout.release(attempt)
        log.info("dossier lookup: found (status %d%s)", record.status_code, ", cached" if record.stale else "")
        return self._answer(record)

    def _answer(self, record) -> dict:
        status = self._statuses.get(record.status_code)
        desks = self._desks(record.ward)
        desk = desks.get(record.pickup_desk_id) if record.pickup_desk_id else None
        desk = desk or desks.general_desk
        answer = {
            "code": record.code,
            "status": status.to_json()
            if status
            else {"code": record.status_code, "label": "", "explanation": "", "next_step": ""},
            # the name as the assistant knows it now (catalogue + staff edits), else what the source said
            "procedure": {
                "code": record.procedure_code,
                "name": self._procedure_name(record.procedure_code) or record.procedure_name,
            },
            "received_at": record.received_at.isoformat() if record.received_at else None,
            "due_at": record.due_at.isoformat() if record.due_at else None,
            "pickup_desk": {"id": desk.id, "name": desk.name, "name_en": desk.name_en},
        }
        if record.stale:
            answer["stale"] = True
        return answer
