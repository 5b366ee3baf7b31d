"""Export the e5 sentence-transformers folder to one ONNX graph (encoder + mean pooling + L2 norm).

    .venv/bin/python models/export_onnx_encoder.py --model models/embedding/multilingual-e5-small [--force]

Writes `<model>/onnx/model.onnx` and `<model>/onnx/export.json`. The graph takes `input_ids` and
`attention_mask` (int64, batch x tokens) and returns normalised sentence vectors, so the search process
needs only onnxruntime + tokenizers at run time (about 2.5x less CPU per query than torch here). The
export is checked against sentence-transformers on probe sentences (cosine >= 0.9999) before it is moved
into place; a later run with the same source weights does nothing.

Then `<model>/onnx/model.int8.onnx`: the same graph with int8 weights (onnxruntime dynamic quantisation), used
for queries (half the CPU per query). It is checked against the full-precision graph on the probes
(cosine >= 0.97; ~0.98 here) and redone whenever the full-precision export changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ONNX_DIR = "onnx"
ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
MANIFEST_FILE = "export.json"
EXPORT_VERSION = 1
"""Bump when the graph changes (inputs, pooling), so existing exports are redone."""
MIN_COSINE = 0.9999
INT8_MIN_COSINE = 0.97
"""int8 against full precision: ~0.98 on the probes; fused search accuracy was unchanged (see onnx_encoder)."""
PROBES = [
    "query: làm giấy khai sinh cho con cần gì",
    "query: dang ky tam tru cho nguoi thue nha",
    "query: I need a copy of my birth certificate",
    "passage: Đăng ký kết hôn. Lĩnh vực: Hộ tịch",
]


class ExportError(RuntimeError):
    """The ONNX export failed or does not agree with the source model."""


def source_digest(model_dir: Path) -> str:
    digest = hashlib.sha256()
    with open(model_dir / "model.safetensors", "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_up_to_date(model_dir: Path) -> bool:
    try:
        manifest = json.loads((model_dir / ONNX_DIR / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return False
    return (
        (model_dir / ONNX_DIR / ONNX_FILE).is_file()
        and manifest.get("version") == EXPORT_VERSION
        and (manifest.get("source_sha256") == source_digest(model_dir))
    )


def is_int8_up_to_date(model_dir: Path) -> bool:
    """The int8 graph exists and was made from the current full-precision export."""
    try:
        manifest = json.loads((model_dir / ONNX_DIR / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return False
    int8 = manifest.get("int8") or {}
    return (
        (model_dir / ONNX_DIR / INT8_FILE).is_file()
        and bool(manifest.get("source_sha256"))
        and (int8.get("source_sha256") == manifest.get("source_sha256"))
    )


def quantize_int8(model_dir: Path) -> dict:
    """Writes the int8 query graph next to the full-precision one, after checking it agrees on the probes."""
    import numpy as np
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from knowledge_base.search.onnx_encoder import OnnxE5Encoder

    started = time.perf_counter()
    target = model_dir / ONNX_DIR
    with tempfile.TemporaryDirectory(dir=target) as tmp:
        staged = Path(tmp) / INT8_FILE
        quantize_dynamic(str(target / ONNX_FILE), str(staged), weight_type=QuantType.QInt8)
        full = OnnxE5Encoder(model_dir).encode_texts(PROBES)
        int8 = OnnxE5Encoder(model_dir, onnx_file=staged).encode_texts(PROBES)
        cosine = float(np.min(np.sum(full * int8, axis=1)))
        if cosine < INT8_MIN_COSINE:
            raise ExportError(f"int8 vectors disagree with full precision (min cosine {cosine:.4f})")
        os.replace(staged, target / INT8_FILE)
    manifest_path = target / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["int8"] = {
        "source_sha256": manifest["source_sha256"],
        "min_cosine": round(cosine, 4),
        "seconds": round(time.perf_counter() - started, 1),
    }
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest["int8"]


def _pooled_module(model_dir: Path):
    import torch
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(str(model_dir)).eval()

    class MeanPooledE5(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    return MeanPooledE5()


def _check(model_dir: Path, onnx_path: Path) -> float:
    """Smallest cosine between the ONNX vectors and sentence-transformers' on the probe sentences."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from knowledge_base.search.onnx_encoder import OnnxE5Encoder

    reference = SentenceTransformer(str(model_dir), device="cpu").encode(PROBES, normalize_embeddings=True)
    exported = OnnxE5Encoder(model_dir, onnx_file=onnx_path).encode_texts(PROBES)
    return float(np.min(np.sum(reference * exported, axis=1)))


def export_onnx(model_dir: Path, *, force: bool = False) -> dict:
    """Exports (unless up to date) and returns what happened."""
    import torch

    model_dir = Path(model_dir)
    if not (model_dir / "model.safetensors").is_file():
        raise ExportError(f"{model_dir} has no model.safetensors — build the embedding model first")
    if not force and is_up_to_date(model_dir):
        done = {"exported": False, "path": str(model_dir / ONNX_DIR / ONNX_FILE)}
        return done if is_int8_up_to_date(model_dir) else {**done, "int8": quantize_int8(model_dir)}
    started = time.perf_counter()
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    sample = tokenizer.encode_batch(PROBES[:2])
    width = max(len(e.ids) for e in sample)
    ids = torch.tensor([e.ids + [1] * (width - len(e.ids)) for e in sample], dtype=torch.long)
    mask = torch.tensor([[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in sample], dtype=torch.long)
    target = model_dir / ONNX_DIR
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target) as tmp:
        staged = Path(tmp) / ONNX_FILE
        with torch.no_grad():
            torch.onnx.export(
                _pooled_module(model_dir),
                (ids, mask),
                str(staged),
                input_names=["input_ids", "attention_mask"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,
            )
        cosine = _check(model_dir, staged)
        if cosine < MIN_COSINE:
            raise ExportError(f"ONNX vectors disagree with sentence-transformers (min cosine {cosine:.5f})")
        os.replace(staged, target / ONNX_FILE)
    manifest = {
        "version": EXPORT_VERSION,
        "source_sha256": source_digest(model_dir),
        "min_cosine": round(cosine, 6),
        "torch": torch.__version__,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1))
    return {"exported": True, "path": str(target / ONNX_FILE), **manifest, "int8": quantize_int8(model_dir)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/embedding/multilingual-e5-small"))
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        print(json.dumps(export_onnx(args.model, force=args.force)))
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
