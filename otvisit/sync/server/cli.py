"""The ``otvisit-server`` command: ``serve`` the sync API, or run an ``admin`` action."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.services.errors import DomainError
from otvisit.sync.server import admin, audit_trail, history
from otvisit.sync.server.blobs import open_blob_store
from otvisit.sync.server.config import ServerSettings
from otvisit.sync.server.database import Database
from otvisit.sync.server.duplicates import duplicate_children
from otvisit.sync.server.terminal import shown


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("New password: ")
    if first != getpass.getpass("Same password again: "):
        raise DomainError("The two passwords are not the same.")
    return first


def _serve(args: argparse.Namespace, settings: ServerSettings) -> int:
    import uvicorn

    from otvisit.sync.server.app import create_app

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        print("otvisit-server: give both --ssl-certfile and --ssl-keyfile.", file=sys.stderr)
        return 2
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "server_header": False,  # don't tell the world which server version to attack
        "ssl_certfile": args.ssl_certfile,
        "ssl_keyfile": args.ssl_keyfile,
        "proxy_headers": args.proxy_headers,
        "forwarded_allow_ips": args.forwarded_allow_ips,
    }
    # Migrated once here, before any worker starts, so workers never race to migrate.
    database = Database(settings.database_url)
    database.migrate()
    if args.workers > 1:
        database.dispose()
        os.environ["OTVISIT_SERVER_DATABASE_URL"] = settings.database_url
        uvicorn.run(
            "otvisit.sync.server.app:app_from_environment",
            factory=True,
            workers=args.workers,
            **options,
        )
    else:
        uvicorn.run(create_app(settings, database=database), **options)
    return 0


def _export_audit(session: Session, args: argparse.Namespace) -> None:
    file_format = args.format or ("json" if args.out.lower().endswith(".json") else "csv")
    trail = audit_trail.export_child_trail(
        session, caller=None, child_id=args.child, file_format=file_format
    )
    text = (
        audit_trail.trail_csv(trail.events)
        if file_format == "csv"
        else trail.model_dump_json(indent=2)
    )
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    _say(f"{len(trail.events)} audit line(s) written to {args.out}")


def _say(line: str) -> None:
    print(shown(line, keep="\t"))


def _list_duplicates(session: Session, *, team_id: str | None) -> None:
    groups = duplicate_children(session, team_id=team_id)
    for group in groups:
        _say(
            f"NHS number {group.nhs_number} (team {group.team_id}): "
            f"registered {len(group.children)} times"
        )
        for child in group.children:
            _say(
                f"  {child.child_id}\t{shown(child.given_name)} {shown(child.family_name)}\t"
                f"born {shown(child.date_of_birth)}\t"
                f"reached the server {child.created_at:%Y-%m-%d %H:%M}"
            )
    _say(
        f"{len(groups)} child(ren) registered more than once."
        if groups
        else "No child is registered twice."
    )


def _drop_unfinished(settings: ServerSettings, database: Database, *, days: float) -> None:
    if days < 0:
        raise DomainError("--older-than-days must be 0 or more.")
    started_before = utcnow() - timedelta(days=days)
    dropped = open_blob_store(settings, database).drop_unfinished(started_before=started_before)
    _say(f"Removed {dropped} unfinished upload{'' if dropped == 1 else 's'} started before "
         f"{started_before:%Y-%m-%d %H:%M} UTC.")  # fmt: skip


def _admin(args: argparse.Namespace, settings: ServerSettings) -> int:
    database = Database(settings.database_url)
    database.migrate()
    try:
        if args.action == "drop-unfinished-uploads":  # the store opens its own transactions
            _drop_unfinished(settings, database, days=args.older_than_days)
            return 0
        with database.write() as session:
            action = args.action
            if action == "create-team":
                print(
                    admin.create_team(
                        session,
                        name=args.name,
                        phone=args.phone,
                        email=args.email,
                        address=args.address,
                    )
                )
            elif action == "update-team":
                admin.update_team_contact(
                    session,
                    team_id=args.team,
                    phone=args.phone,
                    email=args.email,
                    address=args.address,
                )
            elif action == "create-user":
                password = _read_password(args)
                user_id = admin.create_user(
                    session,
                    team_id=args.team,
                    username=args.username,
                    full_name=args.full_name,
                    password=password,
                    role=args.role,
                )
                print(user_id)
            elif action == "reset-password":
                admin.reset_password(session, username=args.username, password=_read_password(args))
            elif action == "assign-child":
                for child_id in args.child:
                    admin.assign_child(session, child_id=child_id, team_id=args.team)
            elif action == "list-devices":
                for device in admin.list_devices(session, username=args.username):
                    state = "revoked" if device.revoked_at else "active"
                    seen = device.last_seen_at.isoformat() if device.last_seen_at else "never"
                    _say(f"{device.id}\t{shown(device.name)}\t{state}\tlast seen {seen}")
            elif action == "list-duplicates":
                _list_duplicates(session, team_id=args.team)
            elif action == "revoke-device":
                admin.revoke_device(session, device_id=args.device)
            elif action == "export-audit":
                _export_audit(session, args)
            elif action == "after-restore":
                generation = history.new_generation(session)
                print(f"New server generation {generation}: laptops will re-send what it lacks.")
    except (DomainError, OSError) as error:
        print(f"otvisit-server: {shown(str(error))}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="otvisit-server", description="otvisit's team server.")
    parser.add_argument(
        "--database-url", help="database URL (default: $OTVISIT_SERVER_DATABASE_URL or SQLite)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the sync API (migrates the database first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--log-level", default="warning")
    serve.add_argument("--database-url", dest="serve_database_url", help=argparse.SUPPRESS)
    serve.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    serve.add_argument("--ssl-certfile", help="TLS certificate (PEM) to serve HTTPS directly")
    serve.add_argument("--ssl-keyfile", help="private key (PEM) of that certificate")
    serve.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (behind a reverse proxy)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="addresses of the reverse proxy whose forwarded headers are trusted",
    )

    admin_parser = commands.add_parser("admin", help="teams, accounts, children and devices")
    actions = admin_parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    team = actions.add_parser("create-team", help="create a team; prints its id")
    team.add_argument("--name", required=True)
    change = actions.add_parser(
        "update-team", help="change the team's phone, email or address (on every document)"
    )
    change.add_argument("--team", required=True, help="team id")
    for with_contact in (team, change):
        with_contact.add_argument("--phone", help="the number families call, e.g. 020 3049 8181")
        with_contact.add_argument("--email")
        with_contact.add_argument("--address", help="one line, or lines separated by newlines")
    user = actions.add_parser("create-user", help="create a therapist or team-lead account")
    user.add_argument("--team", required=True, help="team id")
    user.add_argument("--username", required=True)
    user.add_argument("--full-name", required=True)
    user.add_argument(
        "--role", default="therapist", choices=["therapist", "assistant", "team_lead", "admin"]
    )
    user.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    reset = actions.add_parser("reset-password", help="set a new password for an account")
    reset.add_argument("--username", required=True)
    reset.add_argument("--password-stdin", action="store_true")
    assign = actions.add_parser("assign-child", help="move children to a team's caseload")
    assign.add_argument("--team", required=True, help="team id")
    assign.add_argument("--child", required=True, action="append", help="child id (repeatable)")
    devices = actions.add_parser("list-devices", help="list an account's devices")
    devices.add_argument("--username", required=True)
    revoke = actions.add_parser("revoke-device", help="withdraw a device's access")
    revoke.add_argument("--device", required=True, help="device id")
    export = actions.add_parser("export-audit", help="write one child's audit trail to a file")
    export.add_argument("--child", required=True, help="child id")
    export.add_argument("--out", required=True, help="file to write (.csv or .json)")
    export.add_argument("--format", choices=["csv", "json"], help="default: from --out's suffix")
    actions.add_parser(
        "after-restore",
        help="run once after restoring the database from a backup, before serving: laptops "
        "then re-send the changes the backup lacks",
    )
    duplicates = actions.add_parser(
        "list-duplicates", help="children registered twice (same NHS number), for the lead to merge"
    )
    duplicates.add_argument("--team", help="team id (default: every team)")
    unfinished = actions.add_parser(
        "drop-unfinished-uploads",
        help="remove attachment uploads started long ago and never finished (run daily)",
    )
    unfinished.add_argument(
        "--older-than-days", type=float, default=7.0, help="started more than this ago (default 7)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url = getattr(args, "serve_database_url", None) or args.database_url
    settings = ServerSettings(database_url=url) if url else ServerSettings()
    if args.command == "serve":
        return _serve(args, settings)
    return _admin(args, settings)


if __name__ == "__main__":
    sys.exit(main())
