"""GET /api/turn (knowledge_base.turn behind the bridge) and where procedures beyond the ward are sent."""

from __future__ import annotations

from knowledge_base.search.engine import ProcedureSearch, SearchTuning
from knowledge_base.search.lexical import Bm25Scorer
from knowledge_base.search.vector_index import NumpyFlatIndex
from tests.knowledge_base.fakes import FakeProcedure, RecordingEncoder


def fake_search() -> ProcedureSearch:
    encoder = RecordingEncoder()
    search = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        tuning=SearchTuning(dense_floor=0.0, dense_ceiling=1.0),
    )
    search.load(
        [
            FakeProcedure("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch"),
            FakeProcedure("1.000894", "Thủ tục đăng ký kết hôn", "Hộ tịch"),
            FakeProcedure("1.014063", "Cấp đổi thẻ căn cước", "Căn cước"),
            FakeProcedure("1.014064", "Cấp lại thẻ căn cước", "Căn cước"),
            FakeProcedure(
                "3.000333",
                "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
                "Lý lịch tư pháp",
                ward_level=False,
                levels=["Cấp tỉnh"],
            ),
        ]
    )
    return search


def test_turn_decides_follow_ups_switches_and_referrals(make_client):
    with make_client(searcher_override=fake_search()) as client:
        follow = client.get("/api/turn", params={"text": "mất bao lâu", "current": "1.001193"}).json()
        assert (follow["kind"], follow["code"], follow["follow_up"]) == ("procedure", "1.001193", True)
        switch = client.get("/api/turn", params={"text": "còn đăng ký kết hôn thì sao", "current": "1.001193"}).json()
        assert (switch["kind"], switch["code"], switch["follow_up"]) == ("procedure", "1.000894", False)
        sibling = client.get("/api/turn", params={"text": "còn cấp lại thì sao", "current": "1.014063"}).json()
        assert sibling["code"] == "1.014064"
        referral = client.get("/api/turn", params={"text": "cấp phiếu lý lịch tư pháp"}).json()
        assert (referral["kind"], referral["code"]) == ("not_at_ward", "3.000333")
        nothing = client.get("/api/turn", params={"text": "cháu"}).json()
        assert nothing["kind"] == "ask_procedure" and nothing["choices"] == []
        assert client.get("/api/turn", params={"text": "x", "language": "fr"}).status_code == 422
        outside = client.get("/api/turn", params={"text": "thế mất bao lâu", "matter": "divorce"}).json()
        assert (outside["kind"], outside["follow_up"], outside["matter"]["id"]) == ("not_at_ward", True, "divorce")
        assert client.get("/api/turn", params={"text": "thế mất bao lâu"}).json()["kind"] == "ask_procedure"
        assert client.get("/api/turn", params={"text": "x", "matter": "Drop table"}).status_code == 422


class SearchOnly:
    """A searcher that can only rank (no document views): too little for turn decisions."""

    def search(self, query, k=3, all_levels=False):
        from knowledge_base.search import SearchOutcome

        return SearchOutcome(query=query, confidence="no_match")

    def upsert(self, procedure):
        pass

    def remove(self, code):
        pass

    def replace_aliases(self, entries):
        pass


def test_turn_without_a_capable_search_is_a_clear_503(make_client):
    with make_client(searcher_override=SearchOnly()) as client:
        response = client.get("/api/turn", params={"text": "khai sinh"})
    assert response.status_code == 503 and response.json()["error"] == "search_unavailable"


def test_a_procedure_beyond_the_ward_is_sent_to_the_general_desk_never_a_field_desk(client):
    general_id = client.app.state.services.desks().general_desk.id
    route = client.get("/api/desks/route", params={"code": "1.001456"}).json()  # passport: province level
    assert route["desk"]["id"] == general_id
    ticket = client.post("/api/tickets", json={"procedure_code": "1.001456"}).json()
    assert ticket["desk"]["id"] == general_id
    ward = client.get("/api/desks/route", params={"code": "1.001193"}).json()
    assert ward["desk"]["id"] != general_id


def _turn(client, **params):
    return client.get("/api/turn", params=params).json()


def _hits(client):
    return client.get("/api/procedures/search-cache").json()["hits"]


def test_a_cached_turn_is_the_answer_the_decision_gives(make_client):
    from knowledge_base.turn import search_turn

    search = fake_search()
    with make_client(searcher_override=search) as client:
        params = {"text": "còn đăng ký kết hôn thì sao", "current": "1.001193"}
        first, hits = _turn(client, **params), _hits(client)
        second = _turn(client, **params)
        assert _hits(client) == hits + 1  # served from the cache
        assert first == second == search_turn(search, params["text"], params["current"]).to_json()
        # another current procedure or language is another decision, never the cached one
        _turn(client, text=params["text"], current="1.014063")
        _turn(client, text=params["text"], current="1.001193", language="en")
        assert _hits(client) == hits + 1


def test_cached_turns_are_not_served_across_languages(make_client, monkeypatch):
    from assistant.bridge.routers import turn as turn_router
    from knowledge_base.turn import search_turn

    def by_language(search, text, current=None, language="vi", **kwargs):  # a decision that reads the language
        return search_turn(search, "đăng ký kết hôn" if language == "en" else text, current, language, **kwargs)

    monkeypatch.setattr(turn_router, "search_turn", by_language)
    with make_client(searcher_override=fake_search()) as client:
        assert _turn(client, text="làm giấy khai sinh", language="vi")["code"] == "1.001193"
        assert _turn(client, text="làm giấy khai sinh", language="en")["code"] == "1.000894"
        assert _turn(client, text="làm giấy khai sinh", language="vi")["code"] == "1.001193"


def test_a_staff_edit_is_seen_by_the_next_turn_not_a_cached_one(make_client, knowledge_defaults, staff_headers):
    import copy

    search = fake_search()
    record = copy.deepcopy(knowledge_defaults["catalogue"]["1.001193"].to_dict())
    with make_client(searcher_override=search) as client:
        assert _turn(client, text="đăng ký khai sinh")["name"] == "Thủ tục đăng ký khai sinh"
        record["name"] = "Đăng ký khai sinh (tên do cán bộ sửa)"
        response = client.post("/api/staff/procedures", json=record, headers=staff_headers["editor"])
        assert response.status_code in (200, 201), response.text
        hits = _hits(client)
        after = _turn(client, text="đăng ký khai sinh")
        assert _hits(client) == hits  # not from the cache
        assert (after["code"], after["name"]) == ("1.001193", "Đăng ký khai sinh (tên do cán bộ sửa)")


def test_english_choices_carry_the_answer_cards_english_names(make_client):
    with make_client(searcher_override=fake_search()) as client:
        english = client.get("/api/turn", params={"text": "thẻ căn cước", "language": "en"}).json()
        vietnamese = client.get("/api/turn", params={"text": "thẻ căn cước", "language": "vi"}).json()
    assert english["kind"] == "clarify" and {c["code"] for c in english["choices"]} == {"1.014063", "1.014064"}
    names = {c["code"]: c.get("short_name_en") for c in english["choices"]}
    assert names == {"1.014063": "Renewing or changing an ID card", "1.014064": "Replacing a lost or damaged ID card"}
    assert all("short_name_en" not in c for c in vietnamese["choices"])  # the cached Vietnamese answer is unchanged
