"""Command line: import the catalogue, build the index, search (one query or a stdin batch), evaluate."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge_base.settings import SearchSettings


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(encoding="utf-8", errors="replace")
    sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    from knowledge_base.settings import SearchSettings

    return args.run(args, SearchSettings())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge_base", description=__doc__)
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("import", help="normalise the national catalogue JSONL into knowledge_base/data/")
    p.add_argument("source", type=Path)
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(run=_import)

    p = sub.add_parser("build", help="encode the catalogue and save the search index")
    p.set_defaults(run=_build)

    p = sub.add_parser("search", help="search one QUERY, or one query per stdin line (JSON lines out)")
    p.add_argument("query", nargs="?")
    p.add_argument("--top", type=int, default=3)
    p.add_argument("--json", action="store_true", help="print JSON (always on in batch mode)")
    p.add_argument("--all-levels", action="store_true", help="include provincial/ministry-level procedures")
    p.set_defaults(run=_search)

    p = sub.add_parser("eval", help="top-1/top-3/MRR per question kind for lexical, dense and fused search")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--turn",
        action="store_true",
        help="also evaluate each question as a first turn through knowledge_base.turn.search_turn",
    )
    p.set_defaults(run=_eval)
    p = sub.add_parser("tune", help="grid-search fusion weights and confidence thresholds on DEV files")
    p.add_argument("files", type=Path, nargs="+")
    p.set_defaults(run=_tune)

    p = sub.add_parser("cards", help="citizen answer cards: check them against the catalogue, or draft one")
    p.add_argument("action", choices=("check", "draft", "hash"))
    p.add_argument("codes", nargs="*", help="procedure codes (draft, hash)")
    p.add_argument("--dir", type=Path, default=None, help="card folder (default: KB_ANSWER_CARDS_DIR)")
    p.set_defaults(run=_cards)
    return parser


def _cards(args, settings: SearchSettings) -> int:
    from knowledge_base.cards.check import check_cards, record_hash
    from knowledge_base.cards.draft import draft
    from knowledge_base.cards.model import AnswerCards, CardError
    from knowledge_base.cards.reviewed import REVIEWED_FILE, load_reviewed
    from knowledge_base.catalogue.store import load_catalogue

    catalogue = load_catalogue(settings.catalogue_path)
    if args.action in ("draft", "hash"):
        unknown = [c for c in args.codes if c not in catalogue]
        if unknown:
            print(f"unknown procedure code(s): {', '.join(unknown)}", file=sys.stderr)
            return 2
        for code in args.codes:
            print(draft(catalogue[code]) if args.action == "draft" else f"{code} {record_hash(catalogue[code])}")
        return 0
    folder = Path(args.dir or settings.answer_cards_dir)
    try:
        cards = AnswerCards.load(folder)
        reviewed = load_reviewed(folder / REVIEWED_FILE) if folder.is_dir() else {}
    except CardError as exc:
        print(exc, file=sys.stderr)
        return 1
    report = check_cards(cards, catalogue, reviewed)
    print(report.summary())
    return 1 if report.errors else 0


def _tune(args, settings: SearchSettings) -> int:
    from knowledge_base.search.build import build_search
    from knowledge_base.tuning import tune

    print(json.dumps(tune(build_search(settings), args.files), ensure_ascii=False, indent=2))
    return 0


def _import(args, settings: SearchSettings) -> int:
    from knowledge_base.catalogue import import_catalogue

    dest = args.out or settings.catalogue_path
    report = import_catalogue(args.source, dest)
    print(report.summary())
    return 0


def _build(args, settings: SearchSettings) -> int:
    from knowledge_base.search.build import build_index

    print(json.dumps(build_index(settings), ensure_ascii=False))
    return 0


def _search(args, settings: SearchSettings) -> int:
    from knowledge_base.search.build import build_search
    from knowledge_base.search.outcome import SearchOutcome

    search = build_search(settings)

    def answer(query: str) -> dict:
        try:
            return search.search(query, k=args.top, all_levels=args.all_levels).to_json()
        except Exception:  # one bad query must not end a batch; the error is logged without the query text
            logging.getLogger("knowledge_base").exception("search failed")
            return SearchOutcome(query="", confidence="no_match", error="internal_error").to_json()

    if args.query is not None:
        outcome = answer(args.query)
        if args.json:
            print(json.dumps(outcome, ensure_ascii=False))
        else:
            print(f"[{outcome['confidence']}] {outcome.get('error') or ''}".rstrip())
            for hit in outcome["results"]:
                print(f"  {hit['score']:.3f}  {hit['code']}  {hit['name']}  ({hit['field']})")
        return 0
    for line in sys.stdin:
        print(json.dumps(answer(line.rstrip("\r\n")), ensure_ascii=False), flush=True)
    return 0


def _eval(args, settings: SearchSettings) -> int:
    from knowledge_base.evaluation import evaluate_file, format_report
    from knowledge_base.search.build import build_search

    search = build_search(settings)
    report = evaluate_file(search, args.file)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    if args.turn:
        from knowledge_base.evaluation import evaluate_turns, format_turn_report, load_questions

        turns = evaluate_turns(search, load_questions(args.file))
        print(json.dumps(turns, ensure_ascii=False, indent=2) if args.json else format_turn_report(turns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
