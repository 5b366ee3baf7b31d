"""The audit log of staff dossier edits says when the verification digits were set or changed, never the digits."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py)


def test_audit_shows_that_verification_digits_changed_without_showing_them(client, staff_headers):
    code = "000.00.20.H26-260302-0109"
    record = {"code": code, "id_last4": "4455", "procedure_code": "1.000894", "status_code": 2}
    assert client.post("/api/staff/dossiers", json=record, headers=staff_headers["editor"]).status_code == 201
    for digits in ("7788", "7788"):  # replaced, then the same digits entered again
        assert (
            client.post(
                "/api/staff/dossiers", json=record | {"id_last4": digits}, headers=staff_headers["editor"]
            ).status_code
            == 200
        )
    found = client.post("/api/dossiers/lookup", json={"code": code, "id_last4": "7788"})
    assert found.status_code == 200
    entries = client.get("/api/staff/audit", params={"target": code}, headers=staff_headers["viewer"]).json()["entries"]
    again, replaced, created = entries
    assert created["after"]["verification_digits"] == "đã đặt / set"
    assert replaced["before"] != replaced["after"]
    assert replaced["after"]["verification_digits"] == "đã thay đổi / changed"
    assert again["after"]["verification_digits"] == "không đổi / unchanged"
    text = str(entries)
    assert "4455" not in text and "7788" not in text and "hash" not in text and "salt" not in text


def test_a_status_change_alone_keeps_the_digits_marked_unchanged(client, staff_headers):
    code = "000.00.20.H26-260302-0110"
    record = {"code": code, "id_last4": "1357", "procedure_code": "1.000894", "status_code": 2}
    client.post("/api/staff/dossiers", json=record, headers=staff_headers["editor"])
    update = {k: v for k, v in record.items() if k != "id_last4"} | {"status_code": 9}
    assert client.post("/api/staff/dossiers", json=update, headers=staff_headers["editor"]).status_code == 200
    latest = client.get("/api/staff/audit", params={"target": code}, headers=staff_headers["viewer"]).json()["entries"][
        0
    ]
    assert latest["after"]["verification_digits"] == "không đổi / unchanged" and latest["after"]["status_code"] == 9
