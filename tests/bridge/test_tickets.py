"""Queue tickets: numbering per desk, positions and wait, priority interleaving, staff calls, restart survival."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.bridge.tickets import calling_order

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py)


@pytest.fixture
def settings(settings):
    """Tickets here are asked for as the action server asks for them in a chat or kiosk conversation (a
    trusted caller, which may declare priority); public callers are in test_rate_limits.py."""
    return settings.model_copy(update={"service_token": "test-service-secret"})


@pytest.fixture
def client(make_client):
    client = make_client()
    client.headers["X-Service-Token"] = "test-service-secret"  # as the action server sends it
    return client


def issue(client, **body):
    response = client.post("/api/tickets", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def call_next(client, headers, desk="Q1"):
    response = client.post("/api/tickets/call-next", json={"desk": desk}, headers=headers)
    return response.json() if response.status_code == 200 else None


def test_numbers_are_per_desk_with_the_desk_prefix(client):
    a1 = issue(client, procedure_code="1.001193")
    a2 = issue(client, desk="Q1")
    d1 = issue(client, procedure_code="1.004222")
    assert (a1["number"], a2["number"], d1["number"]) == ("A001", "A002", "D001")
    assert a1["desk"]["id"] == "Q1" and d1["desk"]["id"] == "Q4"
    assert (a1["position"], a2["position"], d1["position"]) == (1, 2, 1)
    assert a2["estimated_wait_minutes"] == 2 * 6  # Q1 has minutes_per_ticket: 6 in ward.yaml
    assert d1["estimated_wait_minutes"] == 5  # default BRIDGE_MINUTES_PER_TICKET


def test_priority_ticket_is_placed_before_waiting_normal_tickets(client):
    for _ in range(3):
        issue(client, desk="Q1")
    elderly = issue(client, desk="Q1", priority="elderly")
    assert elderly["position"] == 1 and elderly["priority"] == "elderly"
    assert client.get(f"/api/tickets/{elderly['id'] - 3}").json()["position"] == 2


def test_interleaving_serves_a_normal_ticket_after_a_burst_of_priority_ones(client, staff_headers):
    normal = [issue(client, desk="Q1")["number"] for _ in range(2)]
    urgent = [
        issue(client, desk="Q1", priority=p)["number"]
        for p in ("elderly", "disabled", "pregnant", "small_child", "elderly")
    ]
    called = [call_next(client, staff_headers["viewer"])["number"] for _ in range(7)]
    # burst of 3 priority tickets, then one normal, then priority again ...
    assert called == urgent[:3] + normal[:1] + urgent[3:5] + normal[1:]
    assert call_next(client, staff_headers["viewer"]) is None


def test_calling_order_rule_directly():
    def t(i, p="none"):
        return SimpleNamespace(id=i, priority=p)

    waiting = [t(1), t(2), t(3, "elderly"), t(4, "elderly")]
    assert [x.id for x in calling_order(waiting, priority_run=0, burst=3)] == [3, 4, 1, 2]
    assert [x.id for x in calling_order(waiting, priority_run=3, burst=3)] == [1, 3, 4, 2]
    assert [x.id for x in calling_order([t(5, "disabled")], priority_run=9, burst=3)] == [5]


def test_staff_call_needs_a_token_and_updates_positions(client, staff_headers):
    first, second = issue(client, desk="Q2"), issue(client, desk="Q2")
    assert client.post(f"/api/tickets/{first['id']}/call").status_code == 401
    assert client.post(f"/api/tickets/{first['id']}/call", headers={"Authorization": "Bearer wrong"}).status_code == 401
    called = client.post(f"/api/tickets/{first['id']}/call", headers=staff_headers["viewer"])
    assert called.status_code == 200 and called.json()["status"] == "called" and called.json()["position"] == 0
    assert client.get(f"/api/tickets/{second['id']}").json()["position"] == 1
    again = client.post(f"/api/tickets/{first['id']}/call", headers=staff_headers["viewer"])
    assert again.status_code == 409 and again.json()["error"] == "already_called"


def test_queue_state_survives_a_restart(make_client, staff_headers):
    first = make_client()
    issued = [issue(first, desk="Q1") for _ in range(3)]
    first.post(f"/api/tickets/{issued[0]['id']}/call", headers=staff_headers["viewer"])
    second = make_client()
    assert second.get(f"/api/tickets/{issued[2]['id']}").json()["position"] == 2
    assert issue(second, desk="Q1")["number"] == "A004"


@pytest.mark.parametrize(
    "body, error",
    [
        ({"desk": "Q99"}, "unknown_desk"),
        ({"procedure_code": "0.000000"}, "unknown_procedure"),
        ({}, "missing_target"),
        ({"desk": "Q1", "priority": "vip"}, "invalid_request"),
    ],
)
def test_bad_ticket_requests(client, body, error):
    response = client.post("/api/tickets", json=body)
    assert 400 <= response.status_code < 500 and response.json()["error"] == error


def test_concurrent_issuing_gives_unique_consecutive_numbers(settings, client):
    from concurrent.futures import ThreadPoolExecutor

    services = client.app.state.services
    desk = services.desks().get("Q3")

    def issue_many(_worker: int) -> list[str]:
        return [services.tickets.issue(ward_id=services.wards.default.id, desk=desk)["number"] for _ in range(10)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = [n for batch in pool.map(issue_many, range(6)) for n in batch]
    assert sorted(numbers) == [f"C{n:03d}" for n in range(1, 61)]
