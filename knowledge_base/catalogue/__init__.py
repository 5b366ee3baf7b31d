"""Procedure catalogue: the normalised record, the committed procedures.jsonl loader, and the importer."""

from knowledge_base.catalogue.importer import import_catalogue, normalise
from knowledge_base.catalogue.record import CatalogueError, Channel, Document, LegalBasis, Procedure
from knowledge_base.catalogue.report import ImportReport
from knowledge_base.catalogue.store import DEFAULT_PATH, load_catalogue, write_catalogue

__all__ = [
    "CatalogueError",
    "Channel",
    "DEFAULT_PATH",
    "Document",
    "ImportReport",
    "LegalBasis",
    "Procedure",
    "import_catalogue",
    "load_catalogue",
    "normalise",
    "write_catalogue",
]
