"""Validate scenario files without running anything: `python -m benchmarks.conversations.check [--split dev|test]
[--folder DIR]`. Checks the format (file:line on errors), that every code exists in the catalogue at the right
level and every desk in the ward map. Exit 0 when there are no errors (warnings are printed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.conversations.scenarios import (
    HERE,
    SPLITS,
    ScenarioError,
    catalogue_levels,
    check_scenarios,
    load_folder,
    ward_desk_ids,
)


def validate(folders: list[Path], *, catalogue: Path | None = None, ward: Path | None = None, out=None) -> int:
    """Print what is wrong with the scenarios of these folders; return the number of errors."""
    out = out or sys.stdout
    levels, desks = catalogue_levels(catalogue), ward_desk_ids(ward)
    total_errors = 0
    for folder in folders:
        try:
            scenarios = load_folder(folder)
        except ScenarioError as error:
            print(f"error: {error}", file=out)
            total_errors += 1
            continue
        errors, warnings = check_scenarios(scenarios, levels, desks)
        for line in errors:
            print(f"error: {line}", file=out)
        for line in warnings:
            print(f"warning: {line}", file=out)
        turns = sum(len(s.turns) for s in scenarios)
        print(
            f"{folder}: {len(scenarios)} scenarios, {turns} turns, {len(errors)} errors, {len(warnings)} warnings",
            file=out,
        )
        total_errors += len(errors)
    return total_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--split", choices=SPLITS, action="append", help="split(s) to check (default: every split that exists)"
    )
    parser.add_argument("--folder", type=Path, action="append", help="a folder of *.jsonl scenarios instead")
    parser.add_argument("--catalogue", type=Path, help="procedures.jsonl (default: the committed one)")
    parser.add_argument("--ward", type=Path, help="ward.yaml (default: the committed one)")
    args = parser.parse_args(argv)
    folders = list(args.folder or [])
    if not folders:
        splits = args.split or [s for s in SPLITS if (HERE / s).is_dir()]
        folders = [HERE / s for s in splits]
    return 1 if validate(folders, catalogue=args.catalogue, ward=args.ward) else 0


if __name__ == "__main__":
    sys.exit(main())
