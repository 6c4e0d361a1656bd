"""The waiting list and my diary on the 300-child demo caseload with a year of appointments."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from table import Row, format_table

CHILDREN = 300
RECORDS = 50_000
RUNS = 30


def _timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Median and slowest milliseconds over RUNS calls (after one warm-up), and the last result."""
    result = fn()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def run() -> list[Row]:
    from sqlalchemy import func, select

    from otvisit.models import Appointment
    from otvisit.profile import DEMO_PROFILE, Profile
    from otvisit.reports.strategy_library import bundled_library
    from otvisit.services import diary, waiting_list
    from otvisit.services.demo_caseload import build_demo_caseload

    today = date.today()
    with tempfile.TemporaryDirectory() as folder:
        store = Profile.locate(DEMO_PROFILE, Path(folder)).ensure().open_store()
        try:
            with store.transaction() as session:
                summary = build_demo_caseload(
                    session, children=CHILDREN, records=RECORDS,
                    strategies=list(bundled_library().strategies.values()),
                )  # fmt: skip
            with store.read_session() as session:
                appointments = session.scalar(select(func.count()).select_from(Appointment))
                busiest = session.execute(
                    select(Appointment.therapist_id, func.count())
                    .group_by(Appointment.therapist_id)
                    .order_by(func.count().desc())
                ).first()
                assert busiest is not None
                therapist = str(busiest[0])
                monday = diary.week_start(today) - timedelta(weeks=4)
                wait_median, wait_max, rows = _timed(
                    lambda: waiting_list.waiting_list(session, today=today, team_id=summary.team_id)
                )
                day_median, day_max, _ = _timed(
                    lambda: diary.my_diary(session, therapist_id=therapist, start=monday)
                )
                week_median, week_max, week = _timed(
                    lambda: diary.my_diary(session, therapist_id=therapist, start=monday, days=7)
                )
        finally:
            store.close()
    waiting = len(rows)  # type: ignore[arg-type]
    visits = sum(len(day.visits) for day in week)  # type: ignore[attr-defined]
    note = f"{CHILDREN} children, {appointments:,} appointments; {RUNS} runs"
    return [
        Row("Waiting list (median)", wait_median, "ms", 50.0, note=f"{waiting} waiting; {note}"),
        Row("Waiting list (slowest)", wait_max, "ms", 50.0),
        Row("My diary, one day (median)", day_median, "ms", 50.0, note="busiest therapist"),
        Row("My diary, one day (slowest)", day_max, "ms", 50.0),
        Row("My diary, one week (median)", week_median, "ms", 50.0, note=f"{visits} visits"),
        Row("My diary, one week (slowest)", week_max, "ms", 50.0),
    ]


if __name__ == "__main__":
    print(format_table(run()))
