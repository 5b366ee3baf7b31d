"""What an import did: counts and parse coverage for the whole catalogue and for the ward-level subset."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge_base.catalogue.record import Procedure


@dataclass
class Coverage:
    """Parse coverage over a set of procedures."""

    procedures: int = 0
    channels: int = 0
    channels_with_days: int = 0
    """Channels whose processing time could be read as a number of days."""
    channels_with_fee: int = 0
    """Channels with a fee amount (0 = free) or a province-set flag: what a desk can say about the fee."""
    channels_with_fee_amount: int = 0
    channels_fee_set_by_province: int = 0
    documents: int = 0
    documents_with_form: int = 0
    documents_with_copies: int = 0
    legal_basis: int = 0
    legal_basis_with_number: int = 0
    procedures_with_steps: int = 0
    procedures_with_documents: int = 0

    def add(self, procedure: Procedure) -> None:
        channels = procedure.channels
        self.procedures += 1
        self.channels += len(channels)
        self.channels_with_days += sum(item.processing_days is not None for item in channels)
        self.channels_with_fee += sum(item.fee_amount_vnd is not None or item.fee_set_by_province for item in channels)
        self.channels_with_fee_amount += sum(item.fee_amount_vnd is not None for item in channels)
        self.channels_fee_set_by_province += sum(item.fee_set_by_province for item in channels)
        self.documents += len(procedure.documents)
        self.documents_with_form += sum(bool(item.form) for item in procedure.documents)
        self.documents_with_copies += sum(bool(item.copies) for item in procedure.documents)
        self.legal_basis += len(procedure.legal_basis)
        self.legal_basis_with_number += sum(bool(item.number) for item in procedure.legal_basis)
        self.procedures_with_steps += bool(procedure.steps)
        self.procedures_with_documents += bool(procedure.documents)

    def lines(self, title: str) -> list[str]:
        def share(part: int, whole: int) -> str:
            return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"

        per_procedure = self.documents / self.procedures if self.procedures else 0.0
        return [
            f"{title}: {self.procedures} procedures, {self.channels} channels",
            f"  channels with processing_days: {share(self.channels_with_days, self.channels)}",
            f"  channels with fee_amount_vnd or fee_set_by_province: {share(self.channels_with_fee, self.channels)}"
            f" (amount: {self.channels_with_fee_amount}, province: {self.channels_fee_set_by_province})",
            f"  documents: {self.documents} ({per_procedure:.1f} per procedure; procedures with documents: "
            f"{share(self.procedures_with_documents, self.procedures)}; with copies: "
            f"{share(self.documents_with_copies, self.documents)}; with form: {self.documents_with_form})",
            f"  legal basis: {self.legal_basis} (with number: {share(self.legal_basis_with_number, self.legal_basis)})",
            f"  procedures with steps: {share(self.procedures_with_steps, self.procedures)}",
        ]


@dataclass
class ImportReport:
    """What an import did. `warnings` holds "CODE: message" for every parse problem (nothing is dropped)."""

    dest: str = ""
    everything: Coverage = field(default_factory=Coverage)
    ward: Coverage = field(default_factory=Coverage)
    non_empty_fields: Counter[str] = field(default_factory=Counter)
    """How many procedures have each contract field non-empty."""
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.everything.procedures

    @property
    def ward_level(self) -> int:
        return self.ward.procedures

    def add(self, procedure: Procedure, warnings: list[str]) -> None:
        self.everything.add(procedure)
        if procedure.ward_level:
            self.ward.add(procedure)
        for key, value in procedure.to_dict().items():
            if value not in ("", [], False, None):
                self.non_empty_fields[key] += 1
        self.warnings += [f"{procedure.code}: {warning}" for warning in warnings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "ward_level": self.ward_level,
            "dest": self.dest,
            "all": asdict(self.everything),
            "ward": asdict(self.ward),
            "non_empty_fields": dict(sorted(self.non_empty_fields.items())),
            "warnings_by_kind": dict(Counter(warning.split(": ", 1)[1] for warning in self.warnings).most_common()),
            "warning_count": len(self.warnings),
        }

    def summary(self) -> str:
        """Human-readable summary (English: this is an operator tool)."""
        lines = [f"procedures: {self.total} (ward-level: {self.ward_level}) -> {self.dest}"]
        lines += self.everything.lines("all procedures") + self.ward.lines("ward-level (Cấp xã)")
        lines.append(f"warnings: {len(self.warnings)}")
        return "\n".join(lines)
