"""Wards: imported from the ward files, each with its own desks, ticket numbers, queues, board, question log,
feedback, complaints and audit; a pre-ward database moved onto the default ward."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import Index, MetaData, Table, UniqueConstraint, insert, select

from assistant.bridge import models
from assistant.bridge.auth import create_token
from assistant.bridge.changes import Change
from assistant.bridge.db import Database, make_engine
from assistant.bridge.desks import WardConfigError, load_ward_config
from assistant.bridge.migrations import MIGRATIONS, migrate
from assistant.bridge.services import open_database
from assistant.bridge.settings import BridgeSettings
from assistant.bridge.wards import import_wards, load_wards

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py)

DEFAULT_FILE = BridgeSettings(_env_file=None).ward_config_path
WARDS = ("cua-nam", "dong-anh")


def write_ward(folder: Path, code: str, name: str) -> Path:
    """A second ward: the sample ward's desks under another code and name."""
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    data["ward"].update(code=code, name=name, name_en=None)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def settings(settings, tmp_path):
    """The default ward (the sample ward.yaml, "cua-nam") and "dong-anh" from the wards folder; calls from the
    action server (service token), as in a conversation."""
    write_ward(tmp_path / "wards", "dong-anh", "Xã Đông Anh")
    return settings.model_copy(update={"wards_dir": tmp_path / "wards", "service_token": "test-service-secret"})


@pytest.fixture
def client(make_client):
    client = make_client()
    client.headers["X-Service-Token"] = "test-service-secret"
    return client


def issue(client, ward: str | None, desk: str = "Q3") -> dict:
    response = client.post("/api/tickets", json={"desk": desk, **({"ward": ward} if ward else {})})
    assert response.status_code == 201, response.text
    return response.json()


def test_the_default_ward_is_imported_first_as_ward_1_and_ids_stay_on_a_second_import(settings):
    db = open_database(settings)
    try:
        first = load_wards(db, settings)
        assert [(w.id, w.code) for w in first.wards] == [(1, "cua-nam"), (2, "dong-anh")]
        assert first.default.code == "cua-nam" and first.default.demo is True
        write_ward(settings.wards_dir, "an-khanh", "Xã An Khánh")
        again = load_wards(db, settings)
        assert [(w.id, w.code) for w in again.wards] == [(1, "cua-nam"), (3, "an-khanh"), (2, "dong-anh")]
        assert again.get("dong-anh").name == "Xã Đông Anh" and again.get(None).code == "cua-nam"
    finally:
        db.dispose()


def test_two_files_with_one_ward_code_are_refused_by_name(settings):
    db = open_database(settings)
    try:
        clash = write_ward(settings.wards_dir / "more", "dong-anh", "Another")
        configs = [(p, load_ward_config(p)) for p in (DEFAULT_FILE, settings.wards_dir / "dong-anh.yaml", clash)]
        with pytest.raises(WardConfigError, match="dong-anh"):
            import_wards(db, configs)
    finally:
        db.dispose()


def test_two_wards_desk_q3_have_their_own_numbers_and_queues(client, staff_headers):
    a1, a2, b1 = issue(client, None), issue(client, "cua-nam"), issue(client, "dong-anh")
    assert (a1["number"], a2["number"], b1["number"]) == ("C001", "C002", "C001")
    assert (a1["ward_id"], b1["ward_id"]) == (1, 2)
    assert (a2["position"], b1["position"]) == (2, 1)
    called = client.post(
        "/api/tickets/call-next", json={"desk": "Q3", "ward": "dong-anh"}, headers=staff_headers["viewer"]
    )
    assert called.status_code == 200 and called.json()["id"] == b1["id"]
    # ward B's queue is empty now; ward A's two tickets are still waiting, in order
    again = client.post(
        "/api/tickets/call-next", json={"desk": "Q3", "ward": "dong-anh"}, headers=staff_headers["viewer"]
    )
    assert again.status_code == 204
    assert client.get(f"/api/tickets/{a2['id']}").json()["position"] == 2
    boards = {code: client.get("/api/board/state", params={"ward": code}).json() for code in ("cua-nam", "dong-anh")}
    q3 = {code: next(d for d in board["desks"] if d["id"] == "Q3") for code, board in boards.items()}
    assert (q3["cua-nam"]["number"], q3["dong-anh"]["number"]) == (None, "C001")


