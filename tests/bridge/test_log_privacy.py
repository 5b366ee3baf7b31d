"""Run lookups, searches, chat and feedback full of ID digits, names and phones; grep the bridge's logs for them."""

from __future__ import annotations

import re

import httpx
import pytest

from assistant.bridge.dossiers.seed import DEMO_DOSSIERS, seed_demo_dossiers
from assistant.bridge.services import open_database
from tests.bridge.conftest import sqlite_only
from tests.bridge.process_support import start_bridge, stop

pytestmark = [pytest.mark.slow, sqlite_only]  # the subprocess runs on its own SQLite file

NAME = "Đỗ Thị Bích Ngọc"
PHONE = "0983 416 275"
CCCD = "038195007312"


def test_no_personal_data_in_logs(tmp_path, settings):
    db = open_database(settings)
    seed_demo_dossiers(db, pepper=settings.dossier_pepper)
    db.dispose()
    code, _, digits = DEMO_DOSSIERS[0][:3]
    log_file, stderr_file = tmp_path / "bridge.log", tmp_path / "stderr.log"
    process, url = start_bridge(
        tmp_path,
        stderr_path=stderr_file,
        extra_env={"BRIDGE_LOG_FILE": str(log_file), "BRIDGE_LOG_LEVEL": "DEBUG", "BRIDGE_ACCESS_LOG": "true"},
    )  # request lines too
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            client.post("/api/dossiers/lookup", json={"code": code, "id_last4": digits})
            client.post("/api/dossiers/lookup", json={"code": code, "id_last4": "8147"})
            client.post("/api/dossiers/lookup", json={"code": PHONE, "id_last4": "8147"})
            client.post(
                "/api/dossiers/lookup",
                content=f'{{"code": "{CCCD}", "id_last4": "8147"',
                headers={"Content-Type": "application/json"},
            )
            for query in (
                f"tên tôi là {NAME}, số điện thoại {PHONE}",
                f"CCCD {CCCD} làm lại căn cước",
                f"Tôi là {NAME}",
            ):
                client.get("/api/procedures/search", params={"q": query})
            client.post("/api/chat", json={"sender": "privacy-test-1", "message": f"tôi tên là {NAME}, gọi {PHONE}"})
            client.post(
                "/api/feedback", json={"conversation_id": "privacy-test-1", "rating": 2, "comment": f"gọi lại {PHONE}"}
            )
            client.post("/api/tickets", json={"desk": "Q1", "priority": "elderly"})
            assert client.get("/health").status_code == 200
    finally:
        stop(process)
    text = log_file.read_text(encoding="utf-8") + stderr_file.read_text(encoding="utf-8", errors="replace")
    assert (
        "POST /api/dossiers/lookup" in text and "GET /api/procedures/search" in text
    )  # the log did capture the traffic
    pid_words = {str(process.pid)}
    for secret in (NAME, "Bích Ngọc", PHONE, PHONE.replace(" ", ""), CCCD, "Nguyễn Văn Mẫu"):
        assert secret not in text, secret
    for secret in (digits, "8147"):
        hits = set(re.findall(rf"\b{secret}\b", text)) - pid_words
        assert not hits, secret
