"""Dossier lookup through the API against a real SQLite file: 404 parity, lockout, validation, seeded status."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from assistant.bridge.clients import address_key
from assistant.bridge.dossiers.codes import EXAMPLE_CODE, hash_last4, normalise_code
from assistant.bridge.dossiers.seed import DEMO_DOSSIERS, seed_demo_dossiers
from assistant.bridge.models import Dossier
from assistant.bridge.services import open_database
from tests.bridge.fakes import ManualClock

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py)

CODE, DIGITS = DEMO_DOSSIERS[0][0], DEMO_DOSSIERS[0][2]


def _seed(settings):
    db = open_database(settings)
    seed_demo_dossiers(db, pepper=settings.dossier_pepper)
    return db


def lookup(client, code, digits, **kw):
    return client.post("/api/dossiers/lookup", json={"code": code, "id_last4": digits}, **kw)


def test_seeded_demo_dossier_returns_its_status_and_pickup_desk(settings, client):
    _seed(settings)
    response = lookup(client, CODE, DIGITS)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == CODE
    assert body["status"]["code"] == 4 and body["status"]["label"] == "Đang xử lý"
    assert body["status"]["explanation"] and body["status"]["next_step"]
    assert body["procedure"] == {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh"}
    assert body["received_at"] == "2025-08-01" and body["due_at"] == "2025-08-06"
    assert body["pickup_desk"]["id"] == "Q1"


def test_every_demo_dossier_answers_with_the_catalogue_name_of_its_procedure(settings, client, knowledge_defaults):
    _seed(settings)
    for code, _name, digits, procedure_code, *_ in DEMO_DOSSIERS:
        body = lookup(client, code, digits).json()
        assert body["procedure"]["name"] == knowledge_defaults["catalogue"][procedure_code].name


def test_lowercase_code_with_spaces_is_accepted(settings, client):
    _seed(settings)
    assert lookup(client, "  " + CODE.lower() + " ", DIGITS).status_code == 200


def test_unknown_code_and_wrong_digits_give_identical_404(settings, client):
    _seed(settings)
    wrong_digits = lookup(client, CODE, "0000")
    unknown_code = lookup(client, "000.00.20.H26-250801-9999", DIGITS)
    assert wrong_digits.status_code == unknown_code.status_code == 404
    assert wrong_digits.json() == unknown_code.json()
    assert wrong_digits.json()["error"] == "not_found"
    assert wrong_digits.headers.get("content-length") == unknown_code.headers.get("content-length")


def test_sixth_failure_for_a_code_is_locked_out_even_with_the_right_digits(settings, client):
    _seed(settings)
    for attempt in range(5):
        assert lookup(client, CODE, f"000{attempt}").status_code == 404
    locked = lookup(client, CODE, DIGITS)
    assert locked.status_code == 429
    body = locked.json()
    assert body["error"] == "too_many_attempts"
    assert 0 < body["retry_after_s"] <= 15 * 60 + 1
    assert locked.headers["Retry-After"] == str(body["retry_after_s"])


def test_failures_across_codes_lock_out_the_client(settings, client):
    _seed(settings)
    for number in range(5):
        assert lookup(client, f"000.00.20.H26-250801-{number + 100:04d}", "1111").status_code == 404
    response = lookup(client, DEMO_DOSSIERS[1][0], DEMO_DOSSIERS[1][2])
    assert response.status_code == 429


def test_lockout_survives_a_restart_and_expires_after_the_window(settings, make_client):
    _seed(settings)
    first = make_client()
    for _ in range(5):
        assert lookup(first, CODE, "0000").status_code == 404
    second = make_client()
    assert lookup(second, CODE, DIGITS).status_code == 429
    later = ManualClock(datetime.now(timezone.utc) + timedelta(minutes=16))
    second.app.state.services.dossiers.lockout.clock = later
    assert lookup(second, CODE, DIGITS).status_code == 200


def test_malformed_code_is_422_with_an_example_and_not_counted(settings, client):
    _seed(settings)
    for bad in ["abc", "000.00.20.H26-251301-0001", "000.00.20.H26-250801", "'; DROP TABLE dossiers; --", ""]:
        response = lookup(client, bad, "1234")
        assert response.status_code == 422, bad
        assert response.json()["error"] == "invalid_code"
        assert response.json()["example"] == EXAMPLE_CODE
    assert lookup(client, CODE, DIGITS).status_code == 200


def test_bad_digits_are_422(settings, client):
    _seed(settings)
    for bad in ["123", "12345", "abcd", "12 34"]:
        response = lookup(client, CODE, bad)
        assert response.status_code == 422 and response.json()["error"] == "invalid_id_last4", bad


def test_id_digits_are_stored_only_as_a_salted_hash(settings):
    db = _seed(settings)
    with db.read() as session:
        rows = {row.code: row for row in session.execute(select(Dossier)).scalars()}
    salts = set()
    for code, _name, digits, *_ in DEMO_DOSSIERS:
        row = rows[code]
        values = [getattr(row, column.name) for column in Dossier.__table__.columns]
        assert digits not in [str(v) for v in values]
        assert row.id_last4_hash == hash_last4(digits, salt=row.id_last4_salt, pepper=settings.dossier_pepper)
        salts.add(row.id_last4_salt)
    assert len(salts) == len(DEMO_DOSSIERS)


def test_code_shape_validation():
    assert normalise_code(EXAMPLE_CODE) == EXAMPLE_CODE
    assert normalise_code("000.00.20.h26-250801-0001") == EXAMPLE_CODE
    assert normalise_code("000.00.20.H26-250230-0001") is None  # 30 February
    assert normalise_code("H26-250801-0001") == "H26-250801-0001"
    assert normalise_code("x" * 100) is None


def test_staff_record_and_update_a_local_dossier(client, staff_headers):
    code = "000.00.20.H26-260302-0107"
    new = {
        "code": code,
        "id_last4": "4455",
        "procedure_code": "1.000894",
        "status_code": 2,
        "received_at": "2026-03-02",
        "due_at": "2026-03-05",
        "pickup_desk_id": "Q1",
    }
    assert client.post("/api/staff/dossiers", json=new, headers=staff_headers["viewer"]).status_code == 403
    created = client.post("/api/staff/dossiers", json=new, headers=staff_headers["editor"])
    assert created.status_code == 201 and "id_last4" not in created.json()
    assert lookup(client, code, "4455").json()["status"]["label"] == "Được tiếp nhận"
    update = {k: v for k, v in new.items() if k != "id_last4"} | {"status_code": 9}
    assert client.post("/api/staff/dossiers", json=update, headers=staff_headers["editor"]).status_code == 200
    assert lookup(client, code, "4455").json()["status"]["code"] == 9
    entries = client.get("/api/staff/audit", params={"target": code}, headers=staff_headers["viewer"]).json()["entries"]
    assert [e["action"] for e in entries] == ["dossier.update", "dossier.create"]
    assert "4455" not in str([(e["before"], e["after"]) for e in entries])
    without_digits = dict(update, code="000.00.20.H26-260302-0108")
    assert (
        client.post("/api/staff/dossiers", json=without_digits, headers=staff_headers["editor"]).json()["error"]
        == "invalid_id_last4"
    )


SERVICE_TOKEN = "test-service-secret"


def _key(settings, host: str) -> str:
    return address_key(host, secret=settings.dossier_pepper)


def test_our_action_server_names_the_citizen_so_one_chat_user_does_not_lock_out_another(settings, make_client):
    _seed(settings)
    client = make_client(settings_override=settings.model_copy(update={"service_token": SERVICE_TOKEN}))
    alice, bob = _key(settings, "203.0.113.7"), _key(settings, "198.51.100.9")
    as_alice = {"X-Client-Id": alice, "X-Service-Token": SERVICE_TOKEN}
    for code in [f"000.00.20.H26-250801-{n:04d}" for n in range(200, 205)]:
        assert lookup(client, code, "1111", headers=as_alice).status_code == 404
    assert lookup(client, DEMO_DOSSIERS[1][0], DEMO_DOSSIERS[1][2], headers=as_alice).status_code == 429
    as_bob = {"X-Client-Id": bob, "X-Service-Token": SERVICE_TOKEN}
    assert lookup(client, DEMO_DOSSIERS[1][0], DEMO_DOSSIERS[1][2], headers=as_bob).status_code == 200
    # Alice through the public API directly (TestClient's address is "testclient") is a different client.
    assert lookup(client, DEMO_DOSSIERS[1][0], DEMO_DOSSIERS[1][2]).status_code == 200


@pytest.mark.parametrize("token", [None, "", "wrong-secret", SERVICE_TOKEN + "x"])
def test_a_spoofed_client_id_is_ignored_and_shares_the_limit_of_its_real_address(settings, make_client, token):
    _seed(settings)
    client = make_client(settings_override=settings.model_copy(update={"service_token": SERVICE_TOKEN}))
    for n in range(5):
        headers = {"X-Client-Id": _key(settings, f"10.0.0.{n}")} | (
            {"X-Service-Token": token} if token is not None else {}
        )
        assert lookup(client, f"000.00.20.H26-250801-{n + 300:04d}", "1111", headers=headers).status_code == 404
    fresh = {"X-Client-Id": _key(settings, "10.9.9.9")} | ({"X-Service-Token": token} if token is not None else {})
    assert lookup(client, CODE, DIGITS, headers=fresh).status_code == 429


def test_without_a_configured_secret_nobody_may_name_a_client(settings, client):
    _seed(settings)
    assert client.app.state.services.service_token == ""
    for n in range(5):
        headers = {"X-Client-Id": _key(settings, f"10.0.0.{n}"), "X-Service-Token": ""}
        assert lookup(client, f"000.00.20.H26-250801-{n + 400:04d}", "1111", headers=headers).status_code == 404
    assert lookup(client, CODE, DIGITS, headers={"X-Client-Id": _key(settings, "10.9.9.9")}).status_code == 429


def test_the_service_secret_is_read_from_the_file_written_at_set_up(settings, make_client):
    (settings.data_dir / "service-token").write_text(SERVICE_TOKEN + "\n")
    assert make_client().app.state.services.service_token == SERVICE_TOKEN


def test_a_desk_officer_lifts_a_code_lock(settings, client, staff_headers):
    _seed(settings)
    for attempt in range(5):
        assert lookup(client, CODE, f"000{attempt}").status_code == 404
    assert lookup(client, CODE, DIGITS).status_code == 429
    path = f"/api/staff/dossiers/{CODE}/lockout"
    assert client.delete(path).status_code == 401
    assert client.delete(path, headers=staff_headers["viewer"]).status_code == 403
    lifted = client.delete(path, headers=staff_headers["editor"])
    assert lifted.status_code == 200 and lifted.json() == {"code": CODE, "cleared_failures": 5}
    assert lookup(client, CODE, DIGITS).status_code == 200
    entries = client.get("/api/staff/audit", params={"target": CODE}, headers=staff_headers["viewer"]).json()["entries"]
    assert entries[0]["action"] == "dossier.lockout_lift" and entries[0]["before"] == {"failures": 5}
    assert client.delete("/api/staff/dossiers/not-a-code/lockout", headers=staff_headers["editor"]).status_code == 422


def test_a_found_dossier_does_not_count_as_a_failure(settings, client):
    _seed(settings)
    for _ in range(8):
        assert lookup(client, CODE, DIGITS).status_code == 200
    assert client.app.state.services.dossiers.lockout.failures(CODE) == 0


def test_after_five_failures_a_code_waits_2_4_8_seconds_whoever_asks(settings, make_client):
    _seed(settings)
    client = make_client(settings_override=settings.model_copy(update={"service_token": SERVICE_TOKEN}))
    clock = ManualClock(datetime.now(timezone.utc))
    client.app.state.services.dossiers.lockout.clock = clock
    addresses = iter(f"192.0.2.{n}" for n in range(1, 200))

    def guess(digits="0000"):
        headers = {"X-Client-Id": _key(settings, next(addresses)), "X-Service-Token": SERVICE_TOKEN}
        return lookup(client, CODE, digits, headers=headers)

    for _ in range(5):
        assert guess().status_code == 404
    waits = []
    for _ in range(4):
        refused = guess()
        assert refused.status_code == 429
        waits.append(refused.json()["retry_after_s"])
        clock.now += timedelta(seconds=waits[-1])
        assert guess().status_code == 404
    assert waits == [2, 4, 8, 16]
    clock.now += timedelta(hours=2)  # the delay never grows past lookup_max_delay_minutes
    for _ in range(12):
        clock.now += timedelta(minutes=15)
        assert guess().status_code == 404
    assert guess().json()["retry_after_s"] == 15 * 60
    clock.now += timedelta(seconds=15 * 60)
    assert guess(DIGITS).status_code == 200


def test_an_attempt_left_pending_by_a_crash_counts_as_a_failure_after_a_minute(settings):
    from assistant.bridge.dossiers.lockout import LockedOut, LookupLockout

    db = _seed(settings)
    clock = ManualClock(datetime.now(timezone.utc))
    lockout = LookupLockout(db, clock=clock)
    for _ in range(5):
        lockout.reserve(CODE, "a-client", wait_s=0)  # the process "died" before settling any of them
    with pytest.raises(LockedOut) as busy:
        lockout.reserve(CODE, "a-client", wait_s=0)
    assert busy.value.retry_after_s == 1  # only pending ones in the way: "try again in a moment"
    clock.now += timedelta(minutes=2)
    with pytest.raises(LockedOut) as locked:
        lockout.reserve(CODE, "a-client", wait_s=0)
    assert locked.value.retry_after_s > 60  # now they are failures: the window applies


def test_code_delays_double_from_the_limit_and_stop_at_the_cap():
    from assistant.bridge.dossiers.lockout import LockoutPolicy

    policy = LockoutPolicy()
    delays = [policy.code_delay(n).total_seconds() for n in (0, 4, 5, 6, 7, 14, 10**6)]
    assert delays == [0, 0, 2, 4, 8, 900, 900]


def test_every_shipped_status_is_explained_in_english_too():
    from assistant.bridge.dossiers.statuses import load_statuses
    from assistant.bridge.settings import BridgeSettings

    path = BridgeSettings(_env_file=None).ward_config_path.with_name("dossier_statuses.yaml")
    statuses = load_statuses(path)
    assert all(s.english and all(s.english) for s in statuses.values())
    assert statuses[9].to_json()["en"]["label"] == "Processed"


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda items: items[3].update(label="  "), "entry 4 (code: 4) → label"),
        (lambda items: items[1].pop("next_step"), "entry 2 (code: 2) → next_step: Field required"),
        (lambda items: items[0].update(colour="red"), "entry 1 (code: 1) → colour: Extra inputs are not permitted"),
        (lambda items: items[4].pop("label_en"), "entry 5 (code: 5): label_en"),
        (lambda items: items[6].update(code="7"), "entry 7 (code: 7) → code: Input should be a valid integer"),
        (lambda items: items.pop(), "found [1, 2, 3, 4, 5, 6, 7, 8, 9]"),
    ],
)
def test_a_broken_status_file_is_one_error_naming_the_entry_and_field(tmp_path, change, named):
    import yaml

    from assistant.bridge.dossiers.statuses import StatusFileError, load_statuses
    from assistant.bridge.settings import BridgeSettings

    items = yaml.safe_load(BridgeSettings(_env_file=None).dossier_statuses_path.read_text(encoding="utf-8"))
    change(items)
    path = tmp_path / "dossier_statuses.yaml"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    with pytest.raises(StatusFileError) as error:
        load_statuses(path)
    assert str(error.value).startswith(f"{path}: ") and named in str(error.value)