def test_an_unknown_or_malformed_ward_is_refused_clearly(client):
    response = client.post("/api/tickets", json={"desk": "Q3", "ward": "nowhere"})
    assert response.status_code == 404 and response.json()["error"] == "unknown_ward"
    assert client.get("/api/desks", params={"ward": "nowhere"}).json()["error"] == "unknown_ward"
    assert client.get("/api/desks", params={"ward": "Bad Code!"}).status_code == 422


def test_each_ward_has_its_own_desk_map(client, staff_headers):
    document = client.get("/api/staff/desks", params={"ward": "dong-anh"}, headers=staff_headers["viewer"]).json()
    assert document["ward_code"] == "dong-anh" and document["config"]["ward"]["name"] == "Xã Đông Anh"
    document["config"]["desks"][0]["name"] = "Quầy 1 – Một cửa xã"
    saved = client.post(
        "/api/staff/desks", params={"ward": "dong-anh"}, json=document["config"], headers=staff_headers["editor"]
    )
    assert saved.status_code == 200, saved.text
    names = {
        code: client.get("/api/desks", params={"ward": code}).json()["desks"][0]["name"]
        for code in ("cua-nam", "dong-anh")
    }
    assert names == {"cua-nam": "Quầy 1 – Hộ tịch, chứng thực", "dong-anh": "Quầy 1 – Một cửa xã"}
    audit = client.get("/api/staff/audit", params={"ward": "dong-anh"}, headers=staff_headers["viewer"]).json()
    assert [(e["action"], e["ward_id"]) for e in audit["entries"]] == [("desks.replace", 2)]
    assert client.get("/api/staff/audit", params={"ward": "cua-nam"}, headers=staff_headers["viewer"]).json() == {
        "entries": []
    }


def test_questions_feedback_and_complaints_are_reported_per_ward(client, staff_headers):
    for ward, question in (("cua-nam", "đăng ký khai sinh"), ("dong-anh", "cấp lại giấy phép xây dựng nhà")):
        assert client.get("/api/procedures/search", params={"q": question, "ward": ward}).status_code == 200
    assert client.post("/api/feedback", json={"conversation_id": "c1", "rating": 5}).status_code == 201
    assert (
        client.post("/api/feedback", json={"conversation_id": "c2", "rating": 1, "ward": "dong-anh"}).status_code == 201
    )
    complaint = {"conversation_id": "c2", "category": "waiting", "desk": "Q3", "ward": "dong-anh"}
    assert client.post("/api/complaints", json=complaint).status_code == 201

    def report(ward=None):
        params = {"ward": ward} if ward else {}
        return client.get("/api/staff/reports", params=params, headers=staff_headers["viewer"]).json()

    a, b, province = report("cua-nam"), report("dong-anh"), report()
    assert (a["questions_total"], b["questions_total"], province["questions_total"]) == (1, 1, 2)
    assert (a["feedback"]["average_rating"], b["feedback"]["average_rating"]) == (5.0, 1.0)
    assert a["complaints"]["count"] == 0
    assert b["complaints"]["by_desk"] == [{"category": "waiting", "desk": "Q3", "count": 1}]


def _pre_ward_schema(engine) -> MetaData:
    """The tables as they were at migration 7, before wards: today's tables without a ward column, tickets unique
    per desk and day, counters keyed by desk and day."""
    old = MetaData()
    for table in models.Base.metadata.sorted_tables:
        if table.name != "wards":
            Table(table.name, old, *(column._copy() for column in table.columns if column.name != "ward_id"))
    tickets = old.tables["tickets"]
    tickets.append_constraint(UniqueConstraint("desk_id", "day", "seq", name="uq_tickets_desk_day_seq"))
    Index("ix_tickets_desk_day_status", tickets.c.desk_id, tickets.c.day, tickets.c.status)
    Index("ix_tickets_public_id", tickets.c.public_id, unique=True)
    old.create_all(engine)
    with engine.begin() as conn:
        now = datetime.now(timezone.utc)
        for number, name, _ in MIGRATIONS[:7]:
            conn.execute(insert(old.tables["schema_migrations"]).values(version=number, name=name, applied_at=now))
    return old


