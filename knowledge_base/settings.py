"""Settings of the knowledge base and search (env prefix KB_)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


class SearchSettings(BaseSettings):
    """Where the catalogue, aliases, embedding model and index live; all paths local by default."""

    model_config = SettingsConfigDict(env_prefix="KB_", env_file=".env", extra="ignore", use_attribute_docstrings=True)

    catalogue_path: Path = PACKAGE_DIR / "data" / "procedures.jsonl"
    """The procedure catalogue (JSON lines, one procedure record a line)."""
    aliases_path: Path = PACKAGE_DIR / "data" / "aliases.yaml"
    """Staff-editable synonyms: the words citizens use for a procedure or field."""
    common_procedures_path: Path = PACKAGE_DIR / "data" / "common_procedures.yaml"
    """Procedures citizens ask for most at a ward: near-ties in search lean towards them."""
    citizen_questions_dir: Path = PACKAGE_DIR / "data" / "citizen_questions"
    """Staff-readable files of how citizens ask for each procedure (knowledge_base.citizen_questions)."""
    non_ward_path: Path = PACKAGE_DIR / "data" / "non_ward_procedures.yaml"
    """Non-ward procedures citizens ask about: English names, phrasings, everyday body (knowledge_base.non_ward)."""
    answer_cards_dir: Path = PACKAGE_DIR / "data" / "answer_cards"
    """Citizen answer cards (knowledge_base.cards), checked with `python -m knowledge_base cards check`."""
    embedding_model: str = str(REPO_DIR / "models" / "embedding" / "multilingual-e5-small")
    """A local sentence-transformers folder (built at set-up), or a hub model name where a hub is reachable."""
    allow_model_hub: bool = False
    """Let the encoder download embedding_model from a model hub (off: local folders only)."""
    encoder_backend: str = "onnx"
    """onnx (default: the folder's onnx/model.onnx via onnxruntime, ~2.5x cheaper per query) or torch
    (sentence-transformers; needed for a hub model name)."""
    query_precision: str = "int8"
    """int8 (default: queries through the folder's onnx/model.int8.onnx, half the CPU per query, same fused
    accuracy) or fp32. Passages and the index are always full precision. onnx backend only."""
    index_dir: Path = REPO_DIR / "models" / "index"
    """Saved procedure vectors and their manifest (`python -m knowledge_base build`)."""
    torch_threads: int = 2
    """CPU threads of the query encoder (onnxruntime or torch) per search process."""
    vector_backend: str = "faiss"
    """faiss (default) or numpy (no faiss installed)."""
