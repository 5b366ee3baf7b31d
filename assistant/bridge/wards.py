"""The wards one deployment serves: imported from the ward files at start into the `wards` table, each with its own
desk map (a DeskHolder), tickets, board, reports and staff.

The default ward is the one of `BRIDGE_WARD_CONFIG_PATH` (a `make run` has only it); `BRIDGE_WARDS_DIR` adds one
ward per `*.yaml` file. A ward's identity is its `ward.code` (from its name when the file gives none). The first ward
ever imported gets id 1 — rows written before wards existed belong to it (migration 8) — and the default ward is
imported first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from assistant.bridge import models
from assistant.bridge.changes import Change
from assistant.bridge.db import Database, advisory_lock
from assistant.bridge.desk_map import DeskHolder, load_desks
from assistant.bridge.desks import DeskDirectory, WardConfig, WardConfigError, load_ward_config
from assistant.bridge.errors import ApiError
from assistant.bridge.replica import KnowledgeSync
from assistant.bridge.settings import BridgeSettings


@dataclass(frozen=True)
class Ward:
    id: int
    code: str
    """Stable identity: in URLs (`?ward=`), the chat widget's `data-ward`, tokens."""
    name: str
    name_en: str | None
    demo: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "name": self.name, "name_en": self.name_en, "demo": self.demo}


def unknown_ward() -> ApiError:
    return ApiError(404, "unknown_ward", "Không có phường/xã này. / No such ward.")


def ward_files(settings: BridgeSettings) -> list[Path]:
    """The default ward's file first, then every `*.yaml` of `wards_dir` (sorted), each file once."""
    files = [Path(settings.ward_config_path)]
    if settings.wards_dir is not None:
        files += sorted(Path(settings.wards_dir).glob("*.yaml"))
    seen, unique = set(), []
    for path in files:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique


def import_wards(db: Database, configs: list[tuple[Path, WardConfig]]) -> list[Ward]:
    """Insert or update one `wards` row per config (by code), in order; a new ward gets the next id (the first one
    ever, 1). Under one lock, so bridges starting together agree on the ids."""
    codes: dict[str, Path] = {}
    for path, config in configs:
        code = config.ward.ward_code
        if code in codes:
            raise WardConfigError(
                f"{path}: mã phường/xã trùng với {codes[code]} / ward code {code!r} also in {codes[code]}"
            )
        codes[code] = path
    wards = []
    with db.write() as session:
        advisory_lock(session, "wards-import")
        for _path, config in configs:
            info = config.ward
            row = session.execute(select(models.Ward).where(models.Ward.code == info.ward_code)).scalar_one_or_none()
            if row is None:
                next_id = (session.execute(select(func.max(models.Ward.id))).scalar() or 0) + 1
                row = models.Ward(id=next_id, code=info.ward_code)
                session.add(row)
            row.name, row.name_en, row.demo = info.name, info.name_en, info.demo
            session.flush()
            wards.append(Ward(row.id, row.code, row.name, row.name_en, row.demo))
    return wards


class WardRegistry:
    """Every ward with its desk map; `get(code)` resolves a channel's or a request's ward (absent: the default)."""

    def __init__(self, wards: list[Ward], holders: dict[int, DeskHolder]):
        if not wards:
            raise ValueError("at least one ward")
        self.wards, self.holders = list(wards), holders
        self.default = wards[0]
        self._by_code = {ward.code: ward for ward in wards}
        self._by_id = {ward.id: ward for ward in wards}

    def get(self, code: str | None) -> Ward:
        """The ward of this code; the default ward when none is named; 404 `unknown_ward` for any other code."""
        if not code:
            return self.default
        ward = self._by_code.get(code)
        if ward is None:
            raise unknown_ward()
        return ward

    def known_or_default(self, code: str | None) -> Ward:
        """The ward of this code, else the default ward (for codes from elsewhere, e.g. the provincial source)."""
        return self._by_code.get(code or "", self.default)

    def by_id(self, ward_id: int) -> Ward:
        ward = self._by_id.get(ward_id)
        if ward is None:
            raise unknown_ward()
        return ward

    def desks(self, ward_id: int) -> DeskHolder:
        """The ward's desk holder (404 `unknown_ward` for an id no ward file names any more)."""
        holder = self.holders.get(ward_id)
        if holder is None:
            raise unknown_ward()
        return holder

    def directory(self, ward_id: int) -> DeskDirectory:
        return self.desks(ward_id)()

    def apply_change(self, change: Change) -> None:
        """A saved desk map from the change log goes to its ward (a change without a ward is the default ward's)."""
        holder = self.holders.get(int(change.payload.get("ward_id") or self.default.id))
        if holder is not None:
            holder.apply_change(change)

    def to_json(self) -> list[dict[str, Any]]:
        return [ward.to_json() for ward in self.wards]


def load_wards(db: Database, settings: BridgeSettings, sync: KnowledgeSync | None = None) -> WardRegistry:
    """Validate every ward file, import the wards, load each desk map; with `sync`, desk edits follow the log."""
    configs = [(path, load_ward_config(path)) for path in ward_files(settings)]
    wards = import_wards(db, configs)
    holders = {
        ward.id: load_desks(db, ward_id=ward.id, path=path, sync=sync)
        for ward, (path, _config) in zip(wards, configs, strict=True)
    }
    registry = WardRegistry(wards, holders)
    if sync is not None:
        sync.register("desks.", registry.apply_change)
    return registry
