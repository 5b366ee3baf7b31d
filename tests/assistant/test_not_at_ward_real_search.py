"""The real fused search over the committed catalogue finds these questions handled beyond the ward, and the guide
says so.

Needs the embedding model and index built by the set-up (`make setup`); skipped without them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from assistant.actions.guide import Guide
from assistant.actions.replies import Replies
from knowledge_base.catalogue import load_catalogue
from knowledge_base.settings import SearchSettings
from knowledge_base.text import fold
from knowledge_base.turn import search_turn
from tests.assistant.replies_text import NOT_AT_WARD, NOT_AT_WARD_REMINDER, says_any

SETTINGS = SearchSettings()
pytestmark = [
    pytest.mark.models,
    pytest.mark.skipif(
        not (Path(SETTINGS.embedding_model).is_dir() and (Path(SETTINGS.index_dir) / "manifest.json").is_file()),
        reason="embedding model / search index not built (make setup)",
    ),
]


class SearchBackedBridge:
    """The bridge's search and procedure endpoints in-process: real ProcedureSearch, real catalogue."""

    def __init__(self, search, catalogue) -> None:
        self.search_engine, self.catalogue = search, catalogue
        self.searches = 0

    async def search(self, query: str, k: int = 3) -> dict[str, Any]:
        self.searches += 1
        return self.search_engine.search(query, k).to_json()

    async def turn(
        self,
        text: str,
        *,
        current: str | None = None,
        options: list[str] | None = None,
        recent: list[str] | None = None,
        language: str = "vi",
        matter: str | None = None,
    ) -> dict[str, Any]:
        self.searches += 1
        return search_turn(
            self.search_engine, text, current, language, options=options or (), recent=recent or (), matter=matter
        ).to_json()

    async def get_procedure(self, code: str) -> dict[str, Any] | None:
        procedure = self.catalogue.get(code)
        return procedure.to_dict() if procedure else None

    async def route_desk(self, code: str) -> dict[str, Any] | None:
        raise AssertionError("a procedure not handled at the ward must not be routed to a ward desk")


@pytest.fixture(scope="module")
def engine():
    from knowledge_base.search.build import build_search

    return build_search(SETTINGS), load_catalogue(SETTINGS.catalogue_path)


@pytest.mark.parametrize(
    ("question", "topic_words"),
    [("cấp phiếu lý lịch tư pháp", "ly lich tu phap"), ("cấp đổi giấy phép lái xe", "giay phep lai xe")],
)
def test_question_about_a_non_ward_procedure_is_told_where_it_is_handled(engine, question, topic_words):
    search, catalogue = engine
    elsewhere = search.search(question, 3).elsewhere  # one ward-level search carries it
    assert elsewhere is not None and not catalogue[elsewhere.code].ward_level and topic_words in fold(elsewhere.name)

    bridge = SearchBackedBridge(search, catalogue)
    guide = Guide(bridge=bridge, replies=Replies.load())
    reply = asyncio.run(
        guide.answer(text=question, intent="ask_where", topic="where", current_code=None, language="vi")
    )
    assert bridge.searches == 1  # one turn decision
    assert f"(mã {elsewhere.code})" in reply.text and says_any(reply.text, NOT_AT_WARD)
    record = catalogue[elsewhere.code]
    assert (record.performing_body or record.competent_body).split(",")[0] in reply.text
    # kept as the current procedure (follow-ups are about it) with an officer offered, never a ward desk
    assert reply.slots["procedure_code"] == elsewhere.code and reply.slots["pending_offer"] == "human"
    assert reply.payload.kind == "not_at_ward" and reply.payload.procedure.ward_level is False
    follow = asyncio.run(
        guide.answer(text="lệ phí bao nhiêu", intent="ask_fee", topic="fee", current_code=elsewhere.code, language="vi")
    )
    assert f"(mã {elsewhere.code})" in follow.text and says_any(follow.text, NOT_AT_WARD_REMINDER)
    assert follow.payload.kind == "not_at_ward" and follow.slots["procedure_code"] == elsewhere.code


def test_passport_question_is_about_issuing_one_not_the_ward_s_lost_passport_report(engine):
    # At the ward the only passport procedure is reporting a lost one; the search's "elsewhere" is the issuance.
    search, catalogue = engine
    bridge = SearchBackedBridge(search, catalogue)
    guide = Guide(bridge=bridge, replies=Replies.load())
    reply = asyncio.run(
        guide.answer(text="làm hộ chiếu", intent="ask_procedure", topic="overview", current_code=None, language="vi")
    )
    code = reply.text.split("(mã ")[1].split(")")[0]
    assert not catalogue[code].ward_level and "cap ho chieu" in fold(catalogue[code].name)
    assert says_any(reply.text, NOT_AT_WARD) and reply.payload.kind == "not_at_ward"


@pytest.mark.parametrize("question", ["làm giấy khai sinh cho con cần gì", "chứng thực bản sao", "đăng ký tạm trú"])
def test_ward_questions_carry_no_elsewhere(engine, question):
    search, _ = engine
    assert search.search(question, 3).elsewhere is None
