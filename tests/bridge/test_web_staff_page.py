"""Staff page in real headless Chromium against the real bridge app (SQLite, staff API, audit; fake searcher)."""

from __future__ import annotations

import json
import re
import shutil
from types import SimpleNamespace

import httpx
import pytest

from assistant.bridge.auth import create_token
from assistant.bridge.knowledge import default_knowledge_sources
from assistant.bridge.main import create_app
from assistant.bridge.services import open_database
from assistant.bridge.settings import BridgeSettings
from knowledge_base.search import SearchHit, SearchOutcome
from knowledge_base.settings import SearchSettings
from tests.bridge.app_settings import default_kiosk_settings
from tests.bridge.fakes import RecordingSearcher
from tests.bridge.test_wards import write_ward
from tests.bridge.web_support import SCREENSHOT_DIR, chromium, serve

pytestmark = pytest.mark.browser

WARD_B = "dong-anh"

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def bridge(tmp_path_factory):
    cards = tmp_path_factory.mktemp("cards") / "answer_cards"
    shutil.copytree(SearchSettings().answer_cards_dir, cards)
    wards = tmp_path_factory.mktemp("wards")
    write_ward(wards, WARD_B, "Xã Đông Anh")
    settings = BridgeSettings(
        _env_file=None,
        wards_dir=wards,
        data_dir=tmp_path_factory.mktemp("bridge"),
        database_url=None,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9/health",
        health_timeout_s=0.2,
    )
    search_settings = SearchSettings(_env_file=None, answer_cards_dir=cards)
    sources = default_knowledge_sources(search_settings)
    birth = sources["catalogue"]["1.001193"]
    searcher = RecordingSearcher()
    searcher.canned["khai sinh"] = SearchOutcome(
        "khai sinh", "confident", [SearchHit(birth.code, birth.name, birth.field, 0.93)]
    )
    db = open_database(settings)
    try:
        tokens = {role: create_token(db, role=role, name=f"web {role}")[0] for role in ("viewer", "editor")}
        # a ward's own viewer (the wards are imported when the database is opened: the default one is 1, then B)
        tokens["ward_b"] = create_token(db, role="viewer", name="web ward", ward_id=2)[0]
    finally:
        db.dispose()
    app = create_app(
        settings,
        search_settings=search_settings,
        kiosk_settings=default_kiosk_settings(),
        searcher=searcher,
        knowledge_sources=sources,
    )
    with serve(app) as url:
        yield SimpleNamespace(url=url, searcher=searcher, tokens=tokens, original=birth.to_dict())


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def sign_in(page, bridge, role="editor", token=None):
    page.goto(bridge.url + "/staff")
    page.fill("#token", token or bridge.tokens[role])
    page.press("#token", "Enter")


def api_get(bridge, path):
    return httpx.get(bridge.url + path, headers={"Authorization": f"Bearer {bridge.tokens['viewer']}"}, timeout=10)


def test_wrong_token_shows_the_api_message(page, bridge):
    sign_in(page, bridge, token="lts_not-a-real-token")
    expect(page.locator("#notice")).to_contain_text("A valid staff token is required")
    expect(page.locator("#app")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('lts.staff.token')") is None


def test_login_search_edit_save(page, bridge):
    sign_in(page, bridge)
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#signed-in-as")).to_contain_text("web editor (editor)")
    assert page.evaluate("sessionStorage.getItem('lts.staff.token')") == bridge.tokens["editor"]
    page.fill("#search-q", "khai sinh")
    page.press("#search-q", "Enter")
    page.get_by_role("button", name=re.compile("1.001193")).click()
    assert bridge.searcher.queries[-1] == ("khai sinh", 10, True)
    expect(page.locator("#proc-name")).to_have_value("Thủ tục đăng ký khai sinh")
    expect(page.locator("#proc-code")).to_have_js_property("readOnly", True)
    page.fill("#proc-name", "Thủ tục đăng ký khai sinh (sửa thử)")
    page.get_by_role("button", name=re.compile("Thêm giấy tờ")).click()
    page.locator("fieldset.document").last.get_by_label("Tên giấy tờ").fill("Giấy chứng sinh")
    page.locator("fieldset.channel").first.locator('[data-key="fee_amount_vnd"]').fill("0")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT_DIR / "staff_page.png"))
    page.click("#save-procedure")
    expect(page.locator("#save-status")).to_contain_text("Đã lưu thủ tục 1.001193")

    saved = api_get(bridge, "/api/procedures/1.001193").json()
    original = bridge.original
    assert saved["name"] == "Thủ tục đăng ký khai sinh (sửa thử)"
    assert saved["documents"][-1]["name"] == "Giấy chứng sinh"
    assert saved["documents"][:-1] == original["documents"]
    assert saved["channels"][0]["fee_amount_vnd"] == 0
    assert saved["steps"] == original["steps"]  # multi-line steps survive the form round trip
    assert saved["legal_basis"] == original["legal_basis"]  # fields the form does not show are kept
    assert bridge.searcher.upserted[-1].name == "Thủ tục đăng ký khai sinh (sửa thử)"
    entry = api_get(bridge, "/api/staff/audit?limit=1").json()["entries"][0]
    assert (entry["action"], entry["target"]) == ("procedure.update", "1.001193")


