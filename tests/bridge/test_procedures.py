"""Search passthrough and procedure details."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.bridge.main import create_app
from knowledge_base.search import SearchHit, SearchOutcome
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings


def test_search_passes_parameters_and_returns_the_cli_json(client, searcher):
    searcher.canned["giấy khai sinh"] = SearchOutcome(
        "giấy khai sinh",
        "ambiguous",
        [
            SearchHit("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", 0.81234),
            SearchHit("1.004884", "Thủ tục đăng ký lại khai sinh", "Hộ tịch", 0.8),
        ],
    )
    body = client.get("/api/procedures/search", params={"q": "giấy khai sinh", "k": 2, "all_levels": "true"}).json()
    assert searcher.queries[-1] == ("giấy khai sinh", 2, True)
    assert body == {
        "query": "giấy khai sinh",
        "confidence": "ambiguous",
        "results": [
            {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": "Hộ tịch", "score": 0.8123},
            {"code": "1.004884", "name": "Thủ tục đăng ký lại khai sinh", "field": "Hộ tịch", "score": 0.8},
        ],
    }
    assert client.get("/api/procedures/search", params={"q": "x", "k": 0}).status_code == 422
    assert client.get("/api/procedures/search").status_code == 422


def test_details_return_the_normalised_record(client, knowledge_defaults):
    body = client.get("/api/procedures/1.001193").json()
    assert "cards" not in body  # only on request (next test): the staff page edits the bare record
    assert body == knowledge_defaults["catalogue"]["1.001193"].to_dict()
    missing = client.get("/api/procedures/0.000000")
    assert missing.status_code == 404 and missing.json()["error"] == "unknown_procedure"


def test_search_unavailable_is_503_but_the_rest_works(settings, knowledge_defaults, monkeypatch):
    """No injected searcher and the real one cannot be built (no model yet): the bridge still serves."""
    import assistant.bridge.main as main_module

    monkeypatch.setattr(main_module, "build_real_searcher", lambda _settings: (None, "ImportError: no model"))
    with TestClient(
        main_module.create_app(
            settings,
            search_settings=default_search_settings(),
            kiosk_settings=default_kiosk_settings(),
            knowledge_sources=dict(knowledge_defaults),
        )
    ) as client:
        response = client.get("/api/procedures/search", params={"q": "khai sinh"})
        assert response.status_code == 503 and response.json()["error"] == "search_unavailable"
        assert client.get("/health").json()["checks"]["search"] is False
        assert client.get("/api/desks/route", params={"code": "1.001193"}).status_code == 200


def test_repeated_questions_are_cached_until_any_staff_edit(client, searcher, staff_headers, knowledge_defaults):
    for _ in range(3):
        client.get("/api/procedures/search", params={"q": "đăng ký kết hôn"})
    assert [q for q, _, _ in searcher.queries].count("đăng ký kết hôn") == 1
    record = dict(knowledge_defaults["catalogue"]["1.000894"].to_dict(), name="Thủ tục đăng ký kết hôn (sửa)")
    client.post("/api/staff/procedures", json=record, headers=staff_headers["editor"])
    client.get("/api/procedures/search", params={"q": "đăng ký kết hôn"})
    assert [q for q, _, _ in searcher.queries].count("đăng ký kết hôn") == 2
    client.get("/api/procedures/search", params={"q": "đăng ký kết hôn", "k": 5})
    assert searcher.queries[-1] == ("đăng ký kết hôn", 5, False)
    report = client.get("/api/staff/reports", headers=staff_headers["viewer"]).json()
    assert report["questions_total"] == 5  # cached answers are still counted for the reports


def test_a_procedure_comes_with_its_answer_cards_in_both_languages(client):
    body = client.get("/api/procedures/1.001193", params={"cards": "true"}).json()
    assert set(body["cards"]) == {"vi", "en"}
    assert body["cards"]["en"]["language"] == "en" and body["cards"]["en"]["short_name"]
    assert body["cards"]["vi"]["documents"]


def test_a_procedure_beyond_the_ward_comes_with_its_english_name_and_everyday_body(client):
    body = client.get("/api/procedures/1.001456").json()
    assert body["ward_level"] is False
    assert "passport" in body["non_ward"]["name_en"].lower()
    assert "Công an" in body["non_ward"]["body"]["vi"]
    assert "non_ward" not in client.get("/api/procedures/1.001193").json()  # ward-level: the answer cards say it


def test_the_non_ward_file_is_the_one_the_search_settings_name(
    settings, search_settings, searcher, knowledge_defaults, tmp_path
):
    other = tmp_path / "non_ward.yaml"
    other.write_text(
        '- code: "1.001456"\n  name: Cấp hộ chiếu phổ thông ở trong nước (cấp tỉnh)\n  en: A passport (edited copy)\n',
        encoding="utf-8",
    )
    app = create_app(
        settings,
        search_settings=search_settings.model_copy(update={"non_ward_path": other}),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
    )
    with TestClient(app) as client:
        assert client.get("/api/procedures/1.001456").json()["non_ward"] == {
            "name_en": "A passport (edited copy)",
            "body": None,
        }
