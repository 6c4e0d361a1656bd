"""The ``otvisit`` command: starts the desktop app, or runs a headless subcommand."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from otvisit import __version__
from otvisit.profile import DATA_DIR_ENV, MAIN_PROFILE

#: Modules under otvisit.commands; each defines register(subparsers) and sets args.run.
COMMAND_MODULES: tuple[str, ...] = (
    "selftest",
    "login",
    "sync",
    "demo",
    "print_document",
    "survey_results",  # issue 14: family experience surveys
    "waiting_list",
    "fhir_exchange",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otvisit",
        description="Visit records, goals and handouts for children's community OT. "
        "With no command, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"otvisit {__version__}")
    parser.add_argument(
        "--data-dir",
        help=f"folder holding otvisit's data (default: ${DATA_DIR_ENV}, else the user data folder)",
    )
    parser.add_argument(
        "--profile", default=MAIN_PROFILE, help="which profile to open (main or demo)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"otvisit.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from otvisit.ui.app import run_app  # Qt is imported only when the window is wanted

        return run_app(args)
    from otvisit.models.encryption import StoreKeyError

    try:
        result: int = args.run(args)
    except StoreKeyError as error:  # damaged, or another key: one message, nothing written
        print(
            f"otvisit: {error}. Nothing has been changed. Ask IT for help before going on.",
            file=sys.stderr,
        )
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