def test_new_procedure_in_json_mode_with_validation_error_then_delete(page, bridge):
    sign_in(page, bridge)
    page.click("#new-procedure")
    page.fill("#proc-code", "9.999999")
    page.fill("#proc-name", "Thủ tục thử nghiệm cấp giấy phép nuôi rồng")
    page.fill("#proc-levels", "Cấp xã")
    page.click("#toggle-json")
    text = page.locator("#json-text")
    record = json.loads(text.input_value())
    assert record["ward_level"] is True and record["name"].endswith("nuôi rồng")
    record["unexpected"] = 1
    text.fill(json.dumps(record, ensure_ascii=False))
    page.click("#save-procedure")
    expect(page.locator("#save-status")).to_contain_text("Chưa lưu được")
    expect(page.locator("#save-status")).to_contain_text("unexpected")
    assert api_get(bridge, "/api/procedures/9.999999").status_code == 404
    del record["unexpected"]
    text.fill(json.dumps(record, ensure_ascii=False))
    page.click("#save-procedure")
    expect(page.locator("#save-status")).to_contain_text("Đã lưu thủ tục 9.999999")
    assert api_get(bridge, "/api/procedures/9.999999").json()["name"] == "Thủ tục thử nghiệm cấp giấy phép nuôi rồng"
    page.click("#delete-procedure")
    expect(page.locator("#notice")).to_contain_text("Đã xoá thủ tục 9.999999")
    assert api_get(bridge, "/api/procedures/9.999999").status_code == 404
    assert bridge.searcher.removed[-1] == "9.999999"


def in_viewport(page, selector) -> bool:
    return page.evaluate(
        """(selector) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
    }""",
        selector,
    )


def test_save_message_is_inside_the_viewport_on_the_long_form(page, bridge):
    sign_in(page, bridge)
    page.fill("#search-q", "1.001193")
    page.press("#search-q", "Enter")
    expect(page.locator("#proc-code")).to_have_value("1.001193")
    assert page.evaluate("document.documentElement.scrollHeight") > 4 * page.viewport_size["height"]
    page.get_by_role("link", name=re.compile("Lệ phí")).click()  # jump link to the first channel's fee
    fee = page.locator("#jump-fee input")  # the in-person channel's amount: the one chat reads
    expect(fee).to_be_in_viewport()
    expect(fee).to_be_focused()
    fee.fill("")
    page.click("#save-procedure")
    expect(page.locator("#save-status")).to_contain_text("Đã lưu thủ tục 1.001193")
    assert page.evaluate("window.scrollY") > 2 * page.viewport_size["height"]  # far down the form, not at the top
    assert in_viewport(page, "#save-status")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path="/tmp/staff_saved_in_view.png")
    channels = api_get(bridge, "/api/procedures/1.001193").json()["channels"]
    assert [c["fee_amount_vnd"] for c in channels if c["channel"] == "in_person"][0] is None

    page.locator("#proc-name").fill("")
    page.get_by_role("link", name=re.compile("Giấy tờ")).click()
    page.click("#save-procedure")
    expect(page.locator("#save-status")).to_contain_text("Cần nhập mã và tên")
    assert in_viewport(page, "#save-status")
    page.screenshot(path="/tmp/staff_error_in_view.png")


