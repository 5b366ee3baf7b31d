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
    scorer.set_documents({
        "a": {"name": "Đăng ký khai sinh", "field": "Hộ tịch"},
        "b": {"name": "Đăng ký khai sinh có yếu tố nước ngoài", "field": "Hộ tịch"},
        "c": {"name": "Đăng ký khai tử", "field": "Hộ tịch"},
    })
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
        "certify", "certify", "certify", "contract", "register"]
    assert [english_stem(w) for w in ("business", "status", "process", "cccd", "vneid")] == [
        "business", "status", "process", "cccd", "vneid"]
    vietnamese = "đăng ký thường trú khai sinh chứng thực bản sao giấy chứng nhận quyền sử dụng đất"
    from knowledge_base.text import tokens

    assert [t for t in terms(vietnamese) if "_" not in t] == tokens(vietnamese)
