"""Contract: the actions' bridge client (assistant/actions/bridge_client.py) against the REAL bridge app.

The action tests talk to a recording fake of the bridge (tests/assistant/fakes.py) and its HTTP stub; this test runs
every client call against `create_app` (a temp SQLite file, the real catalogue and ward desks, a recording searcher)
served by uvicorn on a free port. It fails when a path, a parameter or a status the client relies on changes, or
when the real answer lacks a field the fake gives the actions (so the fake cannot drift from the bridge).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from assistant.actions.bridge_client import HttpBridgeClient
from assistant.actions.settings import ActionSettings
from assistant.bridge.dossiers.seed import DEMO_DOSSIERS, seed_demo_dossiers
from assistant.bridge.main import create_app
from assistant.bridge.services import open_database
from knowledge_base.search import SearchHit, SearchOutcome
from tests.assistant.fakes import FOUND_DOSSIER, RecordingBridge
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.servers import serve

SECRET = "contract-service-secret"
CODE, DIGITS = DEMO_DOSSIERS[0][0], DEMO_DOSSIERS[0][2]
BIRTH, MARRIAGE, CRIMINAL_RECORD = "1.001193", "1.000894", "3.000333"


OPTIONAL = {"body.ward.address", "body.ward.phone"}
"""Left out by the bridge when the ward has not configured them; the actions read them with .get()."""


def assert_covers(real: Any, fake: Any, where: str = "body") -> None:
    """Every key of the fake's answer is in the real one, with the same JSON kind (object/array/string/number/bool);
    arrays compare their first items. None on either side matches anything (an optional value), as do OPTIONAL."""
    if fake is None or real is None:
        return
    if isinstance(fake, dict):
        assert isinstance(real, dict), f"{where}: the bridge sent {type(real).__name__}, the fake an object"
        for key, value in fake.items():
            if f"{where}.{key}" in OPTIONAL and key not in real:
                continue
            assert key in real, f"{where}: the bridge's answer has no '{key}' (the fake of the actions' tests has)"
            assert_covers(real[key], value, f"{where}.{key}")
    elif isinstance(fake, list):
        assert isinstance(real, list), f"{where}: the bridge sent {type(real).__name__}, the fake an array"
        if fake and real:
            assert_covers(real[0], fake[0], f"{where}[0]")
    else:
        kind = (bool, (int, float), str)
        expected = next(k for k in kind if isinstance(fake, k))
        assert isinstance(real, expected) and (expected is bool or not isinstance(real, bool)), (
            f"{where}: the bridge sent {real!r}, the fake {fake!r}"
        )


@pytest.fixture
def bridge(settings, searcher, knowledge_defaults):
    """The real app on a free port, with the demo dossiers seeded and the service secret set."""
    settings = settings.model_copy(update={"service_token": SECRET})
    catalogue = knowledge_defaults["catalogue"]
    for code in (BIRTH, MARRIAGE):
        searcher.upsert(catalogue[code])  # a query naming one of them finds it (RecordingSearcher)
    criminal = catalogue[CRIMINAL_RECORD]
    searcher.canned["lý lịch tư pháp"] = SearchOutcome(
        query="lý lịch tư pháp",
        confidence="no_match",
        elsewhere=SearchHit(criminal.code, criminal.name, criminal.field, 0.93),
    )
    db = open_database(settings)
    try:
        seed_demo_dossiers(db, pepper=settings.dossier_pepper)
    finally:
        db.dispose()
    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
    )
    with serve(app) as url:
        yield url


def call(url: str, method: str, *args: Any, **kwargs: Any) -> Any:
    async def go():
        client = HttpBridgeClient(
            ActionSettings(
                bridge_url=url,
                read_timeout_s=20,
                connect_timeout_s=5,
                service_token=SECRET,
                service_token_file="/nonexistent",
            )
        )
        try:
            return await getattr(client, method)(*args, **kwargs)
        finally:
            await client.aclose()

    return asyncio.run(go())


def fake(method: str, *args: Any, **kwargs: Any) -> Any:
    return asyncio.run(getattr(RecordingBridge(), method)(*args, **kwargs))


def test_search_sends_query_k_and_ward_level_and_answers_the_fake_s_shape(bridge, searcher):
    outcome = call(bridge, "search", "thủ tục đăng ký khai sinh", 2)
    assert searcher.queries[-1] == ("thủ tục đăng ký khai sinh", 2, False)
    assert outcome["confidence"] == "confident" and outcome["results"][0]["code"] == BIRTH
    assert_covers(outcome, fake("search", "khai sinh", 2))
    referred = call(bridge, "search", "lý lịch tư pháp")
    assert referred["elsewhere"]["code"] == CRIMINAL_RECORD
    assert_covers(referred, fake("search", "lý lịch tư pháp"))


def test_turn_sends_text_current_options_recent_and_language(bridge):
    named = call(bridge, "turn", "thủ tục đăng ký kết hôn cần gì")
    assert (named["kind"], named["code"], named["follow_up"]) == ("procedure", MARRIAGE, False)
    assert_covers(named, fake("turn", "đăng ký kết hôn"))
    follow = call(bridge, "turn", "lệ phí bao nhiêu", current=BIRTH)
    assert (follow["kind"], follow["code"], follow["follow_up"]) == ("procedure", BIRTH, True)
    english = call(
        bridge,
        "turn",
        "how much is the fee",
        current=BIRTH,
        language="en",
        options=[BIRTH, MARRIAGE],
        recent=[MARRIAGE],
    )
    assert english["code"] == BIRTH
    assert_covers(follow, fake("turn", "lệ phí bao nhiêu", current="1.001193"))


def test_procedure_with_cards_and_unknown_code(bridge):
    record = call(bridge, "get_procedure", BIRTH)
    assert record["code"] == BIRTH and record["ward_level"] is True
    assert set(record["cards"]) == {"vi", "en"}  # ?cards=true: the staff's citizen answer cards come along
    assert_covers(record, fake("get_procedure", BIRTH))
    assert call(bridge, "get_procedure", "9.999999") is None


def test_desk_route_and_desk_list(bridge):
    route = call(bridge, "route_desk", BIRTH)
    assert route["procedure_code"] == BIRTH and route["desk"]["id"]
    assert_covers(route, fake("route_desk", BIRTH))
    assert call(bridge, "route_desk", "9.999999") is None
    desks = call(bridge, "list_desks")
    assert desks["ward"]["name"] and desks["desks"]
    assert_covers(desks, fake("list_desks"))


def test_ticket_issue_with_stated_priority_and_read_back(bridge):
    desk = call(bridge, "list_desks")["desks"][0]["id"]
    ticket = call(bridge, "issue_ticket", procedure_code=BIRTH, priority="elderly")
    assert ticket["priority"] == "elderly"  # the service secret lets the action server state a priority
    assert_covers(ticket, fake("issue_ticket", procedure_code=BIRTH, priority="elderly"))
    to_desk = call(bridge, "issue_ticket", desk=desk)
    assert to_desk["desk"]["id"] == desk and to_desk["priority"] == "none"
    again = call(bridge, "get_ticket", ticket["id"])
    assert again["number"] == ticket["number"] and again["status"] == "waiting"
    recording = RecordingBridge()
    asyncio.run(recording.issue_ticket(procedure_code=BIRTH))
    assert_covers(again, asyncio.run(recording.get_ticket(1)))
    assert call(bridge, "get_ticket", 999999) is None


def test_feedback_and_complaint_are_accepted(bridge):
    call(bridge, "send_feedback", "conversation-1", 4)  # raises BridgeUnavailable unless 200/201
    call(bridge, "record_complaint", "conversation-1", "waiting", desk="Q1")
    call(bridge, "record_complaint", "conversation-1", "assistant")


def test_dossier_lookup_outcomes(bridge):
    found = call(bridge, "lookup_dossier", CODE, DIGITS, client_id="a-0123456789abcdef0123")
    assert found.outcome == "found" and found.record["code"] == CODE
    assert_covers(found.record, FOUND_DOSSIER.record)
    assert call(bridge, "lookup_dossier", "not a code", "1234").outcome == "invalid_code"
    assert call(bridge, "lookup_dossier", CODE, "12a").outcome == "invalid_id_last4"
    wrong = [call(bridge, "lookup_dossier", CODE, "0000", client_id="a-fedcba9876543210fedc") for _ in range(6)]
    assert wrong[0].outcome == "not_found"
    assert wrong[-1].outcome == "locked" and wrong[-1].retry_after_s and wrong[-1].retry_after_s > 0
