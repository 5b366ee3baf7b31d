"""`seed-demo`: clearly fake demo dossiers (applicants named "... (DEMO)") for `make run` and demos."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from assistant.bridge.db import Database, utcnow
from assistant.bridge.dossiers.codes import hash_last4, new_salt
from assistant.bridge.models import Dossier

# code, applicant (fake), last 4 ID digits (fake), procedure code, procedure name, status, received, due, pickup desk
# fmt: off
DEMO_DOSSIERS = [
    ("000.00.20.H26-250801-0001", "Nguyễn Văn Mẫu (DEMO)", "1234", "1.001193", "Thủ tục đăng ký khai sinh", 4, date(2025, 8, 1), date(2025, 8, 6), "Q1"),
    ("000.00.20.H26-250801-0002", "Trần Thị Thử (DEMO)", "5678", "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", 9, date(2025, 8, 1), date(2025, 8, 2), "Q1"),
    ("000.00.20.H26-250805-0003", "Lê Văn Ví Dụ (DEMO)", "2468", "1.000894", "Thủ tục đăng ký kết hôn", 5, date(2025, 8, 5), date(2025, 8, 8), "Q1"),
    ("000.00.20.H26-250806-0004", "Phạm Thị Giả (DEMO)", "1357", "1.004222", "Đăng ký thường trú", 2, date(2025, 8, 6), date(2025, 8, 13), "Q4"),
    ("000.00.20.H26-250807-0005", "Hoàng Văn Mẫu (DEMO)", "9999", "1.012796", "Đính chính Giấy chứng nhận đã cấp lần đầu có sai sót", 10, date(2025, 8, 7), date(2025, 8, 21), "Q2"),
    ("000.00.20.H26-250808-0006", "Vũ Thị Minh Họa (DEMO)", "4321", "1.000656", "Thủ tục đăng ký khai tử", 6, date(2025, 8, 8), date(2025, 8, 11), "Q1"),
]
# fmt: on


def seed_demo_dossiers(db: Database, *, pepper: str) -> list[tuple[str, str, int]]:
    """Insert or refresh the demo dossiers (idempotent); returns (code, digits, status code) to print."""
    with db.write() as session:
        for code, applicant, digits, proc_code, proc_name, status, received, due, desk in DEMO_DOSSIERS:
            row = session.execute(select(Dossier).where(Dossier.code == code)).scalar_one_or_none() or Dossier(
                code=code
            )
            salt = new_salt()
            row.applicant_label, row.id_last4_salt = applicant, salt
            row.id_last4_hash = hash_last4(digits, salt=salt, pepper=pepper)
            row.procedure_code, row.procedure_name, row.status_code = proc_code, proc_name, status
            row.received_at, row.due_at, row.pickup_desk_id, row.updated_at = received, due, desk, utcnow()
            session.add(row)
    return [(code, digits, status) for code, _, digits, _, _, status, *_ in DEMO_DOSSIERS]
