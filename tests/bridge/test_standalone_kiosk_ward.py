"""The standalone kiosk (`python -m kiosk run`) names its ward and itself to a real bridge over HTTP: KIOSK_WARD and
KIOSK_DEVICE_TOKEN reach the actions as message metadata; a bad device token or another ward is refused. And the
public ward list those settings are picked from (GET /api/wards)."""

from __future__ import annotations

import pytest

from assistant.bridge.auth import create_token
from assistant.bridge.main import create_app
from assistant.bridge.rate_limit import RateLimit, RateLimiters, RateLimits
from assistant.bridge.web.relay import ChatRelay
from kiosk.dialogue import DialogueRefused, DialogueUnavailable
from kiosk.engines import build_dialogue
from kiosk.settings import KioskSettings
from tests.bridge.app_settings import default_kiosk_settings, default_search_settings
from tests.bridge.fakes import MonotonicClock
from tests.bridge.fakes_web import RecordingDialogueClient
from tests.bridge.test_wards import write_ward
from tests.servers import serve

B = "dong-anh"


@pytest.fixture
def settings(settings, tmp_path):
    write_ward(tmp_path / "wards", B, "Xã Đông Anh")
    return settings.model_copy(update={"wards_dir": tmp_path / "wards"})


@pytest.fixture
def bridge(settings, searcher, knowledge_defaults):
    """The real app served on a free port, a recording dialogue engine behind its chat relay."""
    app = create_app(
        settings,
        search_settings=default_search_settings(),
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=dict(knowledge_defaults),
    )
    rasa = RecordingDialogueClient()
    app.state.chat_relay = ChatRelay(rasa)
    with serve(app) as url:
        yield url, app, rasa


def kiosk(url: str, **settings) -> object:
    return build_dialogue(KioskSettings(_env_file=None, bridge_url=url, **settings))


def test_a_kiosk_with_a_device_token_speaks_for_its_ward_and_itself(bridge):
    url, app, rasa = bridge
    services = app.state.services
    ward_b = services.wards.get(B)
    token, _ = create_token(services.db, role="kiosk", name="kiosk-sanh-2", ward_id=ward_b.id)
    assert kiosk(url, device_token=token).send("kiosk-abc123", "lấy số").texts == ["Bạn hỏi: lấy số"]
    kiosk(url, device_token=token, ward=B).send("kiosk-abc123", "lấy số")  # naming its own ward is fine
    kiosk(url, ward=B).send("kiosk-def456", "lấy số")  # a ward without a token: the ward, no kiosk id
    kiosk(url).send("kiosk-ghi789", "lấy số")
    by_token, with_ward, ward_only, plain = rasa.metadata
    assert (by_token["ward"], by_token["ward_id"], by_token["kiosk_id"]) == (B, ward_b.id, "kiosk-sanh-2")
    assert with_ward == by_token
    assert (ward_only["ward"], "kiosk_id" in ward_only) == (B, False)
    assert (plain["ward"], "kiosk_id" in plain) == ("cua-nam", False)


def test_a_bad_device_token_or_another_ward_is_refused_before_the_dialogue(bridge):
    url, app, rasa = bridge
    services = app.state.services
    token, _ = create_token(services.db, role="kiosk", name="kiosk-sanh-3", ward_id=services.wards.get(B).id)
    staff, _ = create_token(services.db, role="editor", name="not a kiosk")
    with pytest.raises(DialogueUnavailable, match="403 unknown_device"):
        kiosk(url, device_token="lts_forged").send("kiosk-abc123", "xin chào")
    with pytest.raises(DialogueUnavailable, match="403 unknown_device"):
        kiosk(url, device_token=staff).send("kiosk-abc123", "xin chào")
    with pytest.raises(DialogueUnavailable, match="403 other_ward"):
        kiosk(url, device_token=token, ward="cua-nam").send("kiosk-abc123", "xin chào")
    with pytest.raises(DialogueUnavailable, match="404 unknown_ward"):
        kiosk(url, ward="nowhere").send("kiosk-abc123", "xin chào")
    assert rasa.metadata == []


def test_a_kiosk_s_turns_count_against_its_own_ward(bridge):
    url, app, _ = bridge
    services = app.state.services
    token, _ = create_token(services.db, role="kiosk", name="kiosk-sanh-4", ward_id=services.wards.get(B).id)
    off = RateLimit(burst=0, per_minute=1)
    one = RateLimit(burst=1, per_minute=1)
    app.state.rate_limiters = RateLimiters(
        RateLimits(chat=off, search=off, tickets=off, feedback=off),
        ward_limits=RateLimits(chat=one, search=one, tickets=one, feedback=one),
        clock=MonotonicClock(),
    )
    kiosk(url, device_token=token).send("kiosk-abc123", "xin chào")
    kiosk(url).send("kiosk-def456", "xin chào")  # the default ward's allowance is untouched
    with pytest.raises(DialogueRefused) as refused:
        kiosk(url, device_token=token).send("kiosk-abc123", "xin chào")
    assert (refused.value.status_code, refused.value.error) == (429, "ward_too_many_requests")


def test_the_ward_list_is_public_and_holds_names_and_codes_only(client, settings):
    response = client.get("/api/wards")
    assert response.status_code == 200
    wards = response.json()["wards"]
    assert [(w["code"], w["name"], w["default"]) for w in wards] == [
        ("cua-nam", wards[0]["name"], True),
        (B, "Xã Đông Anh", False),
    ]
    assert all(set(w) == {"id", "code", "name", "name_en", "default"} for w in wards)
