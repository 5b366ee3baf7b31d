"""Feedback and staff reports: most-asked procedures, unanswered (no_match) questions, average rating."""

from __future__ import annotations

import pytest

from knowledge_base.search import SearchHit, SearchOutcome

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL (conftest.py)


def test_feedback_validation_and_storage(client, staff_headers):
    ok = client.post("/api/feedback", json={"conversation_id": "web-abc123", "rating": 5, "comment": "Rất hữu ích"})
    assert ok.status_code == 201
    for bad in (
        {"conversation_id": "x", "rating": 0},
        {"conversation_id": "x", "rating": 6},
        {"conversation_id": "x y", "rating": 3},
        {"rating": 3},
    ):
        assert client.post("/api/feedback", json=bad).status_code == 422, bad
    html = client.post(
        "/api/feedback", json={"conversation_id": "x", "rating": 1, "comment": "<script>alert(1)</script>"}
    )
    assert html.status_code == 422 and "HTML" in str(html.json())


def test_report_counts_questions_and_ratings(client, searcher, staff_headers):
    birth = SearchOutcome("q", "confident", [SearchHit("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch", 0.9)])
    searcher.canned.update({"làm giấy khai sinh": birth, "khai sinh cho con": birth})
    searcher.canned["đăng ký thường trú"] = SearchOutcome(
        "q", "confident", [SearchHit("1.004222", "Đăng ký thường trú", "x", 0.9)]
    )
    for query in (
        "làm giấy khai sinh",
        "khai sinh cho con",
        "đăng ký thường trú",
        "nuôi rồng",
        "nuôi rồng",
        "tên tôi là Nguyễn Văn An, gọi 0912345678 hỏi về nuôi rồng",
    ):
        assert client.get("/api/procedures/search", params={"q": query}).status_code == 200
    for rating in (5, 4, 2):
        client.post("/api/feedback", json={"conversation_id": "c1", "rating": rating, "comment": "SĐT tôi 0987654321"})
    assert client.get("/api/staff/reports").status_code == 401
    report = client.get("/api/staff/reports", headers=staff_headers["viewer"]).json()
    assert report["most_asked"][0] == {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "count": 2}
    assert report["most_asked"][1]["code"] == "1.004222"
    # Keyword forms, never the text: the question holding a name and a phone joins the two plain ones.
    assert report["unanswered"][0]["keywords"] == "nuoi rong" and report["unanswered"][0]["count"] == 3
    assert all(set(item) == {"keywords", "count", "last_asked_at"} for item in report["unanswered"])
    assert report["feedback"]["average_rating"] == 3.67 and report["feedback"]["count"] == 3
    assert all("0987654321" not in c["comment"] for c in report["feedback"]["recent_comments"])
    assert report["questions_total"] == 6


def test_empty_query_is_answered_but_not_logged(client, staff_headers):
    body = client.get("/api/procedures/search", params={"q": "   "}).json()
    assert body["error"] and body["results"] == []
    assert client.get("/api/staff/reports", headers=staff_headers["viewer"]).json()["questions_total"] == 0


def test_complaints_are_stored_by_category_and_desk_and_reported(client, staff_headers):
    for body in (
        {"conversation_id": "conv-1", "category": "staff_attitude", "desk": "Q2"},
        {"conversation_id": "conv-2", "category": "staff_attitude", "desk": "Q99"},  # no such desk: dropped
        {"conversation_id": "conv-3", "category": "waiting"},
    ):
        assert client.post("/api/complaints", json=body).status_code == 201, body
    for bad in (
        {"conversation_id": "c", "category": "free text here"},
        {"conversation_id": "c d", "category": "other"},
        {"conversation_id": "c", "category": "other", "comment": "cán bộ tên An"},
    ):
        assert client.post("/api/complaints", json=bad).status_code == 422, bad
    complaints = client.get("/api/staff/reports", headers=staff_headers["viewer"]).json()["complaints"]
    assert {c["category"]: c["count"] for c in complaints["by_category"]}["staff_attitude"] == 2
    assert complaints["by_desk"] == [{"category": "staff_attitude", "desk": "Q2", "count": 1}]
    assert "An" not in str(complaints)
