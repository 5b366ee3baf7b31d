"""Two bridges on one database (SQLite file and PostgreSQL): a staff edit on bridge A reaches bridge B through the
knowledge change log — procedure records with the vectors A encoded, aliases, answer cards, the desk map — the search
cache on B never serves the answer from before, and one alias phrase gets one meaning even when saved on both at once.

Most tests start B without its background follower (`knowledge_poll_s=0`) and call `sync.catch_up()` by hand, so
what is checked is what the log carries; the follower tests only wait (bounded) for B to notice by itself.
"""

from __future__ import annotations

import copy
import threading
import time

import numpy as np
import pytest

from assistant.bridge.changes import pack_vectors, unpack_vectors
from tests.bridge.app_settings import default_kiosk_settings
from tests.bridge.fakes import RecordingSearcher

pytestmark = pytest.mark.both_engines

NEW_CODE, NEW_NAME = "9.999001", "Cấp phép nuôi chim yến trong nhà phố"
BIRTH = "1.001193"


@pytest.fixture
def record(knowledge_defaults) -> dict:
    data = copy.deepcopy(knowledge_defaults["catalogue"][BIRTH].to_dict())
    data.update(code=NEW_CODE, name=NEW_NAME)
    return data


@pytest.fixture
def bridges(make_client, settings):
    """(client A, client B, searcher A, searcher B), neither following the log by itself."""
    manual = settings.model_copy(update={"knowledge_poll_s": 0})
    searcher_a, searcher_b = RecordingSearcher(), RecordingSearcher()
    a = make_client(searcher_override=searcher_a, settings_override=manual)
    b = make_client(searcher_override=searcher_b, settings_override=manual)
    return a, b, searcher_a, searcher_b


def services(client):
    return client.app.state.services


def search_codes(client, query: str) -> list[str]:
    return [hit["code"] for hit in client.get("/api/procedures/search", params={"q": query}).json()["results"]]


