"""kill -9 the bridge during a burst of staff edits: every acknowledged edit is there after the restart."""

from __future__ import annotations

import copy
import os
import signal
import threading

import httpx
import pytest

from assistant.bridge.auth import create_token
from assistant.bridge.services import open_database
from tests.bridge.conftest import sqlite_only
from tests.bridge.process_support import start_bridge, stop

pytestmark = [pytest.mark.slow, sqlite_only]  # the subprocess runs on its own SQLite file


def test_acknowledged_edits_survive_kill_9(tmp_path, settings, knowledge_defaults):
    db = open_database(settings)
    token, _ = create_token(db, role="editor", name="burst")
    db.dispose()
    template = copy.deepcopy(knowledge_defaults["catalogue"]["1.001193"].to_dict())
    headers = {"Authorization": f"Bearer {token}"}
    process, url = start_bridge(tmp_path, stderr_path=tmp_path / "first.log")
    acknowledged: list[tuple[str, str]] = []
    lock = threading.Lock()
    enough = threading.Event()

    def writer(worker: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
            for n in range(400):
                code, name = f"9.{worker}{n:05d}", f"Thủ tục thử độ bền {worker}-{n}"
                try:
                    response = client.post("/api/staff/procedures", json=dict(template, code=code, name=name))
                except httpx.HTTPError:
                    return  # the server was killed
                if response.status_code in (200, 201):
                    with lock:
                        acknowledged.append((code, name))
                        if len(acknowledged) >= 60:
                            enough.set()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    try:
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=120), "the burst did not get going"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop(process)
    with lock:
        acked = list(acknowledged)
    assert len(acked) >= 60

    restarted, url = start_bridge(tmp_path, stderr_path=tmp_path / "second.log")
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            missing = [code for code, name in acked if client.get(f"/api/procedures/{code}").json().get("name") != name]
            audit = client.get("/api/staff/audit", params={"limit": 1000}, headers=headers).json()["entries"]
    finally:
        stop(restarted)
    assert missing == []
    audited = {entry["target"] for entry in audit if entry["action"] == "procedure.create"}
    assert {code for code, _ in acked} <= audited
