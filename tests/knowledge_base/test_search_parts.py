"""The search building blocks on their own: vector indexes, lexical scorer, typo repair, text folding."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.search.lexical import Bm25Scorer, terms
from knowledge_base.search.typos import TypoCorrector
from knowledge_base.search.vector_index import FaissFlatIndex, NumpyFlatIndex
from knowledge_base.text import clean, fold, has_diacritics, tokens


def _unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize("make", [NumpyFlatIndex, FaissFlatIndex])
def test_vector_index_add_search_remove_save_load(tmp_path, make):
    rows = _unit_rows(50, 16)
    index = make(16)
    index.add(list(range(100, 150)), rows)
    best = index.search(rows[7], 3)
    assert best[0][0] == 107 and best[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in best] == sorted((s for _, s in best), reverse=True)
    index.remove([107])
    assert 107 not in [i for i, _ in index.search(rows[7], 50)] and len(index) == 49
    index.add([120], rows[0:1])  # re-adding an id replaces it
    assert len(index) == 49 and index.search(rows[0], 1)[0][1] == pytest.approx(1.0, abs=1e-5)
    index.save(tmp_path)
    again = make.load(tmp_path)
    before, after = index.search(rows[3], 5), again.search(rows[3], 5)
    assert [i for i, _ in after] == [i for i, _ in before]
    assert [s for _, s in after] == pytest.approx([s for _, s in before])


def test_faiss_and_numpy_indexes_agree():
    rows, queries = _unit_rows(200, 32, 1), _unit_rows(5, 32, 2)
    a, b = NumpyFlatIndex(32), FaissFlatIndex(32)
    a.add(range(200), rows)
    b.add(range(200), rows)
    for q in queries:
        assert [i for i, _ in a.search(q, 10)] == [i for i, _ in b.search(q, 10)]


def test_vector_index_rejects_wrong_dimension():
    with pytest.raises(ValueError, match="dimension 8"):
        NumpyFlatIndex(8).add([1], np.ones((1, 4)))


def test_text_folding_and_cleaning():
    assert fold("Đăng ký KHAI SINH") == "dang ky khai sinh"
    assert tokens("Mẫu CT07 – mã 1.001193") == ["mau", "ct07", "ma", "1.001193"]
    assert clean("a\ud800b\u0000  c") == "ab c"
    assert has_diacritics("sổ đỏ") and not has_diacritics("so do")
    assert len(clean("khai sinh " * 500, max_chars=100)) <= 100


def test_typo_corrector_repairs_telex_and_single_edits():
    fix = TypoCorrector({"dang": 50, "ky": 60, "sinh": 20, "song": 2, "tam": 10, "tru": 9})
    assert fix.correct("kys") == "ky"  # telex tone letter left behind
    assert fix.correct("tamj") == "tam"
    assert fix.correct("sonh") == "sinh"  # one substitution; the more frequent word wins
    assert fix.correct("dnag") == "dang"  # transposition
    assert fix.correct("xyzzy") is None
    assert fix.correct("ab") is None  # too short to guess


def test_bm25_prefers_full_coverage_and_shorter_names():
    scorer = Bm25Scorer()
    scorer.set_documents(
        {
            "a": {"name": "Đăng ký khai sinh", "field": "Hộ tịch"},
            "b": {"name": "Đăng ký khai sinh có yếu tố nước ngoài", "field": "Hộ tịch"},
            "c": {"name": "Đăng ký khai tử", "field": "Hộ tịch"},
        }
    )
    scores = scorer.score("dang ky khai sinh")
    assert scores["a"] > scores["b"] > scores["c"]
    assert 0.9 < scores["a"] < 1.5
    scorer.remove_document("a")
    assert "a" not in scorer.score("khai sinh") and len(scorer) == 2


def test_terms_include_bigrams():
    assert terms("khai sinh con") == ["khai", "sinh", "con", "khai_sinh", "sinh_con"]


def test_english_inflections_are_folded_and_vietnamese_words_never_change():
    from knowledge_base.search.lexical import english_stem, terms

    assert [english_stem(w) for w in ("certifying", "certified", "certifies", "contracts", "registering")] == [
        "certify",
        "certify",
        "certify",
        "contract",
        "register",
    ]
    assert [english_stem(w) for w in ("business", "status", "process", "cccd", "vneid")] == [
        "business",
        "status",
        "process",
        "cccd",
        "vneid",
    ]
    vietnamese = "đăng ký thường trú khai sinh chứng thực bản sao giấy chứng nhận quyền sử dụng đất"
    from knowledge_base.text import tokens

    assert [t for t in terms(vietnamese) if "_" not in t] == tokens(vietnamese)


@pytest.fixture(scope="module")
def knowledge_catalogue_docs() -> dict:
    """Lexical zones of every ward-level procedure of the committed catalogue (as search indexes them)."""
    from knowledge_base.catalogue import load_catalogue
    from knowledge_base.search.documents import search_document
    from knowledge_base.settings import SearchSettings

    catalogue = load_catalogue(SearchSettings(_env_file=None).catalogue_path)
    return {code: search_document(p).zones for code, p in catalogue.items() if p.ward_level}


def test_bm25_staff_edits_refreshed_incrementally_rank_as_a_full_rebuild_does(knowledge_catalogue_docs):
    """A few documents changed at a time refresh only what they touch; against a scorer rebuilt from the same final
    documents, every query ranks the same top 5 and scores differ by well under the fusion's resolution."""
    import copy

    docs = knowledge_catalogue_docs
    live = Bm25Scorer()
    live.set_documents(docs)
    final = copy.deepcopy(docs)
    first, second, third = sorted(docs)[:3]
    edits = [
        ("set", first, dict(docs[first], name="Đăng ký khai sinh cho trẻ em bị bỏ rơi tại phường")),
        ("set", "9.999001", {"name": "Cấp phép nuôi chim yến trong nhà phố", "field": "Nông nghiệp"}),
        ("remove", second, None),
        ("set", third, dict(docs[third], name="Chứng thực chữ ký người dịch")),
    ]
    for action, key, zones in edits:
        if action == "set":
            live.set_document(key, zones)
            final[key] = zones
        else:
            live.remove_document(key)
            del final[key]
    rebuilt = Bm25Scorer()
    rebuilt.set_documents(final)
    assert 0 < live._since_full <= 4  # the edits above took the incremental path
    assert second not in live.score(docs[second]["name"])  # the removed document's entries are gone
    for query in (
        "khai sinh trẻ bị bỏ rơi",
        "nuôi chim yến",
        "chứng thực chữ ký",
        "đăng ký kết hôn",
        "xin giấy xác nhận tình trạng hôn nhân",
        "dang ky tam tru",
        "chung thuc ban sao",
        docs[first]["name"],
        docs[second]["name"],
        docs[third]["name"],
    ):
        got, want = live.score(query), rebuilt.score(query)
        assert sorted(got, key=lambda k: (-got[k], k))[:5] == sorted(want, key=lambda k: (-want[k], k))[:5], query
        assert max(abs(got[k] - want.get(k, 0.0)) for k in got) < 2e-3, query