@pytest.mark.unmigrated
def test_a_single_ward_database_moves_onto_the_default_ward(settings, make_client):
    engine = make_engine(settings)
    old = _pre_ward_schema(engine).tables
    now = datetime.now(timezone.utc)
    today = now.astimezone(ZoneInfo(settings.timezone)).date()  # the service day of the ward, not of this machine
    with Database(engine).write() as session:
        for seq in (1, 2):
            session.execute(
                insert(old["tickets"]).values(
                    desk_id="Q1",
                    day=today,
                    seq=seq,
                    number=f"A00{seq}",
                    priority="none",
                    status="waiting",
                    issued_at=now,
                    public_id=f"old-{seq}",
                )
            )
        session.execute(insert(old["ticket_counters"]).values(desk_id="Q1", day=today, last_seq=2))
        session.execute(
            insert(old["question_log"]).values(
                at=now, keywords="khai sinh", confidence="confident", top_code="1.001193"
            )
        )
        session.execute(insert(old["feedback"]).values(conversation_id="old", rating=4, comment="", at=now))
        session.execute(
            insert(old["audit_log"]).values(at=now, actor="x", action="procedure.update", target="1.001193")
        )
        saved = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
        saved["desks"][0]["name"] = "Quầy 1 – đã sửa"
        session.execute(insert(old["ward_config"]).values(id=1, data=saved, updated_at=now, updated_by="x"))
        for role, desk in (("desk", "Q1"), ("editor", None)):
            token = {"name": role, "role": role, "token_hash": role, "created_at": now, "desk_id": desk}
            session.execute(insert(old["api_tokens"]).values(**token))
    assert migrate(engine) == [8, 9, 10]
    with engine.connect() as conn:
        assert conn.execute(select(models.Ticket.ward_id)).scalars().all() == [1, 1]
        assert conn.execute(select(models.TicketCounter.ward_id, models.TicketCounter.last_seq)).all() == [(1, 2)]
        assert conn.execute(select(models.AuditEntry.ward_id)).scalars().all() == [None]
        tokens = conn.execute(select(models.ApiToken.role, models.ApiToken.ward_id).order_by(models.ApiToken.id)).all()
        assert tokens == [("desk", 1), ("editor", None)]  # the desk officer's desk is the default ward's
    engine.dispose()

    client = make_client()
    client.headers["X-Service-Token"] = "test-service-secret"
    db = open_database(settings)
    viewer = {"Authorization": f"Bearer {create_token(db, role='viewer', name='t')[0]}"}
    db.dispose()
    desks = {code: client.get("/api/desks", params={"ward": code}).json()["desks"][0]["name"] for code in WARDS}
    assert desks == {"cua-nam": "Quầy 1 – đã sửa", "dong-anh": "Quầy 1 – Hộ tịch, chứng thực"}
    assert issue(client, None, desk="Q1")["number"] == "A003"  # the default ward continues its own numbers
    assert issue(client, "dong-anh", desk="Q1")["number"] == "A001"
    called = client.post("/api/tickets/call-next", json={"desk": "Q1"}, headers=viewer).json()
    assert called["number"] == "A001" and called["ward_id"] == 1
    report = client.get("/api/staff/reports", params={"ward": "cua-nam"}, headers=viewer).json()
    assert report["questions_total"] == 1 and report["feedback"]["count"] == 1


def test_a_desk_map_from_the_change_log_goes_to_its_own_ward(settings):
    """What every other replica does with a ward's saved desk map (assistant.bridge.replica): only that ward changes;
    a change written before wards (no ward_id) is the default ward's."""
    db = open_database(settings)
    try:
        wards = load_wards(db, settings)
        config = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))

        def saved(name: str, **ward) -> Change:
            config["desks"][0]["name"] = name
            return Change(1, "desks.replace", "ward_config", {"config": config, "source": "database", **ward})

        wards.apply_change(saved("Quầy 1 – xã", ward_id=2))
        names = {w.code: wards.directory(w.id).desks[0].name for w in wards.wards}
        assert names == {"cua-nam": "Quầy 1 – Hộ tịch, chứng thực", "dong-anh": "Quầy 1 – xã"}
        wards.apply_change(saved("Quầy 1 – phường"))
        assert wards.directory(1).desks[0].name == "Quầy 1 – phường" and wards.desks(2).source == "database"
    finally:
        db.dispose()
