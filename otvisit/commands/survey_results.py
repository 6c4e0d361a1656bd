"""``otvisit survey-results``: the team's family-experience survey results, without the window."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from typing import Any

from otvisit.profile import Profile


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-09-30") from None


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "survey-results",
        help="the families' survey results: counts, mean per question, comments",
        description="Summarise the anonymous family-experience surveys on this laptop.",
    )
    parser.add_argument("--since", type=_day, help="first day received (YYYY-MM-DD)")
    parser.add_argument("--until", type=_day, help="last day received (YYYY-MM-DD)")
    parser.add_argument("--csv", action="store_true", help="the table as CSV, without comments")
    parser.add_argument(
        "--by-arrival",
        action="store_true",
        help="with --csv: the counts by how the surveys arrived (post, clinic, online, phone)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from otvisit.services.errors import DomainError
    from otvisit.services.survey_results import arrival_table, results_table, survey_results

    profile = Profile.locate(args.profile, args.data_dir)
    if not profile.database_path.exists():
        print(f"otvisit survey-results: no records in {profile.root}", file=sys.stderr)
        return 1
    store = profile.open_store()
    try:
        with store.read_session() as session:
            results = survey_results(session, since=args.since, until=args.until)
    except DomainError as error:
        print(f"otvisit survey-results: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    rows = results_table(results)
    if args.csv and args.by_arrival:
        csv.writer(sys.stdout, lineterminator="\n").writerows(arrival_table(results))
        return 0
    if args.csv:
        csv.writer(sys.stdout, lineterminator="\n").writerows(rows)
        return 0
    if not results.surveys:
        print("No surveys received in this period.")
        return 0
    print(
        f"{results.surveys} survey(s) received "
        f"{results.first_received:%d %b %Y} to {results.last_received:%d %b %Y}"
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print("Languages: " + ", ".join(f"{code} {n}" for code, n in results.languages))
    print("How they arrived: " + ", ".join(f"{way} {n}" for way, n in results.arrivals))
    print(f"Comments ({len(results.comments)}):")
    for comment in results.comments:
        print(f"- {comment.received_on:%d %b %Y} ({comment.language}): {comment.text}")
    return 0
