"""CLI: `python -m knowledge_base.catalogue SOURCE.jsonl [--out PATH] [--json] [--warnings]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from knowledge_base.catalogue.importer import import_catalogue
from knowledge_base.catalogue.record import CatalogueError
from knowledge_base.catalogue.store import DEFAULT_PATH


def main(argv: list[str] | None = None) -> int:
    """Import the national catalogue JSONL into the normalised procedures.jsonl; prints a report."""
    parser = argparse.ArgumentParser(prog="python -m knowledge_base.catalogue", description=main.__doc__)
    parser.add_argument("source", type=Path, help="national-procedure-catalogue.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help=f"output file (default: {DEFAULT_PATH})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--warnings", action="store_true", help="also list every parse warning")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"error: {args.source}: file not found", file=sys.stderr)
        return 2
    try:
        report = import_catalogue(args.source, args.out)
    except CatalogueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.summary())
    if args.warnings:
        for warning in report.warnings:
            print(warning)
    return 0


if __name__ == "__main__":
    sys.exit(main())