def test_viewer_sees_no_save_or_delete(page, bridge):
    sign_in(page, bridge, role="viewer")
    queries = len(bridge.searcher.queries)
    page.fill("#search-q", "1.001193")  # a code opens the procedure directly, without search
    page.press("#search-q", "Enter")
    expect(page.locator("#proc-code")).to_have_value("1.001193")
    expect(page.locator("#card-name-vi")).to_have_value(re.compile("khai sinh"))
    assert len(bridge.searcher.queries) == queries
    for selector in ("#save-procedure", "#delete-procedure", "#save-card", "fieldset.document button.danger"):
        expect(page.locator(selector)).to_have_count(0)
    expect(page.locator("#new-procedure")).to_be_hidden()
    expect(page.locator("#proc-result")).to_have_js_property("readOnly", True)
    expect(page.locator("#save-bar")).to_contain_text("chỉ có quyền xem")
    page.screenshot(path="/tmp/staff_viewer.png")
    page.get_by_role("button", name=re.compile("Từ đồng nghĩa")).click()
    expect(page.locator("#alias-form")).to_be_hidden()
    expect(page.locator("#alias-list")).to_contain_text("khai sinh")
    expect(page.get_by_role("button", name=re.compile("^Xoá"))).to_have_count(0)


def test_assistant_reads_hints_and_try_a_question(page, bridge):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    sign_in(page, bridge)
    page.fill("#try-q", "khai sinh")
    page.press("#try-q", "Enter")
    expect(page.locator("#try-answer")).to_contain_text("Trợ lý trả lời ngay")
    expect(page.locator("#try-answer .try-card")).to_contain_text("Lệ phí / fee: Miễn phí")
    assert any("/api/turn?text=khai%20sinh" in url for url in asked)  # the same decision the action server asks for
    page.screenshot(path="/tmp/staff_try.png")
    page.locator("#try-answer").get_by_role("button", name=re.compile("1.001193")).click()
    expect(page.locator("#proc-code")).to_have_value("1.001193")
    channel = page.locator("fieldset.channel", has=page.locator("#jump-fee"))
    expect(channel.locator("label", has=page.locator('[data-key="fee"]'))).to_contain_text("KHÔNG nói ô chữ này")
    expect(channel.locator("label", has=page.locator('[data-key="fee_amount_vnd"]'))).to_contain_text("nói số tiền này")
    other = page.locator("fieldset.channel", has_not=page.locator("#jump-fee")).first
    expect(other).to_contain_text("Trợ lý không đọc lệ phí, thời hạn của cách nộp này")


def test_card_edit_on_the_staff_page(page, bridge):
    record = api_get(bridge, "/api/procedures/1.001193").json()
    record["name"] = "Thủ tục đăng ký khai sinh (bản sửa cho thẻ)"  # the record changes, so its card is stale
    assert (
        httpx.post(
            bridge.url + "/api/staff/procedures",
            json=record,
            timeout=10,
            headers={"Authorization": f"Bearer {bridge.tokens['editor']}"},
        ).status_code
        == 200
    )
    current_hash = api_get(bridge, "/api/staff/cards/1.001193").json()["record_hash"]
    sign_in(page, bridge)
    page.fill("#search-q", "1.001193")
    page.press("#search-q", "Enter")
    expect(page.locator("#card-name-en")).to_have_value("Birth registration")
    expect(page.locator("#card-problems")).to_contain_text("stale")
    expect(page.locator("#card-editor")).to_contain_text("Hồ sơ đã đổi, dấu hiện tại: " + current_hash)
    page.get_by_role("link", name=re.compile("Thẻ trả lời")).click()
    page.fill("#card-name-en", "Registering a birth")
    page.click("#save-card")
    expect(page.locator("#card-problems")).to_contain_text("source_hash: stale")
    page.fill("#card-hash", current_hash)  # re-read against the record, then marked as such
    page.click("#save-card")
    expect(page.locator("#card-status")).to_contain_text("Đã lưu thẻ")
    expect(page.locator("#card-problems")).to_be_empty()
    assert api_get(bridge, "/api/staff/cards/1.001193").json()["card"]["short_name"]["en"] == "Registering a birth"
    documents = page.locator("#card-documents")
    documents.fill(documents.input_value() + "\nGiấy phép nuôi rồng của gia đình | Dragon licence")
    page.click("#save-card")
    expect(page.locator("#card-problems")).to_contain_text("documents[3]")
    expect(page.locator("#card-status")).to_contain_text("chưa lưu")
    assert in_viewport(page, "#card-problems")
    page.screenshot(path="/tmp/staff_card_error.png")
    assert len(api_get(bridge, "/api/staff/cards/1.001193").json()["card"]["documents"]) == 3


