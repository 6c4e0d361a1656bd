"""``otvisit demo``: a made-up caseload in the separate demo profile, to try and to benchmark."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from otvisit.profile import DEMO_PROFILE, Profile

HELP = (
    "Create a synthetic caseload (made-up names, NHS numbers from the 999 test range) in the "
    "separate 'demo' profile. The records are local seed data: they are inserted in bulk "
    "without outbox operations, because the demo profile never syncs to a team server."
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="create a made-up caseload in the demo profile", description=HELP
    )
    parser.add_argument(
        "--children", type=int, default=300, help="children on the caseload (default 300)"
    )
    parser.add_argument(
        "--records", type=int, default=50_000, help="about how many records in all (default 50000)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed: the same seed gives the same caseload"
    )
    parser.add_argument("--reset", action="store_true", help="replace an existing demo profile")
    parser.set_defaults(run=run)


def remove_store_files(profile: Profile) -> None:
    """Delete the demo database and its WAL files (the demo profile only)."""
    if not profile.is_demo:
        raise ValueError("only the demo profile is ever removed")
    for suffix in ("", "-wal", "-shm"):
        profile.database_path.with_name(profile.database_path.name + suffix).unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    from otvisit.reports.strategy_library import bundled_library
    from otvisit.services.demo_caseload import build_demo_caseload, describe

    if args.children < 1 or args.records < args.children:
        print(
            "otvisit demo: --children must be at least 1 and --records at least --children",
            file=sys.stderr,
        )
        return 2
    profile = Profile.locate(DEMO_PROFILE, args.data_dir)
    if profile.database_path.exists():
        if not args.reset:
            print(
                f"otvisit demo: a demo caseload already exists in {profile.root}; "
                "add --reset to replace it",
                file=sys.stderr,
            )
            return 1
        remove_store_files(profile)
    started = time.perf_counter()
    store = profile.open_store()
    try:
        with store.transaction() as session:
            summary = build_demo_caseload(
                session,
                children=args.children,
                records=args.records,
                seed=args.seed,
                strategies=list(bundled_library().strategies.values()),
            )
    finally:
        store.close()
    elapsed = time.perf_counter() - started
    print(describe(summary))
    print(
        f"Demo caseload of {args.children} children, {summary.total:,} records, "
        f"in {profile.database_path} ({elapsed:.1f} s)"
    )
    where = f" --data-dir {args.data_dir}" if args.data_dir else ""
    print(f"Open it with: otvisit{where} --profile demo")
    return 0
