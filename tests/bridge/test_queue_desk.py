"""Desk officers' queue API: desk-scoped tokens; call next / recall / skip / served; the interleaving rule; two
officers calling at once never get the same ticket; the board state and announcements; the public ticket view."""

from __future__ import annotations

import threading

import pytest

from assistant.bridge.__main__ import main
from assistant.bridge.auth import create_token, identify
from assistant.bridge.queue_speech import Announcer, spoken_text
from assistant.bridge.services import build_services, open_database
from kiosk.ticket_printer import PrintedTicket
from knowledge_base.settings import SearchSettings
from tests.bridge.conftest import auth
from tests.kiosk.fakes import FakeTextToSpeech

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py)


@pytest.fixture
def client(make_client, settings):
    """The app as the kiosk and the action server reach it (our own services, proven by the service secret: they
    may declare priority and are not rate-limited), since these tests issue many tickets; the public side is
    `make_client()`."""
    client = make_client(
        settings_override=settings.model_copy(
            update={"service_token": "test-service-secret", "kiosk_print_hosts": ["testclient"]}
        )
    )
    client.headers["X-Service-Token"] = "test-service-secret"  # as the action server sends it
    return client


@pytest.fixture
def desk_tokens(settings, client) -> dict[str, dict]:
    db = client.app.state.services.db
    return {
        desk: auth(create_token(db, role="desk", name=f"officer {desk}", desk=desk, ward_id=1)[0])
        for desk in ("Q1", "Q2")
    }