def wait_until(condition, timeout_s: float = 10.0) -> bool:
    """True as soon as `condition()` holds; False after `timeout_s` (a bound on a test that waits, not a measure)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_procedure_saved_on_a_reaches_b_with_the_vectors_a_encoded(bridges, staff_headers, record):
    a, b, searcher_a, searcher_b = bridges
    assert search_codes(b, NEW_NAME) == []  # B caches this "no match" answer
    assert a.post("/api/staff/procedures", json=record, headers=staff_headers["editor"]).status_code == 201
    assert a.get(f"/api/procedures/{NEW_CODE}").json()["name"] == NEW_NAME
    assert b.get(f"/api/procedures/{NEW_CODE}").status_code == 404  # B has not read the log yet
    assert b.get("/ready").json()["knowledge"]["behind_changes"] == 1

    assert services(b).sync.catch_up() == 1
    assert b.get(f"/api/procedures/{NEW_CODE}").json()["name"] == NEW_NAME
    assert search_codes(b, NEW_NAME) == [NEW_CODE]  # the cached "no match" is not served again
    assert searcher_a.encoded == [NEW_CODE] and searcher_b.shipped == [NEW_CODE] and NEW_CODE not in searcher_b.encoded
    lag = b.get("/ready").json()["knowledge"]
    assert lag["behind_changes"] == 0 and lag["applied_change_id"] == lag["database_change_id"] > 0
    assert services(a).sync.catch_up() == 0 and searcher_a.upserted.count(services(a).knowledge.get(NEW_CODE)) <= 1

    assert a.delete(f"/api/staff/procedures/{NEW_CODE}", headers=staff_headers["editor"]).status_code == 200
    services(b).sync.catch_up()
    assert b.get(f"/api/procedures/{NEW_CODE}").status_code == 404 and searcher_b.removed == [NEW_CODE]
    assert search_codes(b, NEW_NAME) == []


def test_alias_card_and_desk_edits_on_a_reach_b(bridges, staff_headers):
    a, b, _, searcher_b = bridges
    entry = {"canonical": "nuôi chim yến", "aliases": ["làm nhà yến xyzq"]}
    assert a.post("/api/staff/aliases", json=entry, headers=staff_headers["editor"]).status_code == 201
    card = a.get(f"/api/staff/cards/{BIRTH}", headers=staff_headers["viewer"]).json()["card"]
    card["short_name"] = {"vi": "Khai sinh cho bé (bản mới)", "en": "Birth registration (new)"}
    assert a.put(f"/api/staff/cards/{BIRTH}", json=card, headers=staff_headers["editor"]).status_code == 200
    desks = a.get("/api/staff/desks", headers=staff_headers["viewer"]).json()["config"]
    desks["desks"][0]["name"] = "Quầy tiếp nhận số một"
    assert a.post("/api/staff/desks", json=desks, headers=staff_headers["editor"]).status_code == 200

    assert services(b).sync.catch_up() == 3
    assert any("làm nhà yến xyzq" in e.aliases for e in searcher_b.alias_tables[-1])
    listed = b.get("/api/staff/aliases", headers=staff_headers["viewer"]).json()["aliases"]
    assert {"canonical": "nuôi chim yến", "aliases": ["làm nhà yến xyzq"]} in listed
    assert b.get(f"/api/procedures/{BIRTH}/card").json()["short_name"] == "Khai sinh cho bé (bản mới)"
    assert b.get("/api/staff/desks", headers=staff_headers["viewer"]).json()["config"] == desks

    assert a.delete("/api/staff/desks", headers=staff_headers["editor"]).status_code == 200
    assert (
        a.delete(
            "/api/staff/aliases", params={"canonical": "nuôi chim yến"}, headers=staff_headers["editor"]
        ).status_code
        == 200
    )
    services(b).sync.catch_up()
    assert b.get("/api/staff/desks", headers=staff_headers["viewer"]).json()["config"]["desks"][0]["name"] != (
        "Quầy tiếp nhận số một"
    )
    assert not any("làm nhà yến xyzq" in e.aliases for e in searcher_b.alias_tables[-1])


def test_a_bridge_started_later_has_every_edit_including_cards_on_another_machine(
    bridges, staff_headers, settings, record, search_settings, knowledge_defaults, tmp_path
):
    import shutil

    from fastapi.testclient import TestClient

    from assistant.bridge.main import create_app

    a = bridges[0]
    card = a.get(f"/api/staff/cards/{BIRTH}", headers=staff_headers["viewer"]).json()["card"]
    card["short_name"] = {"vi": "Khai sinh (đã sửa)", "en": "Birth registration (edited)"}
    assert a.put(f"/api/staff/cards/{BIRTH}", json=card, headers=staff_headers["editor"]).status_code == 200
    assert a.post("/api/staff/procedures", json=record, headers=staff_headers["editor"]).status_code == 201
    other_machine = tmp_path / "other-machine-cards"  # the committed card files, without A's edit
    shutil.copytree(type(search_settings)(_env_file=None).answer_cards_dir, other_machine)
    app = create_app(
        settings,
        search_settings=search_settings.model_copy(update={"answer_cards_dir": other_machine}),
        kiosk_settings=default_kiosk_settings(),
        searcher=RecordingSearcher(),
        knowledge_sources=dict(knowledge_defaults),
    )
    with TestClient(app) as c:
        assert c.get(f"/api/procedures/{BIRTH}/card").json()["short_name"] == "Khai sinh (đã sửa)"
        assert c.get(f"/api/procedures/{NEW_CODE}").json()["name"] == NEW_NAME
        lag = c.get("/ready").json()
        assert lag["ready"] and lag["knowledge"]["behind_changes"] == 0


def test_an_alias_phrase_saved_to_another_meaning_on_b_is_refused_with_409(bridges, staff_headers):
    a, b, _, _ = bridges
    first = {"canonical": "thủ tục thử một", "aliases": ["giấy thử nghiệm xyz"]}
    second = {"canonical": "thủ tục thử hai", "aliases": ["giấy thử nghiệm xyz"]}
    assert a.post("/api/staff/aliases", json=first, headers=staff_headers["editor"]).status_code == 201
    refused = b.post("/api/staff/aliases", json=second, headers=staff_headers["editor"])  # B had not caught up
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "alias_conflict" and body["held_by"] == "thủ tục thử một" and "xyz" in body["phrase"]


def test_the_same_alias_saved_to_two_meanings_on_two_bridges_at_once_has_one_winner(bridges, staff_headers):
    a, b, _, _ = bridges
    bodies = {
        a: {"canonical": "thủ tục đồng thời một", "aliases": ["giấy cùng lúc qwz"]},
        b: {"canonical": "thủ tục đồng thời hai", "aliases": ["giấy cùng lúc qwz"]},
    }
    start = threading.Barrier(2)
    answers: dict = {}

    def save(client) -> None:
        start.wait()
        answers[client] = client.post("/api/staff/aliases", json=bodies[client], headers=staff_headers["editor"])

    threads = [threading.Thread(target=save, args=(client,)) for client in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(answer.status_code for answer in answers.values())
    assert codes == [201, 409], [answer.text for answer in answers.values()]
    winner = next(client for client, answer in answers.items() if answer.status_code == 201)
    for client in (a, b):
        services(client).sync.catch_up()
        meanings = [
            e["canonical"]
            for e in client.get("/api/staff/aliases", headers=staff_headers["viewer"]).json()["aliases"]
            if "giấy cùng lúc qwz" in e["aliases"]
        ]
        assert meanings == [bodies[winner]["canonical"]]


def test_b_follows_by_itself_notify_on_postgresql_poll_on_sqlite(
    make_client, settings, staff_headers, record, db_engine
):
    # On PostgreSQL the poll is set far beyond the wait, so only the NOTIFY wake-up can bring the change in time.
    follow = {"knowledge_poll_s": 30.0} if db_engine == "postgresql" else {"knowledge_poll_s": 0.2}
    a = make_client(
        searcher_override=RecordingSearcher(), settings_override=settings.model_copy(update={"knowledge_poll_s": 0})
    )
    b = make_client(searcher_override=RecordingSearcher(), settings_override=settings.model_copy(update=follow))
    if db_engine == "postgresql":
        assert wait_until(lambda: services(b).sync.listening)
    assert b.get("/ready").json()["knowledge"]["following"] is True
    assert a.post("/api/staff/procedures", json=record, headers=staff_headers["editor"]).status_code == 201
    assert wait_until(lambda: b.get(f"/api/procedures/{NEW_CODE}").status_code == 200)
    assert wait_until(lambda: search_codes(b, NEW_NAME) == [NEW_CODE])


@pytest.mark.postgres
def test_b_catches_up_after_its_listen_connection_is_cut(make_client, settings, staff_headers, record, db_engine):
    if db_engine != "postgresql":
        pytest.skip("LISTEN is PostgreSQL's")
    from sqlalchemy import text

    a = make_client(
        searcher_override=RecordingSearcher(), settings_override=settings.model_copy(update={"knowledge_poll_s": 0})
    )
    b = make_client(
        searcher_override=RecordingSearcher(), settings_override=settings.model_copy(update={"knowledge_poll_s": 0.3})
    )
    assert wait_until(lambda: services(b).sync.listening)
    with services(a).db.engine.connect() as conn:  # the server ends every listener's session
        cut = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN knowledge_changes%'"
            )
        ).scalar()
    assert cut >= 1
    assert a.post("/api/staff/procedures", json=record, headers=staff_headers["editor"]).status_code == 201
    assert wait_until(lambda: b.get(f"/api/procedures/{NEW_CODE}").status_code == 200)
    assert wait_until(lambda: services(b).sync.listening)


def test_ready_is_503_while_b_lags_behind_a_committed_edit(make_client, settings, staff_headers, record):
    manual = settings.model_copy(update={"knowledge_poll_s": 0, "knowledge_max_lag_s": 0.001})
    a = make_client(searcher_override=RecordingSearcher(), settings_override=manual)
    b = make_client(searcher_override=RecordingSearcher(), settings_override=manual)
    assert b.get("/ready").status_code == 200
    assert a.post("/api/staff/procedures", json=record, headers=staff_headers["editor"]).status_code == 201
    assert wait_until(lambda: b.get("/ready").status_code == 503)
    body = b.get("/health").json()
    assert body["checks"]["knowledge_current"] is False and body["knowledge"]["behind_changes"] == 1
    services(b).sync.catch_up()
    assert b.get("/ready").json() == {
        "ready": True,
        "knowledge": {**b.get("/ready").json()["knowledge"], "behind_changes": 0, "behind_s": 0.0},
    }


def test_packed_vectors_round_trip_and_are_refused_from_another_model():
    rows = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    packed = pack_vectors(rows, "e5-small")
    assert np.array_equal(unpack_vectors(packed, "e5-small"), rows)
    assert unpack_vectors(packed, "another-model") is None
    assert unpack_vectors({**packed, "shape": [5, 4]}, "e5-small") is None
    assert unpack_vectors(None, "e5-small") is None
