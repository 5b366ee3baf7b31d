"""The ONNX export of the e5 folder (built at set-up) gives sentence-transformers' vectors, batched or not."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from knowledge_base.search.onnx_encoder import OnnxE5Encoder
from knowledge_base.settings import SearchSettings
from models import export_onnx_encoder as export

pytestmark = pytest.mark.models

MODEL_DIR = __import__("pathlib").Path(SearchSettings().embedding_model)
SENTENCES = [
    "làm giấy khai sinh cho con cần gì",
    "dang ky tam tru cho nguoi thue nha",
    "I need a copy of my birth certificate",
    "Bà tôi mất rồi thì khai tử thế nào, cần mang những giấy tờ gì và nộp ở đâu, có mất tiền không?",
    "sổ đỏ",
]


@pytest.fixture(scope="module")
def encoders():
    from knowledge_base.search.encoder import SentenceTransformerEncoder

    return OnnxE5Encoder(MODEL_DIR, threads=2), SentenceTransformerEncoder(MODEL_DIR, threads=2)


def test_export_is_recorded_as_up_to_date():
    assert export.is_up_to_date(MODEL_DIR)
    manifest = json.loads((MODEL_DIR / export.ONNX_DIR / export.MANIFEST_FILE).read_text())
    assert manifest["min_cosine"] >= export.MIN_COSINE


@pytest.mark.parametrize("kind", ["queries", "passages"])
def test_onnx_vectors_match_sentence_transformers(encoders, kind):
    onnx, torch_encoder = encoders
    a = getattr(onnx, f"encode_{kind}")(SENTENCES)
    b = getattr(torch_encoder, f"encode_{kind}")(SENTENCES)
    assert a.shape == b.shape == (len(SENTENCES), 384)
    assert np.min(np.sum(a * b, axis=1)) >= 0.9999
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)


def test_batching_and_padding_do_not_change_vectors(encoders):
    onnx, _ = encoders
    together = onnx.encode_queries(SENTENCES)
    alone = np.vstack([onnx.encode_queries([s]) for s in SENTENCES])
    assert np.min(np.sum(together * alone, axis=1)) >= 0.99999
    assert onnx.encode_queries([]).shape == (0, 384)


def test_a_stale_or_missing_export_is_detected(tmp_path):
    copy = tmp_path / "e5"
    copy.mkdir()
    for name in ("model.safetensors", "tokenizer.json"):
        (copy / name).symlink_to(MODEL_DIR / name)
    assert not export.is_up_to_date(copy)
    with pytest.raises(FileNotFoundError, match="make setup"):
        OnnxE5Encoder(copy)
    shutil.copytree(MODEL_DIR / export.ONNX_DIR, copy / export.ONNX_DIR, symlinks=True)
    assert export.is_up_to_date(copy)
    manifest = copy / export.ONNX_DIR / export.MANIFEST_FILE
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "version": 0}))
    assert not export.is_up_to_date(copy)


def test_export_without_weights_is_a_clear_error(tmp_path):
    with pytest.raises(export.ExportError, match="no model.safetensors"):
        export.export_onnx(tmp_path)


def test_queries_are_cut_at_64_tokens_passages_are_not(encoders):
    onnx, _ = encoders
    words = "đăng ký khai sinh cho con " * 30  # ~150 tokens
    cut = onnx.encode_queries([words])[0]
    head = onnx._query_tokenizer.decode(onnx._query_tokenizer.encode("query: " + words).ids, skip_special_tokens=True)
    assert len(onnx._query_tokenizer.encode("query: " + words).ids) == 64
    assert float(cut @ onnx.encode_texts([head])[0]) >= 0.999
    assert len(onnx._tokenizer.encode("passage: " + words).ids) > 64


def test_the_int8_query_graph_is_built_from_the_current_export():
    assert export.is_int8_up_to_date(MODEL_DIR)
    manifest = json.loads((MODEL_DIR / export.ONNX_DIR / export.MANIFEST_FILE).read_text())
    assert manifest["int8"]["min_cosine"] >= export.INT8_MIN_COSINE
    assert (MODEL_DIR / export.ONNX_DIR / export.INT8_FILE).stat().st_size < (
        MODEL_DIR / export.ONNX_DIR / export.ONNX_FILE
    ).stat().st_size / 3


def test_a_stale_int8_graph_is_detected(tmp_path):
    copy = tmp_path / "e5"
    copy.mkdir()
    shutil.copytree(MODEL_DIR / export.ONNX_DIR, copy / export.ONNX_DIR, symlinks=True)
    assert export.is_int8_up_to_date(copy)
    manifest_path = copy / export.ONNX_DIR / export.MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "int8": {**manifest["int8"], "source_sha256": "older"}}))
    assert not export.is_int8_up_to_date(copy)


def test_int8_queries_stay_close_and_passages_stay_full_precision(encoders):
    onnx, _ = encoders
    int8 = OnnxE5Encoder(MODEL_DIR, threads=2, query_onnx_file=MODEL_DIR / export.ONNX_DIR / export.INT8_FILE)
    assert int8.loaded_graphs == [export.INT8_FILE]  # the 470 MB graph is not loaded for queries
    cosines = np.sum(int8.encode_queries(SENTENCES) * onnx.encode_queries(SENTENCES), axis=1)
    assert np.min(cosines) >= export.INT8_MIN_COSINE
    assert np.max(cosines) < 0.99999  # it really is another graph
    assert np.allclose(int8.encode_passages(SENTENCES), onnx.encode_passages(SENTENCES), atol=1e-6)
    assert int8.loaded_graphs == [export.INT8_FILE, export.ONNX_FILE]


def test_query_precision_setting_picks_the_graph(tmp_path, caplog):
    from knowledge_base.search.build import query_graph

    assert query_graph(SearchSettings(query_precision="int8")) == MODEL_DIR / export.ONNX_DIR / export.INT8_FILE
    assert query_graph(SearchSettings(query_precision="fp32")) is None
    with pytest.raises(ValueError, match="int8 or fp32"):
        query_graph(SearchSettings(query_precision="int4"))
    assert query_graph(SearchSettings(query_precision="int8", embedding_model=str(tmp_path))) is None
    assert "no int8 query encoder" in caplog.text
