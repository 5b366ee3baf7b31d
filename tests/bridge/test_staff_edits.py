"""Staff API: alias saves that merge (never drop aliases) or refuse with 409; answer card edits (validated,
written to the YAML file, audited, live for AnswerCards.get); reports by date, junk left out, CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from assistant.bridge.models import QuestionLog
from assistant.bridge.reports import is_junk
from knowledge_base.settings import SearchSettings

BIRTH = "1.001193"


def khai_sinh(client, headers) -> dict:
    return next(
        a for a in client.get("/api/staff/aliases", headers=headers).json()["aliases"] if a["canonical"] == "khai sinh"
    )


def test_alias_save_for_an_existing_canonical_never_drops_its_aliases(client, staff_headers, searcher):
    before = khai_sinh(client, staff_headers["viewer"])
    assert len(before["aliases"]) >= 50
    saved = client.post(
        "/api/staff/aliases",
        json={"canonical": "Khai Sinh", "aliases": ["làm giấy cho bé sơ sinh"]},
        headers=staff_headers["editor"],
    )
    assert saved.status_code == 200
    after = khai_sinh(client, staff_headers["viewer"])
    assert after["aliases"] == before["aliases"] + ["làm giấy cho bé sơ sinh"]
    assert saved.json()["aliases"] == after["aliases"]
    searched = next(e for e in searcher.alias_tables[-1] if e.canonical == "khai sinh")
    assert list(searched.aliases) == after["aliases"]
    entry = client.get("/api/staff/audit", params={"target": "khai sinh"}, headers=staff_headers["viewer"]).json()[
        "entries"
    ][0]
    assert entry["action"] == "alias.merge" and len(entry["after"]["aliases"]) == len(entry["before"]["aliases"]) + 1


def test_alias_create_of_an_existing_canonical_is_refused_naming_it(client, staff_headers):
    before = khai_sinh(client, staff_headers["viewer"])
    refused = client.post(
        "/api/staff/aliases",
        params={"mode": "create"},
        json={"canonical": "khai sinh", "aliases": ["đẻ"]},
        headers=staff_headers["editor"],
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "alias_exists" and "khai sinh" in body["message"]
    assert body["existing"]["aliases"] == before["aliases"]
    assert khai_sinh(client, staff_headers["viewer"]) == before


def test_alias_replace_is_explicit_and_audited(client, staff_headers):
    client.post(
        "/api/staff/aliases",
        json={"canonical": "nuôi rồng", "aliases": ["rồng", "dragon"]},
        headers=staff_headers["editor"],
    )
    replaced = client.post(
        "/api/staff/aliases",
        params={"mode": "replace"},
        json={"canonical": "nuôi rồng", "aliases": ["rồng"]},
        headers=staff_headers["editor"],
    )
    assert replaced.status_code == 200 and replaced.json()["aliases"] == ["rồng"]
    assert (
        client.post(
            "/api/staff/aliases",
            params={"mode": "overwrite"},
            json={"canonical": "x y", "aliases": ["z"]},
            headers=staff_headers["editor"],
        ).status_code
        == 422
    )


@pytest.fixture
def cards_client(make_client, search_settings):
    assert search_settings.answer_cards_dir != SearchSettings().answer_cards_dir  # conftest gives each test a copy
    return make_client(), search_settings.answer_cards_dir


def test_card_edit_is_validated_written_audited_and_live(cards_client, staff_headers):
    client, directory = cards_client
    shown = client.get(f"/api/staff/cards/{BIRTH}", headers=staff_headers["viewer"]).json()
    assert (
        shown["file"] == "ho_tich.yaml"
        and shown["findings"] == []
        and shown["card"]["short_name"]["en"] == "Birth registration"
    )
    card = shown["card"]
    card["short_name"] = {"vi": "Làm giấy khai sinh cho con", "en": "Registering a baby's birth"}
    card["staff_notes"] = [
        {"vi": "Mang theo sổ tiêm chủng của bé cho tiện đối chiếu", "en": "Bring the baby's vaccination book"}
    ]
    saved = client.put(f"/api/staff/cards/{BIRTH}", json=card, headers=staff_headers["editor"])
    assert saved.status_code == 200, saved.text

    live = client.app.state.services.cards.answer_cards  # the object every reader in the bridge shares
    assert live.get(BIRTH, "vi").short_name == "Làm giấy khai sinh cho con"
    assert live.get(BIRTH, "en").staff_notes == ("Bring the baby's vaccination book",)
    public = client.get(f"/api/procedures/{BIRTH}/card", params={"language": "en"}).json()  # for other processes
    assert public["short_name"] == "Registering a baby's birth" and public["fee_amount_vnd"] == 0
    assert (
        client.get("/api/procedures/1.000656/card", params={"language": "en"}).json()["short_name"]
        == "Death registration"
    )
    assert client.get("/api/procedures/9.999999/card").status_code == 404
    on_disk = yaml.safe_load((directory / "ho_tich.yaml").read_text(encoding="utf-8"))
    written = next(c for c in on_disk["cards"] if c["code"] == BIRTH)
    assert written["short_name"]["vi"] == "Làm giấy khai sinh cho con"
    assert len(on_disk["cards"]) == len(
        yaml.safe_load((SearchSettings().answer_cards_dir / "ho_tich.yaml").read_text())["cards"]
    )
    assert (directory / "ho_tich.yaml").read_text(encoding="utf-8").startswith("# THẺ TRẢ LỜI")  # comments kept
    entry = client.get("/api/staff/audit", params={"target": BIRTH}, headers=staff_headers["viewer"]).json()["entries"][
        0
    ]
    assert entry["action"] == "card.update" and entry["before"]["short_name"]["vi"] == "Đăng ký khai sinh"


def test_invalid_cards_are_refused_with_the_validators_message(cards_client, staff_headers):
    client, directory = cards_client
    original = (directory / "ho_tich.yaml").read_bytes()
    card = client.get(f"/api/staff/cards/{BIRTH}", headers=staff_headers["viewer"]).json()["card"]
    too_long = dict(card, short_name={"vi": "Đăng ký khai sinh " * 5, "en": "Birth"})
    refused = client.put(f"/api/staff/cards/{BIRTH}", json=too_long, headers=staff_headers["editor"])
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_card"
    assert any(p.startswith("short_name.vi:") and "60" in p for p in refused.json()["problems"])

    invented = dict(
        card, documents=[*card["documents"], {"vi": "Giấy phép nuôi rồng của gia đình", "en": "Dragon licence"}]
    )
    refused = client.put(f"/api/staff/cards/{BIRTH}", json=invented, headers=staff_headers["editor"])
    assert refused.status_code == 422
    assert any("documents[3]" in p and "staff_notes" in p for p in refused.json()["problems"])
    assert (directory / "ho_tich.yaml").read_bytes() == original
    assert client.app.state.services.cards.answer_cards.get(BIRTH, "vi").short_name == "Đăng ký khai sinh"


def test_viewer_cannot_edit_a_card(cards_client, staff_headers):
    client, directory = cards_client
    card = client.get(f"/api/staff/cards/{BIRTH}", headers=staff_headers["viewer"]).json()["card"]
    denied = client.put(f"/api/staff/cards/{BIRTH}", json=card, headers=staff_headers["viewer"])
    assert denied.status_code == 403
    assert client.get("/api/staff/cards/9.999999", headers=staff_headers["viewer"]).status_code == 404


@pytest.mark.parametrize(
    "form, junk",
    [
        ("khai sinh", False),
        ("bhxh", False),
        ("so do", False),
        ("asdf", True),
        ("x", True),
        ("", True),
        ("aaaa", True),
        ("qwer asdf", True),
        ("asdf khai sinh", False),
    ],
)
def test_junk_forms(form, junk):
    assert is_junk(form) is junk


def test_reports_filter_by_date_leave_junk_out_and_export_csv(client, staff_headers):
    services = client.app.state.services
    now = datetime.now(timezone.utc)
    with services.db.write() as session:
        for days_ago, form in [(0, "nuoi rong"), (0, "nuoi rong"), (0, "asdf"), (0, "x"), (10, "giay phep cho meo")]:
            session.add(
                QuestionLog(at=now - timedelta(days=days_ago), keywords=form, confidence="no_match", top_code=None)
            )
    everything = client.get("/api/staff/reports", headers=staff_headers["viewer"]).json()
    assert [(r["keywords"], r["count"]) for r in everything["unanswered"]] == [
        ("nuoi rong", 2),
        ("giay phep cho meo", 1),
    ]
    assert everything["junk_left_out"] == 2
    since = (now - timedelta(days=2)).date().isoformat()
    recent = client.get("/api/staff/reports", params={"since": since}, headers=staff_headers["viewer"]).json()
    assert [r["keywords"] for r in recent["unanswered"]] == ["nuoi rong"]
    until = (now - timedelta(days=5)).date().isoformat()
    old = client.get("/api/staff/reports", params={"until": until}, headers=staff_headers["viewer"]).json()
    assert [r["keywords"] for r in old["unanswered"]] == ["giay phep cho meo"]
    assert (
        client.get(
            "/api/staff/reports", params={"since": since, "until": until}, headers=staff_headers["viewer"]
        ).status_code
        == 422
    )

    exported = client.get("/api/staff/reports.csv", params={"since": since}, headers=staff_headers["viewer"])
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["section", "code", "name_or_keywords"]
    assert ["unanswered", "", "nuoi rong", "2"] == rows[1][:4] and len(rows) == 2
