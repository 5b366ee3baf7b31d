"""Search priors: which procedures citizens ask for most (staff-editable file) and who may file them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel

from knowledge_base.data_file import read_yaml, validate

if TYPE_CHECKING:
    from knowledge_base.catalogue import Procedure

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "common_procedures.yaml"
CITIZEN_APPLICANTS = ("Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài", "Người nước ngoài")
CITIZEN_PRIOR = 0.3
"""Prior of a procedure individuals may file but that is not on the common list."""
DISTRICT_MARK = "thực hiện tại cấp huyện"
"""Districts were abolished on 1 July 2025; a leftover district copy never outranks its ward twin."""


class PriorFileError(ValueError):
    """The common-procedures file is malformed."""


class CommonProcedure(BaseModel):
    """One line of common_procedures.yaml."""

    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, BeforeValidator(lambda value: str(value) if isinstance(value, (int, float)) else value)]
    weight: float = Field(default=1.0, gt=0, le=1)
    """How strongly near-ties lean towards this procedure, in (0, 1]."""
    name: str = ""
    """The procedure's name, for the staff reading the file (not used by search)."""


CommonProcedures = RootModel[list[CommonProcedure]]


def load_common_procedures(path: Path | None = None, known_codes: set[str] | None = None) -> dict[str, float]:
    """code -> weight in (0, 1] from the YAML list; unknown codes (when `known_codes` is given) are errors."""
    path = Path(path or DEFAULT_PATH)
    entries = validate(
        read_yaml(path, PriorFileError) or [], CommonProcedures, source=str(path), error=PriorFileError
    ).root
    weights: dict[str, float] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: entry {number} (code: {entry.code})"
        if known_codes is not None and entry.code not in known_codes:
            raise PriorFileError(f"{where}: {entry.code} is not in the catalogue")
        if entry.code in weights:
            raise PriorFileError(f"{where}: {entry.code} is listed twice")
        weights[entry.code] = entry.weight
    return weights


def procedure_prior(procedure: Procedure, common: dict[str, float]) -> float:
    """In [0, 1]: the common-list weight, else a small prior when individuals (not only organisations) may file."""
    if procedure.code in common:
        return common[procedure.code]
    if DISTRICT_MARK in (getattr(procedure, "name", "") or "").lower():
        return 0.0
    applicants = getattr(procedure, "applicants", ()) or ()
    if not applicants or any(a in CITIZEN_APPLICANTS for a in applicants):
        return CITIZEN_PRIOR
    return 0.0
