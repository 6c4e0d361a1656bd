"""FHIR export: one child with five years of records, and a whole 300-child caseload.

Run: python benchmarks/bench_fhir.py (or python benchmarks/run.py bench_fhir). The time is
the whole export as the command does it: read the record, build and validate every
resource with fhir.resources, and serialise the Bundle to JSON text.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from otvisit.fhir.export import bundle_json, export_child
from otvisit.models import (
    Appointment,
    Child,
    CopmProblem,
    EquipmentRecommendation,
    GasRating,
    Goal,
    NoteAddendum,
    SessionNote,
    new_id,
)
from otvisit.models.registry import SYNCED_MODELS
from otvisit.models.store import Store
from otvisit.models.vocabulary import AppointmentStatus, AppointmentType, Place
from otvisit.models.wire import record_fields
from otvisit.reports.strategy_library import bundled_library
from otvisit.services.demo_caseload import build_demo_caseload
from otvisit.sync.server.console.fhir_exchange import bundle_from_records

sys.path.insert(0, str(Path(__file__).resolve().parent))
from table import Row, format_table

YEARS = 5
CASELOAD_CHILDREN = 300
CASELOAD_RECORDS = 50_000


def _five_years(store: Store, child_id: str, therapist_id: str, *, every_weeks: int) -> int:
    """Five years of contacts, each with a signed note; active goals rated every 4 weeks."""
    rng = random.Random(5)
    start = date(2021, 12, 1)
    added = 0
    with store.transaction() as session:
        goals = []
        for n in range(12):
            goal = Goal(
                id=new_id(),
                child_id=child_id,
                wording=f"Goal {n}: will manage a school routine",
                set_on=start + timedelta(days=150 * n),
                gas_zero="Expected outcome",
                gas_minus1="Some help",
                gas_minus2="Full help",
                gas_plus1="More",
                gas_plus2="Much more",
            )
            goals.append(goal)
        session.add_all(goals)
        for week in range(0, 52 * YEARS, every_weeks):
            day = start + timedelta(weeks=week)
            when = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
            appointment = Appointment(
                id=new_id(),
                child_id=child_id,
                therapist_id=therapist_id,
                kind=AppointmentType.INTERVENTION,
                place=Place.SCHOOL,
                starts_at=when,
                status=AppointmentStatus.ATTENDED,
            )
            note = SessionNote(
                id=new_id(),
                child_id=child_id,
                appointment_id=appointment.id,
                author_id=therapist_id,
                seen_on=day,
                place=Place.SCHOOL,
                body="Worked on the routine with the teaching assistant. " * 6,
                plan="Practise daily.",
                signed_at=when + timedelta(hours=2),
                signed_by_id=therapist_id,
            )
            session.add_all([appointment, note])
            added += 2
            if week % (10 * every_weeks) == 0:
                session.add(
                    NoteAddendum(
                        id=new_id(),
                        child_id=child_id,
                        note_id=note.id,
                        author_id=therapist_id,
                        written_at=when + timedelta(days=1),
                        text="Teacher phoned with an update.",
                    )
                )
                added += 1
            if week % max(4, every_weeks) < every_weeks:
                for goal in goals:
                    if goal.set_on <= day < goal.set_on + timedelta(days=365):
                        session.add(
                            GasRating(
                                id=new_id(),
                                child_id=child_id,
                                goal_id=goal.id,
                                rated_on=day,
                                level=rng.randint(-2, 2),
                            )
                        )
                        added += 1
        for n in range(10):
            session.add(
                CopmProblem(
                    id=new_id(),
                    child_id=child_id,
                    occupation=f"Occupation {n}",
                    baseline_on=start,
                    baseline_performance=3,
                    baseline_satisfaction=4,
                    reassessed_on=start + timedelta(days=300),
                    reassessed_performance=6,
                    reassessed_satisfaction=7,
                    importance=8,
                )
            )
            session.add(
                EquipmentRecommendation(
                    id=new_id(),
                    child_id=child_id,
                    item=f"Item {n}",
                    setting=Place.SCHOOL,
                    functional_need="Sitting to write",
                    recommended_on=start,
                    measurements={"seat_height": 31.0, "table_height": 52.0},
                )
            )
            added += 2
    return added + 12


def _export_ms(store: Store, child_id: str) -> tuple[float, int, float]:
    """Wall time (ms), the JSON's length, and this process's CPU time (ms): on a shared
    machine the wall time also holds the time other processes had the cores."""
    with store.transaction() as session:
        started, cpu = time.perf_counter(), time.process_time()
        text = bundle_json(export_child(session, child_id=child_id, actor_id=None))
        return (
            (time.perf_counter() - started) * 1000,
            len(text),
            (time.process_time() - cpu) * 1000,
        )


def _server_rows(store: Store, child_id: str) -> list[tuple[Any, ...]]:
    """The child's records (and the team's and staff's) as the server's record table holds them."""
    rows: list[tuple[Any, ...]] = []
    with store.read_session() as session:
        for model in SYNCED_MODELS:
            entity = model.__entity__
            if entity in ("team", "therapist"):
                found = session.scalars(select(model))
            elif hasattr(model, "child_id") or entity == "child":
                column = model.id if entity == "child" else model.child_id  # type: ignore[attr-defined]
                found = session.scalars(select(model).where(column == child_id))
            else:
                continue
            for seq, record in enumerate(found, start=len(rows) + 1):
                rows.append((record.id, entity, None if entity in ("team", "therapist")
                             else child_id, json.dumps(record_fields(record)), seq,
                             record.deleted, record.created_at))  # fmt: skip
    return rows


def _console_ms(store: Store, child_id: str) -> float:
    """The team console's export: the server's records loaded into an in-memory local store
    through the laptop's apply code, then the same export (the server's SELECT aside)."""
    rows = _server_rows(store, child_id)
    started = time.perf_counter()
    bundle_from_records(rows, child_id=child_id, actor_id=None)
    return (time.perf_counter() - started) * 1000


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="otvisit-bench-fhir-") as folder:
        store = Store.open(Path(folder) / "otvisit.db")
        try:
            with store.transaction() as session:
                build_demo_caseload(
                    session,
                    children=CASELOAD_CHILDREN,
                    records=CASELOAD_RECORDS,
                    strategies=list(bundled_library().strategies.values()),
                )
            with store.read_session() as session:
                children = list(session.scalars(select(Child.id).order_by(Child.id)))
                author = session.scalars(select(SessionNote.author_id)).first()
            assert author is not None
            measured = []
            for child_id, every in ((children[0], 3), (children[1], 1)):
                records = _five_years(store, child_id, author, every_weeks=every)
                _export_ms(store, child_id)  # warm the model classes once
                runs = [_export_ms(store, child_id) for _ in range(7)]
                measured.append(
                    (
                        every,
                        records,
                        statistics.median(ms for ms, _, _ in runs),
                        runs[0][1],
                        statistics.median(cpu for _, _, cpu in runs),
                    )
                )
            console_ms = statistics.median(_console_ms(store, children[0]) for _ in range(7))
            started, cpu = time.perf_counter(), time.process_time()
            for child_id in children[2:]:
                _export_ms(store, child_id)
            caseload_s = time.perf_counter() - started
            caseload_cpu = time.process_time() - cpu
        finally:
            store.close()
    (_, usual, usual_ms, usual_size, usual_cpu), (_, heavy, heavy_ms, heavy_size, heavy_cpu) = (
        measured
    )
    return [
        Row(
            f"FHIR export, {YEARS} years seen every 3 weeks ({usual:,} records), median of 7",
            usual_ms,
            "ms",
            target=200.0,
            note=f"bundle {usual_size / 1024:,.0f} KiB; CPU {usual_cpu:,.0f} ms",
        ),
        Row(
            f"  same, seen every week for {YEARS} years ({heavy:,} records)",
            heavy_ms,
            "ms",
            note=f"bundle {heavy_size / 1024:,.0f} KiB; CPU {heavy_cpu:,.0f} ms",
        ),
        Row(
            "  same child from the team console (records loaded into memory first)",
            console_ms,
            "ms",
            note="otvisit.sync.server.console.fhir_exchange",
        ),
        Row(
            f"FHIR export, whole caseload ({CASELOAD_CHILDREN - 2} children, "
            f"{CASELOAD_RECORDS:,} records)",
            caseload_s,
            "s",
            target=30.0,
            note=f"one bundle per child, to JSON text; CPU {caseload_cpu:,.1f} s",
        ),
    ]


if __name__ == "__main__":
    rows = run()
    print(format_table(rows, title="FHIR export"))
    sys.exit(0 if all(r.verdict != "MISSED" for r in rows) else 1)
