"""Staff page in real headless Chromium against a stand-in staff API that validates with the real Procedure."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.bridge.web.pages import router as pages_router
from knowledge_base.catalogue import Procedure
from knowledge_base.text import fold
from tests.bridge.web_support import SCREENSHOT_DIR, chromium, serve

expect = pytest.importorskip("playwright.sync_api").expect

TOKEN = "editor-token-0123456789"
CATALOGUE = Path(__file__).resolve().parents[2] / "knowledge_base" / "data" / "procedures.jsonl"


def load_birth_registration() -> dict:
    with CATALOGUE.open(encoding="utf-8") as lines:
        for line in lines:
            if '"code":"1.001193"' in line.replace(" ", ""):
                return json.loads(line)
    raise AssertionError("1.001193 missing from the committed catalogue")


class StaffApiStandIn:
    """Just enough of the bridge-core staff API (per the issue's contract) to drive the page; records writes."""

    def __init__(self) -> None:
        self.procedures = {"1.001193": load_birth_registration()}
        self.aliases = [{"canonical": "đăng ký khai sinh", "aliases": ["làm giấy khai sinh"], "fields": ["Hộ tịch"]}]
        self.writes: list[tuple[str, str, object]] = []
        self.auth_headers: list[str] = []

    def app(self) -> FastAPI:
        app = FastAPI()
        app.include_router(pages_router)

        def envelope(status: int, error: str, message: str) -> JSONResponse:
            return JSONResponse({"error": error, "message": message}, status_code=status)

        @app.middleware("http")
        async def require_token(request: Request, call_next):
            if request.url.path.startswith("/api/staff"):
                self.auth_headers.append(request.headers.get("authorization", ""))
                if request.headers.get("authorization") != f"Bearer {TOKEN}":
                    return envelope(401, "unauthorized", "Cần mã truy cập của cán bộ. / A staff token is required.")
            return await call_next(request)

        @app.get("/api/procedures/search")
        def search(q: str, k: int = 3, all_levels: bool = False):
            hits = [{"code": p["code"], "name": p["name"], "field": p["field"], "score": 0.9}
                    for p in self.procedures.values() if fold(q) in fold(p["name"]) or q == p["code"]]
            return {"query": q, "confidence": "confident" if hits else "no_match", "results": hits[:k]}

        @app.get("/api/procedures/{code}")
        def get_procedure(code: str):
            if code not in self.procedures:
                return envelope(404, "unknown_procedure", "Không có thủ tục này. / Unknown procedure.")
            return self.procedures[code]

        @app.post("/api/staff/procedures")
        async def upsert(request: Request):
            data = await request.json()
            try:
                procedure = Procedure.from_dict(data)
            except ValueError as exc:
                return envelope(422, "invalid_procedure", f"Thủ tục không hợp lệ: {exc}")
            self.writes.append(("POST", "procedure", data))
            created = procedure.code not in self.procedures
            self.procedures[procedure.code] = procedure.to_dict()
            return JSONResponse(procedure.to_dict(), status_code=201 if created else 200)

        @app.delete("/api/staff/procedures/{code}")
        def delete(code: str):
            self.writes.append(("DELETE", "procedure", code))
            self.procedures.pop(code, None)
            return {"deleted": code}

        @app.get("/api/staff/aliases")
        def aliases():
            return {"aliases": self.aliases}

        @app.post("/api/staff/aliases")
        async def upsert_alias(request: Request):
            entry = await request.json()
            self.writes.append(("POST", "alias", entry))
            self.aliases = [a for a in self.aliases if a["canonical"] != entry["canonical"]] + [entry]
            return entry

        @app.get("/api/staff/reports")
        def reports():
            return {"most_asked": [{"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "count": 12}],
                    "unanswered": [{"query": "xin giấy phép nuôi rồng", "count": 2}], "average_rating": 4.5}

        @app.get("/api/staff/audit")
        def audit(limit: int = 100):
            return {"entries": [{"id": 1, "at": "2026-11-21T07:00:00+00:00", "actor": "token:1 (editor)",
                                 "action": "procedure.update", "target": "1.001193", "before": {"a": 1},
                                 "after": {"a": "<b>2</b>"}}]}

        return app


@pytest.fixture(scope="module")
def api():
    return StaffApiStandIn()


@pytest.fixture(scope="module")
def base_url(api):
    with serve(api.app()) as url:
        yield url


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


def sign_in(page, base_url, token=TOKEN):
    page.goto(base_url + "/staff")
    page.fill("#token", token)
    page.press("#token", "Enter")


def test_wrong_token_shows_the_api_message(page, base_url):
    sign_in(page, base_url, "wrong-token")
    expect(page.locator("#notice")).to_contain_text("A staff token is required")
    expect(page.locator("#app")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('lts.staff.token')") is None


def test_login_search_edit_save(page, base_url, api):
    sign_in(page, base_url)
    expect(page.locator("#app")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('lts.staff.token')") == TOKEN
    assert api.auth_headers[-1] == f"Bearer {TOKEN}"
    expect(page.locator("#reports")).to_contain_text("Thủ tục được hỏi nhiều nhất")
    page.fill("#search-q", "khai sinh")
    page.press("#search-q", "Enter")
    page.get_by_role("button", name=re.compile("1.001193")).click()
    expect(page.locator("#proc-name")).to_have_value("Thủ tục đăng ký khai sinh")
    expect(page.locator("#proc-code")).to_have_js_property("readOnly", True)
    original = api.procedures["1.001193"]
    page.fill("#proc-name", "Thủ tục đăng ký khai sinh (sửa thử)")
    page.get_by_role("button", name=re.compile("Thêm giấy tờ")).click()
    last_doc = page.locator("fieldset.document").last
    last_doc.get_by_label("Tên giấy tờ").fill("Giấy chứng sinh")
    page.locator("fieldset.channel").first.locator('[data-key="fee_amount_vnd"]').fill("0")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT_DIR / "staff_page.png"))
    page.click("#save-procedure")
    expect(page.locator("#notice")).to_contain_text("Đã lưu thủ tục 1.001193")
    method, kind, saved = api.writes[-1]
    assert (method, kind) == ("POST", "procedure")
    assert saved["name"] == "Thủ tục đăng ký khai sinh (sửa thử)"
    assert saved["documents"][-1]["name"] == "Giấy chứng sinh"
    assert saved["documents"][:-1] == original["documents"]
    assert saved["channels"][0]["fee_amount_vnd"] == 0
    assert saved["steps"] == original["steps"]  # multi-line steps survive the form round trip
    assert saved["legal_basis"] == original["legal_basis"]  # fields the form does not show are kept


def test_json_mode_and_api_validation_error(page, base_url, api):
    sign_in(page, base_url)
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
    writes = len(api.writes)
    page.click("#save-procedure")
    expect(page.locator("#notice")).to_contain_text("Chưa lưu được: Thủ tục không hợp lệ")
    expect(page.locator("#notice")).to_contain_text("unexpected")
    assert len(api.writes) == writes
    del record["unexpected"]
    text.fill(json.dumps(record, ensure_ascii=False))
    page.click("#save-procedure")
    expect(page.locator("#notice")).to_contain_text("Đã lưu thủ tục 9.999999")
    assert api.procedures["9.999999"]["name"] == "Thủ tục thử nghiệm cấp giấy phép nuôi rồng"
    page.click("#delete-procedure")
    expect(page.locator("#notice")).to_contain_text("Đã xoá thủ tục 9.999999")
    assert api.writes[-1] == ("DELETE", "procedure", "9.999999")


def test_aliases_reports_and_audit(page, base_url, api):
    sign_in(page, base_url)
    page.get_by_role("button", name=re.compile("Từ đồng nghĩa")).click()
    expect(page.locator("#alias-list")).to_contain_text("làm giấy khai sinh")
    page.fill("#alias-canonical", "giấy chứng nhận quyền sử dụng đất")
    page.fill("#alias-aliases", "sổ đỏ\nland title")
    page.fill("#alias-fields", "Đất đai")
    page.get_by_role("button", name=re.compile("Lưu từ đồng nghĩa")).click()
    expect(page.locator("#alias-list")).to_contain_text("sổ đỏ, land title")
    assert api.writes[-1] == ("POST", "alias", {"canonical": "giấy chứng nhận quyền sử dụng đất",
                                               "aliases": ["sổ đỏ", "land title"], "fields": ["Đất đai"], "note": ""})
    page.get_by_role("button", name=re.compile("Nhật ký")).click()
    expect(page.locator("#audit")).to_contain_text("procedure.update")
    assert page.locator("#audit b").count() == 0  # before/after shown as text
    page.get_by_role("button", name=re.compile("^Báo cáo")).click()
    expect(page.locator("#reports")).to_contain_text("xin giấy phép nuôi rồng")
    expect(page.locator("#reports")).to_contain_text("4.5")
