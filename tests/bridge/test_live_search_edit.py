"""Staff edits reach the real fused ProcedureSearch (BM25 + vector index + aliases) without a restart.

Only the e5 encoder is replaced, by the search area's own bag-of-words fake; index, lexical scorer,
alias table and fusion are the real ones, loaded with the ward-level catalogue.
"""

from __future__ import annotations

import copy

import pytest

from knowledge_base.aliases import AliasTable
from knowledge_base.search.engine import ProcedureSearch
from knowledge_base.search.lexical import Bm25Scorer
from knowledge_base.search.vector_index import NumpyFlatIndex
from tests.knowledge_base.fakes import RecordingEncoder

pytestmark = pytest.mark.slow  # builds the real fused search (BM25, vector index, aliases) for each test

NEW_CODE, NEW_NAME = "9.999999", "Cấp giấy phép nuôi chim hải âu trên mái nhà"


@pytest.fixture
def real_search(knowledge_defaults):
    encoder = RecordingEncoder()
    search = ProcedureSearch(
        encoder=encoder,
        index=NumpyFlatIndex(encoder.dim),
        lexical=Bm25Scorer(),
        aliases=AliasTable(knowledge_defaults.get("base_aliases", [])),
    )
    search.load([p for p in knowledge_defaults["catalogue"].values() if p.ward_level])
    return search


def top_code(client, query):
    results = client.get("/api/procedures/search", params={"q": query}).json()["results"]
    return results[0]["code"] if results else None


def test_new_procedure_is_top1_on_return_and_gone_after_delete(
    make_client, real_search, staff_headers, knowledge_defaults
):
    client = make_client(searcher_override=real_search)
    record = copy.deepcopy(knowledge_defaults["catalogue"]["1.001193"].to_dict())
    record.update(code=NEW_CODE, name=NEW_NAME)
    assert top_code(client, NEW_NAME) != NEW_CODE
    assert client.post("/api/staff/procedures", json=record, headers=staff_headers["editor"]).status_code == 201
    assert top_code(client, NEW_NAME) == NEW_CODE
    assert client.delete(f"/api/staff/procedures/{NEW_CODE}", headers=staff_headers["editor"]).status_code == 200
    assert top_code(client, NEW_NAME) != NEW_CODE


def test_new_alias_is_used_by_search_on_return(make_client, real_search, staff_headers):
    client = make_client(searcher_override=real_search)
    slang = "giấy chào đời xyzq"
    before = client.get("/api/procedures/search", params={"q": slang}).json()
    entry = {"canonical": "khai sinh", "aliases": [slang]}
    existing = [e for e in real_search.aliases.entries if e.canonical == "khai sinh"]
    if existing:
        entry = dict(existing[0].to_dict(), aliases=[*existing[0].aliases, slang])
    assert client.post("/api/staff/aliases", json=entry, headers=staff_headers["editor"]).status_code in (200, 201)
    after = client.get("/api/procedures/search", params={"q": slang}).json()
    assert not before["results"] or "khai sinh" not in before["results"][0]["name"].lower()
    assert after["results"] and "khai sinh" in after["results"][0]["name"].lower()


def test_overlay_applied_to_a_freshly_built_search_after_restart(make_client, knowledge_defaults, staff_headers):
    def fresh():
        encoder = RecordingEncoder()
        search = ProcedureSearch(
            encoder=encoder,
            index=NumpyFlatIndex(encoder.dim),
            lexical=Bm25Scorer(),
            aliases=AliasTable(knowledge_defaults.get("base_aliases", [])),
        )
        search.load([p for p in knowledge_defaults["catalogue"].values() if p.ward_level])
        return search

    first = make_client(searcher_override=fresh())
    record = copy.deepcopy(knowledge_defaults["catalogue"]["1.001193"].to_dict())
    record.update(code=NEW_CODE, name=NEW_NAME)
    first.post("/api/staff/procedures", json=record, headers=staff_headers["editor"])
    second = make_client(searcher_override=fresh())
    assert top_code(second, NEW_NAME) == NEW_CODE