def test_aliases_reports_and_audit(page, bridge):
    httpx.post(bridge.url + "/api/feedback", json={"conversation_id": "web-abc123", "rating": 4, "comment": ""})
    sign_in(page, bridge)
    page.get_by_role("button", name=re.compile("Từ đồng nghĩa")).click()
    page.fill("#alias-canonical", "giấy phép nuôi rồng")
    page.fill("#alias-aliases", "nuôi rồng\ndragon licence")
    page.fill("#alias-fields", "Nông nghiệp")
    page.get_by_role("button", name=re.compile("Lưu từ đồng nghĩa")).click()
    expect(page.locator("#alias-list")).to_contain_text("nuôi rồng, dragon licence")
    stored = api_get(bridge, "/api/staff/aliases").json()["aliases"]
    assert {
        "canonical": "giấy phép nuôi rồng",
        "aliases": ["nuôi rồng", "dragon licence"],
        "fields": ["Nông nghiệp"],
    } in stored
    page.fill("#alias-filter", "dragon")
    page.get_by_role("button", name="Xoá giấy phép nuôi rồng").click()
    expect(page.locator("#notice")).to_contain_text("Đã xoá")
    assert all(a["canonical"] != "giấy phép nuôi rồng" for a in api_get(bridge, "/api/staff/aliases").json()["aliases"])

    page.fill("#alias-filter", "")
    page.fill("#alias-canonical", "khai sinh")
    page.fill("#alias-aliases", "giấy tờ cho bé mới chào đời")
    page.get_by_role("button", name=re.compile("Lưu từ đồng nghĩa")).click()
    expect(page.locator("#alias-status")).to_contain_text("Đã gộp vào mục có sẵn")
    merged = next(a for a in api_get(bridge, "/api/staff/aliases").json()["aliases"] if a["canonical"] == "khai sinh")
    assert len(merged["aliases"]) > 50 and merged["aliases"][-1] == "giấy tờ cho bé mới chào đời"

    page.get_by_role("button", name=re.compile("Nhật ký")).click()
    expect(page.locator("#audit")).to_contain_text("alias.delete")
    expect(page.locator("#audit")).to_contain_text("web editor")
    merge_row = page.locator("#audit tr", has_text="alias.merge").first
    expect(merge_row.locator("table.diff ins")).to_have_text("+ giấy tờ cho bé mới chào đời")
    page.screenshot(path="/tmp/staff_audit.png", full_page=False)
    page.get_by_role("button", name=re.compile("^Báo cáo")).click()
    expect(page.locator("#reports p", has_text="Điểm trung bình").locator(".big-number")).to_have_text("4")

    for question in ("giấy phép nuôi cá sấu", "asdf", "?"):
        httpx.get(bridge.url + "/api/procedures/search", params={"q": question}, timeout=10)
    page.click("#reload-reports")
    row = page.locator("#reports tr", has_text="giay phep nuoi ca sau")
    expect(row).to_have_count(1)
    expect(page.locator("#reports")).not_to_contain_text("asdf")
    page.screenshot(path="/tmp/staff_reports.png", full_page=True)
    row.get_by_role("button", name=re.compile("Thêm làm từ đồng nghĩa")).click()
    expect(page.locator("#alias-aliases")).to_have_value("giay phep nuoi ca sau")
    expect(page.locator("#alias-canonical")).to_be_focused()


def test_a_province_token_picks_the_ward_of_its_reports_and_a_ward_token_sees_only_its_own(page, bridge):
    feedback = {"conversation_id": "web-ward-b", "rating": 2, "comment": "", "ward": WARD_B}
    assert httpx.post(bridge.url + "/api/feedback", json=feedback, timeout=10).status_code == 201
    sign_in(page, bridge)
    expect(page.locator("#ward-scope")).to_be_visible()
    expect(page.locator("#ward-picker option")).to_have_text(
        ["Tất cả phường/xã / All wards", re.compile(r"\(cua-nam\)$"), "Xã Đông Anh (dong-anh)"]
    )
    page.get_by_role("button", name=re.compile("^Báo cáo")).click()
    with page.expect_request(lambda r: "/api/staff/reports?ward=dong-anh" in r.url):
        page.select_option("#ward-picker", WARD_B)
    expect(page.locator("#reports p", has_text="Điểm trung bình").locator(".big-number")).to_have_text("2")
    with page.expect_request(lambda r: "/api/staff/audit?limit=50&ward=dong-anh" in r.url):
        page.get_by_role("button", name=re.compile("Nhật ký")).click()

    page.get_by_role("button", name=re.compile("Đăng xuất")).click()
    sign_in(page, bridge, token=bridge.tokens["ward_b"])
    expect(page.locator("#signed-in-as")).to_contain_text("Xã Đông Anh")
    expect(page.locator("#ward-scope")).to_be_hidden()
    page.get_by_role("button", name=re.compile("^Báo cáo")).click()
    expect(page.locator("#reports p", has_text="Điểm trung bình").locator(".big-number")).to_have_text("2")
