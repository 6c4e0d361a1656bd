"""``otvisit waiting-list``: the children waiting for a first appointment, as a table or CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from typing import Any

from otvisit.profile import Profile

HELP = (
    "One row per child accepted and still waiting for a first appointment that takes place: "
    "NHS number, weeks waited on the 18-week clock from the referral's receipt, NHS England "
    "waiting-list band and priority. Urgent first, then the longest wait."
)
COLUMNS = ("nhs_number", "weeks_waited", "band", "priority", "days_waited", "received_on")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "waiting-list", help="the waiting list (table, or CSV with --csv)", description=HELP
    )
    parser.add_argument("--csv", action="store_true", help="write CSV to standard output")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="count waits up to this day (YYYY-MM-DD; default today)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from otvisit.models.vocabulary import AuditAction
    from otvisit.services.audit import record_access
    from otvisit.services.nhs_number import format_nhs_number
    from otvisit.services.waiting_list import waiting_list

    profile = Profile.locate(args.profile, args.data_dir)
    if not profile.database_path.exists():
        print(f"otvisit waiting-list: there is no store in {profile.root}", file=sys.stderr)
        return 2
    today = args.today or date.today()
    store = profile.open_store()
    try:
        with store.transaction() as session:
            rows = waiting_list(session, today=today)
            record_access(
                session,
                actor_id=None,
                action=AuditAction.EXPORT if args.csv else AuditAction.VIEW,
                entity="referral",
                record_id=None,
                child_id=None,
                detail=f"waiting list, {len(rows)} children",
            )
    finally:
        store.close()
    values = [
        (
            row.nhs_number,
            str(row.weeks_waited),
            row.band,
            row.priority.value,
            str(row.days_waited),
            row.received_on.isoformat(),
        )
        for row in rows
    ]
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(values)
        return 0
    print(f"{'NHS number':<14}{'Weeks':>6}  {'Band':<7}{'Priority':<9}Received")
    for number, weeks, band, priority, _days, received in values:
        print(f"{format_nhs_number(number):<14}{weeks:>6}  {band:<7}{priority:<9}{received}")
    print(f"{len(rows)} children waiting on {today:%d %B %Y}")
    return 0
