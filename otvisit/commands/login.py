"""``otvisit login``: register this laptop with the team's server (the token goes to keyring)."""

from __future__ import annotations

import argparse
import getpass
import socket
import sys

from otvisit.profile import Profile


def run(args: argparse.Namespace) -> int:
    from otvisit.sync.client import SyncError, login  # httpx loads only when signing in

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.username}: ")
    store = Profile.locate(args.profile, args.data_dir).open_store()
    try:
        with store.transaction() as session:
            user = login(
                session,
                server_url=args.server,
                username=args.username,
                password=password,
                device_name=args.device_name,
            )
    except SyncError as error:
        print(f"Not signed in: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"Signed in as {user.full_name} ({user.username}), team {user.team_name}.")
    print("Run `otvisit sync` to bring your team's records to this laptop.")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "login",
        help="sign this laptop in to the team's server",
        description="Registers this laptop as a device of your account. The device key is kept "
        "in the computer's password store, never in a file.",
    )
    parser.add_argument("--server", required=True, help="the team server's address (https://…)")
    parser.add_argument("--username", required=True)
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    parser.add_argument(
        "--device-name", default=socket.gethostname(), help="how the team lead sees this laptop"
    )
    parser.set_defaults(run=run)
