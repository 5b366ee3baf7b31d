"""Search priors: which procedures citizens ask for most (staff-editable file) and who may file them."""
from __future__ import annotations

from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "common_procedures.yaml"
CITIZEN_APPLICANTS = ("Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài", "Người nước ngoài")
CITIZEN_PRIOR = 0.3
"""Prior of a procedure individuals may file but that is not on the common list."""
DISTRICT_MARK = "thực hiện tại cấp huyện"
"""Districts were abolished on 1 July 2025; a leftover district copy never outranks its ward twin."""


class PriorFileError(ValueError):
    """The common-procedures file is malformed."""


def load_common_procedures(path: Path | None = None, known_codes: set[str] | None = None) -> dict[str, float]:
    """code -> weight in (0, 1] from the YAML list; unknown codes (when `known_codes` is given) are errors."""
    path = Path(path or DEFAULT_PATH)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise PriorFileError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(entries, list):
        raise PriorFileError(f"{path}: expected a list of {{code, weight}} entries")
    weights: dict[str, float] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict) or "code" not in entry:
            raise PriorFileError(f"{where}: needs a 'code'")
        code, weight = str(entry["code"]), entry.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or not 0 < weight <= 1:
            raise PriorFileError(f"{where} ({code}): weight must be a number in (0, 1]")
        if known_codes is not None and code not in known_codes:
            raise PriorFileError(f"{where}: {code} is not in the catalogue")
        if code in weights:
            raise PriorFileError(f"{where}: {code} is listed twice")
        weights[code] = float(weight)
    return weights


def procedure_prior(procedure, common: dict[str, float]) -> float:
    """In [0, 1]: the common-list weight, else a small prior when individuals (not only organisations) may file."""
    if procedure.code in common:
        return common[procedure.code]
    if DISTRICT_MARK in (getattr(procedure, "name", "") or "").lower():
        return 0.0
    applicants = getattr(procedure, "applicants", ()) or ()
    if not applicants or any(a in CITIZEN_APPLICANTS for a in applicants):
        return CITIZEN_PRIOR
    return 0.0
