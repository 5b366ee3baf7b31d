"""Command line: `python -m assistant.bridge serve|token create/list/revoke|seed-demo|import FILE|migrate`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.bridge.settings import BridgeSettings


def _serve(settings: BridgeSettings, host: str, port: int) -> int:
    from assistant.bridge.main import create_app
    from assistant.bridge.serving import run
    from assistant.bridge.settings import DemoPepperRefused
    from kiosk.settings import KioskSettings
    from knowledge_base.settings import SearchSettings

    # The bridge process also runs search and the kiosk page: their settings are read here, once, with its own.
    app = create_app(settings, search_settings=SearchSettings(), kiosk_settings=KioskSettings())
    try:
        run(app, settings, host=host, port=port)
    except DemoPepperRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _migrate(settings: BridgeSettings) -> int:
    from assistant.bridge.db import Database, make_engine
    from assistant.bridge.migrations import current_version, migrate

    db = Database(make_engine(settings))
    applied = migrate(db.engine)
    print(f"schema version {current_version(db.engine)} (applied now: {applied or 'none'})")
    return 0


def _token_create(
    settings: BridgeSettings, role: str, name: str, desk: str | None = None, ward_code: str | None = None
) -> int:
    """A province-wide token, or with `ward_code` one ward's; a desk token is always a ward's (default ward)."""
    from assistant.bridge.auth import create_token
    from assistant.bridge.services import open_database
    from assistant.bridge.wards import load_wards

    db = open_database(settings)
    wards = load_wards(db, settings)
    codes = {ward.code: ward for ward in wards.wards}
    if ward_code and ward_code not in codes:
        print(f"no ward {ward_code!r}; wards: {', '.join(codes)} / không có phường/xã này", file=sys.stderr)
        return 2
    ward = codes[ward_code] if ward_code else (wards.default if role in ("desk", "kiosk") else None)
    if desk and ward and wards.directory(ward.id).get(desk) is None:
        print(f"no desk {desk!r} in ward {ward.code} / không có quầy này", file=sys.stderr)
        return 2
    try:
        token, token_id = create_token(db, role=role, name=name, desk=desk, ward_id=ward.id if ward else None)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"token #{token_id} ({role}{' ' + desk if desk else ''}, {ward.code if ward else 'province-wide'}, {name})"
        " — shown once, store it safely"
        " / chỉ hiện một lần:"
    )
    print(token)
    return 0


def _token_list(settings: BridgeSettings) -> int:
    from assistant.bridge.auth import list_tokens
    from assistant.bridge.services import open_database

    for row in list_tokens(open_database(settings)):
        print(
            f"#{row['id']}  {row['role']:7s} {row['desk'] or '':4s} ward {row['ward_id'] or '*':<3} {row['name']}"
            f"  created {row['created_at']:%Y-%m-%d}" + ("  REVOKED" if row["revoked"] else "")
        )
    return 0


def _token_revoke(settings: BridgeSettings, token_id: int) -> int:
    from assistant.bridge.auth import revoke_token
    from assistant.bridge.services import open_database

    if not revoke_token(open_database(settings), token_id):
        print(f"no token #{token_id}", file=sys.stderr)
        return 1
    print(f"token #{token_id} revoked / đã thu hồi")
    return 0


def _seed_demo(settings: BridgeSettings) -> int:
    from assistant.bridge.dossiers.seed import seed_demo_dossiers
    from assistant.bridge.services import open_database

    rows = seed_demo_dossiers(open_database(settings), pepper=settings.dossier_pepper)
    print("Hồ sơ DEMO (dữ liệu giả) / DEMO dossiers (fake data): code | last 4 ID digits | status")
    for code, digits, status in rows:
        print(f"{code} | {digits} | {status}")
    return 0


def _import(settings: BridgeSettings, path: Path, name: str) -> int:
    from assistant.bridge.importer import ImportFileError, import_procedures
    from assistant.bridge.knowledge import KnowledgeService, default_knowledge_sources
    from assistant.bridge.replica import KnowledgeSync
    from assistant.bridge.services import open_database
    from knowledge_base.settings import SearchSettings

    db = open_database(settings)
    sync = KnowledgeSync(db, poll_s=0)  # applies its own edits only; running bridges follow the change log
    start_id = sync.latest_id()
    knowledge = KnowledgeService(db=db, searcher=None, sync=sync, **default_knowledge_sources(SearchSettings()))
    knowledge.apply_overlay()
    sync.start(from_id=start_id)
    try:
        with path.open("rb") as stream:
            result = import_procedures(knowledge, path.name, stream, actor=f"{name} (command line)")
    except (ImportFileError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = result.to_json()
    print(
        f"created {report['created']}, updated {report['updated']}, unchanged {report['unchanged']}, "
        f"errors {report['error_count']}"
    )
    for error in report["errors"]:
        print(f"  line {error['line']}: {error['message']}")
    print(
        "Running bridges apply the changes within a second. "
        "/ Các bridge đang chạy áp dụng thay đổi trong vòng một giây."
    )
    return 1 if report["error_count"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.bridge", description="Lễ tân số bridge service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API (uvicorn)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    token = commands.add_parser("token", help="staff API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token and print it once")
    create.add_argument("--role", choices=("viewer", "editor", "admin", "desk", "kiosk"), required=True)
    create.add_argument("--desk", default=None, help="role desk: the desk id (Q1, ...) this token calls tickets for")
    create.add_argument("--name", default="staff")
    create.add_argument(
        "--ward", default=None, help="ward code: the token sees and acts on that ward only (absent: province-wide)"
    )
    token_commands.add_parser("list", help="list tokens (never the tokens themselves)")
    revoke = token_commands.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int)
    commands.add_parser("seed-demo", help="create clearly fake demo dossiers and print their codes and digits")
    importer = commands.add_parser("import", help="re-import procedures from .jsonl, .csv or .xlsx")
    importer.add_argument("file", type=Path)
    importer.add_argument("--name", default="import")
    commands.add_parser("migrate", help="apply pending database migrations")
    args = parser.parse_args(argv)

    settings = BridgeSettings()
    if args.command == "serve":
        return _serve(settings, args.host or settings.host, args.port or settings.port)
    if args.command == "token":
        if args.token_command == "list":
            return _token_list(settings)
        if args.token_command == "revoke":
            return _token_revoke(settings, args.id)
        return _token_create(settings, args.role, args.name, args.desk, args.ward)
    if args.command == "seed-demo":
        return _seed_demo(settings)
    if args.command == "import":
        return _import(settings, args.file, args.name)
    return _migrate(settings)


if __name__ == "__main__":
    sys.exit(main())
