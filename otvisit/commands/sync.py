"""``otvisit sync``: one sync without the window, printing what happened."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from otvisit.profile import Profile

if TYPE_CHECKING:  # httpx and pydantic load only when a sync runs
    from otvisit.sync.client import SyncReport


def describe(report: SyncReport) -> list[str]:
    """The lines ``otvisit sync`` prints, in the therapist's words."""
    lines = [f"Sent {report.pushed} change(s) to the server; received {report.pulled}."]
    if report.merged:
        lines.append(f"{report.merged} change(s) were merged with a colleague's.")
    if report.conflicts:
        lines.append(
            f"{report.conflicts} conflict(s) with a colleague's version: open the app to choose."
        )
    for reason in report.rejected:
        lines.append(f"Not accepted by the server: {reason}")
    if report.removed_children:
        lines.append(f"{len(report.removed_children)} child(ren) left your team and were removed.")
    if report.audit_uploaded:
        lines.append(f"{report.audit_uploaded} audit event(s) sent to the team's log.")
    if report.set_aside:
        lines.append(f"{report.set_aside} unsent change(s) to them were kept aside.")
    if report.failure:
        lines.append(f"Sync stopped: {report.error}")
    return lines


def run(args: argparse.Namespace) -> int:
    from otvisit.sync.client import sync_once, sync_status

    store = Profile.locate(args.profile, args.data_dir).open_store()
    try:
        report = sync_once(store)
        with store.read_session() as session:
            status = sync_status(session)
    finally:
        store.close()
    out = sys.stderr if report.failure else sys.stdout
    for line in describe(report):
        print(line, file=out)
    if status.pending_ops or status.open_conflicts or status.rejected_ops:
        print(
            f"Waiting: {status.pending_ops} to send, {status.open_conflicts} conflict(s), "
            f"{status.rejected_ops} not accepted."
        )
    if status.awaiting_ops:
        print(
            f"{status.awaiting_ops} change(s) to colleagues' notes wait for their laptops to "
            "sync first (the server was restored from a backup)."
        )
    return report.exit_code


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="sync with the team's server once",
        description="Sends this laptop's changes, then receives the team's. Exit status: "
        "0 done, 1 done with problems (see messages), 2 sign in needed, 3 server unreachable.",
    )
    parser.set_defaults(run=run)