def test_cli_creates_a_desk_token_for_a_known_desk_only(settings, monkeypatch, capsys):
    monkeypatch.setenv("BRIDGE_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["token", "create", "--role", "desk", "--desk", "Q1", "--name", "Cán bộ quầy 1"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    db = open_database(settings)
    try:
        identity = identify(db, token)
        assert (identity.role, identity.desk_id) == ("desk", "Q1")
        assert not identity.may("viewer") and identity.may("desk")
    finally:
        db.dispose()
    assert main(["token", "create", "--role", "desk", "--desk", "Q99"]) == 2  # no such desk
    assert main(["token", "create", "--role", "desk"]) == 2  # a desk token names its desk
    assert main(["token", "create", "--role", "viewer", "--desk", "Q1"]) == 2


def issue(client, priority="none", desk="Q1") -> dict:
    response = client.post("/api/tickets", json={"desk": desk, "priority": priority})
    assert response.status_code == 201, response.text
    return response.json()


def test_desk_token_is_scoped_and_cannot_read_staff_pages(client, desk_tokens, staff_headers):
    assert client.get("/api/desk/me", headers=desk_tokens["Q1"]).json()["desk_id"] == "Q1"
    assert client.get("/api/desk/queue", headers=staff_headers["admin"]).status_code == 403
    assert client.get("/api/desk/queue").status_code == 401
    assert client.get("/api/staff/audit", headers=desk_tokens["Q1"]).status_code == 403
    with pytest.raises(ValueError):
        create_token(client.app.state.services.db, role="desk", name="x")  # a desk token names its desk


def test_call_recall_skip_served_cycle(client, desk_tokens):
    first, second = issue(client), issue(client)
    other_desk = issue(client, desk="Q2")
    q1 = desk_tokens["Q1"]
    called = client.post("/api/desk/call-next", headers=q1).json()
    assert (called["number"], called["status"]) == (first["number"], "called")
    recalled = client.post("/api/desk/recall", headers=q1).json()
    assert recalled["number"] == first["number"] and recalled["call_id"] > called["call_id"]
    assert client.post("/api/desk/skip", headers=q1).json()["status"] == "skipped"
    assert client.post("/api/desk/recall", headers=q1).status_code == 409  # nothing being served now
    assert client.post("/api/desk/call-next", headers=q1).json()["number"] == second["number"]
    assert client.post("/api/desk/served", headers=q1).json()["status"] == "served"
    assert client.post("/api/desk/call-next", headers=q1).status_code == 204  # Q2's ticket is not Q1's
    view = client.get("/api/desk/queue", headers=desk_tokens["Q2"]).json()
    assert [t["number"] for t in view["waiting"]] == [other_desk["number"]]
    counts = client.get("/api/desk/queue", headers=q1).json()
    assert (counts["served"], counts["skipped"], counts["current"]) == (1, 1, None)


def test_calling_next_finishes_the_current_ticket(client, desk_tokens):
    first, _ = issue(client), issue(client)
    client.post("/api/desk/call-next", headers=desk_tokens["Q1"])
    client.post("/api/desk/call-next", headers=desk_tokens["Q1"])
    assert client.get(f"/api/queue/ticket/{first['public_id']}").json()["status"] == "served"


def test_desk_view_shows_priority_interleaving(client, desk_tokens):
    numbers = [issue(client, priority=p)["number"] for p in ("none", "elderly", "pregnant", "disabled", "small_child")]
    view = client.get("/api/desk/queue", headers=desk_tokens["Q1"]).json()
    # burst 3: three priority tickets, then the normal one, then the last priority ticket
    assert [t["number"] for t in view["waiting"]] == [numbers[1], numbers[2], numbers[3], numbers[0], numbers[4]]
    assert [t["priority"] != "none" for t in view["waiting"]] == [True, True, True, False, True]
    assert "3" in view["rule"]["vi"] and "priority" in view["rule"]["en"]
    called = [client.post("/api/desk/call-next", headers=desk_tokens["Q1"]).json()["number"] for _ in range(5)]
    assert called == [t["number"] for t in view["waiting"]]


def test_two_officers_calling_at_once_never_get_the_same_ticket(settings, knowledge_defaults):
    services = build_services(
        settings, search_settings=SearchSettings(_env_file=None), knowledge_sources=dict(knowledge_defaults)
    )
    try:
        desk = services.desks().get("Q1")
        for _ in range(40):
            services.tickets.issue(ward_id=services.wards.default.id, desk=desk)
        counter = services.counter(services.wards.default.id)
        got: list[list[str]] = [[], []]
        start = threading.Barrier(2)

        def officer(index: int) -> None:
            start.wait()
            while (ticket := counter.call_next("Q1")) is not None:
                got[index].append(ticket["number"])

        threads = [threading.Thread(target=officer, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        everything = got[0] + got[1]
        assert len(everything) == 40 and len(set(everything)) == 40, got
    finally:
        services.close()


def test_board_state_and_spoken_announcement(client, desk_tokens):
    ticket = issue(client)
    assert client.get("/api/board/state").json()["desks"][0]["number"] is None
    called = client.post("/api/desk/call-next", headers=desk_tokens["Q1"]).json()
    board = client.get("/api/board/state").json()
    tile = next(d for d in board["desks"] if d["id"] == "Q1")
    assert (tile["number"], tile["label"], tile["call_id"]) == (ticket["number"], "Quầy 1", called["call_id"])
    tts = FakeTextToSpeech()
    client.app.state.board_announcer = Announcer(lambda: tts)
    wav = client.get(f"/api/board/announcement/{called['call_id']}.wav")
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav" and wav.content[:4] == b"RIFF"
    assert tts.received == [(spoken_text(ticket["number"], "Quầy 1"), "vi")]
    assert client.get("/api/board/announcement/999999.wav").status_code == 404


@pytest.mark.parametrize(
    ("number", "desk", "expected"),
    [
        ("A031", "Quầy 1", "Mời số A, ba mươi mốt, đến quầy một."),
        ("B105", "Quầy 12", "Mời số B, một trăm linh năm, đến quầy mười hai."),
    ],
)
def test_announcement_says_numbers_the_vietnamese_way(number, desk, expected):
    assert spoken_text(number, desk) == expected


def test_public_ticket_page_has_no_sequential_id_and_nothing_personal(client, desk_tokens):
    ticket = issue(client, priority="elderly")
    public_id = ticket["public_id"]
    assert len(public_id) >= 16 and str(ticket["number"]) not in public_id
    view = client.get(f"/api/queue/ticket/{public_id}").json()
    assert (view["status"], view["position"], view["number"]) == ("waiting", 1, ticket["number"])
    assert "id" not in view and "public_id" not in view and "procedure_code" not in view
    client.post("/api/desk/call-next", headers=desk_tokens["Q1"])
    assert client.get(f"/api/queue/ticket/{public_id}").json()["status"] == "called"
    assert client.get("/api/queue/ticket/not-a-real-id-123").status_code == 404
    assert client.get(f"/t/{public_id}").headers["content-type"].startswith("text/html")


class RecordingPrinter:
    """TicketPrinter fake: records the tickets it was asked to print."""

    def __init__(self) -> None:
        self.printed: list[PrintedTicket] = []

    def print_ticket(self, ticket: PrintedTicket) -> None:
        self.printed.append(ticket)


def test_kiosk_prints_an_issued_ticket_with_its_public_url(client):
    ticket = issue(client, priority="elderly")
    printer = client.app.state.ticket_printer = RecordingPrinter()
    assert client.post(f"/api/queue/print/{ticket['public_id']}").status_code == 204
    printed = printer.printed[0]
    assert (printed.number, printed.priority, printed.floor) == (
        ticket["number"],
        "Người cao tuổi",
        ticket["desk"]["floor"],
    )
    assert printed.url.endswith(f"/t/{ticket['public_id']}")


def test_only_the_local_kiosk_may_print(make_client):
    public = make_client()  # "testclient" is not a kiosk print address here
    ticket = issue(public)
    public.app.state.ticket_printer = RecordingPrinter()
    assert public.post(f"/api/queue/print/{ticket['public_id']}").status_code == 403


def test_migration_5_upgrades_a_version_4_database(settings):
    from sqlalchemy import create_engine, text

    from assistant.bridge.migrations import MIGRATIONS, migrate

    if settings.database_url:
        pytest.skip("rebuilds a version-4 SQLite file")
    url = settings.resolved_database_url()
    engine = create_engine(url)
    migrate(engine)
    with engine.begin() as conn:  # back to the version-4 shape: no desk tokens, public ids or board calls
        conn.execute(text("DROP INDEX ix_tickets_public_id"))
        for table, column in (("tickets", "public_id"), ("tickets", "finished_at"), ("api_tokens", "desk_id")):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        conn.execute(text("DROP TABLE queue_calls"))
        conn.execute(text("DROP TABLE ticket_counters"))
        conn.execute(text("DELETE FROM schema_migrations WHERE version >= 5"))
        conn.execute(
            text(
                "INSERT INTO tickets (desk_id, day, seq, number, priority, status, issued_at) "
                "VALUES ('Q1', '2026-12-06', 1, 'A001', 'none', 'waiting', '2026-12-06 02:00:00')"
            )
        )
    assert migrate(engine) == [number for number, _, _ in MIGRATIONS if number >= 5]
    with engine.connect() as conn:
        public_id = conn.execute(text("SELECT public_id FROM tickets")).scalar_one()
        assert public_id and len(public_id) >= 16
        assert conn.execute(text("SELECT count(*) FROM queue_calls")).scalar_one() == 0
        # migration 6: the desk's counter continues after the ticket already issued that day
        assert conn.execute(text("SELECT desk_id, day, last_seq FROM ticket_counters")).all() == [
            ("Q1", "2026-12-06", 1)
        ]
    engine.dispose()


def test_a_call_through_the_staff_api_is_shown_on_the_board_like_one_from_the_desk_page(client, staff_headers):
    first, second = issue(client), issue(client)
    called = client.post("/api/tickets/call-next", json={"desk": "Q1"}, headers=staff_headers["viewer"]).json()
    tile = next(d for d in client.get("/api/board/state").json()["desks"] if d["id"] == "Q1")
    assert called["number"] == first["number"] and (tile["number"], tile["call_id"]) == (
        first["number"],
        called["call_id"],
    )
    client.post("/api/tickets/call-next", json={"desk": "Q1"}, headers=staff_headers["viewer"])
    assert client.get(f"/api/queue/ticket/{first['public_id']}").json()["status"] == "served"
    assert client.get(f"/api/queue/ticket/{second['public_id']}").json()["status"] == "called"
