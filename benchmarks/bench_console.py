"""The team lead's console on PostgreSQL: outcomes and waiting list for a team, then in a trust.

A team: 300 children, 50,000 records (the demo caseload's mix). A trust: 20 such teams,
1,000,000 records. Records are written as the server stores them, with their console facts
(the projection every push writes); the figures are then computed on read from the facts.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import String, cast, func, insert, literal, select  # noqa: E402
from sqlalchemy.dialects.postgresql import UUID  # noqa: E402
from table import Row, format_table  # noqa: E402

from otvisit.models.base import utcnow  # noqa: E402
from otvisit.models.registry import FIELDS  # noqa: E402
from otvisit.models.wire import to_wire  # noqa: E402
from otvisit.services.demo_caseload import demo_rows  # noqa: E402
from otvisit.sync.server import admin  # noqa: E402
from otvisit.sync.server.database import Database, SequenceLock  # noqa: E402
from otvisit.sync.server.schema import Record  # noqa: E402
from otvisit.sync.server.team_views.facts import FACT_TABLES  # noqa: E402
from otvisit.sync.server.team_views.outcomes import team_outcomes  # noqa: E402
from otvisit.sync.server.team_views.projection import Written, project  # noqa: E402
from otvisit.sync.server.team_views.waiting_list import team_waiting_list  # noqa: E402
from tests.support.server_process import fresh_postgres_schema, postgres_problem  # noqa: E402

CHILDREN = 300
RECORDS = 50_000
TEAMS = 20
RUNS = 7
SKIPPED = {"team", "therapist"}  # made by the server's admin commands, not pushed


def _add_team(database: Database, seed: int, today: date) -> str:
    """One team's demo caseload written as records plus facts; returns the team id."""
    _, rows = demo_rows(children=CHILDREN, records=RECORDS, seed=seed, today=today)
    with database.write() as session:
        team_id = admin.create_team(session, name=f"Team {seed}")
        therapist = admin.create_user(
            session, team_id=team_id, username=f"ot-{seed}", full_name=f"Therapist {seed}",
            password="bench password",
        )  # fmt: skip
    now = utcnow()
    with database.write() as session:
        lock = SequenceLock(session)
        batch: list[dict[str, Any]] = []
        written: list[Written] = []
        for model, model_rows in rows.items():
            entity = model.__entity__
            if entity in SKIPPED:
                continue
            specs = FIELDS[entity]
            for row in model_rows:
                fields = {k: to_wire(specs[k], v) for k, v in row.items() if k in specs}
                if "team_id" in fields:
                    fields["team_id"] = team_id
                if entity == "child":
                    fields["therapist_id"] = therapist
                child = row["id"] if entity == "child" else row.get("child_id")
                seq = lock.next()
                batch.append({
                    "id": row["id"], "entity": entity, "team_id": team_id, "child_id": child,
                    "fields": json.dumps(fields),
                    "field_seq": json.dumps({k: [seq, None] for k in fields}),
                    "seq": seq, "deleted": False, "created_at": now, "updated_at": now,
                    "updated_by": "bench",
                })  # fmt: skip
                written.append(Written(entity, row["id"], team_id, child, fields, False))
                if len(batch) == 5000:
                    session.execute(insert(Record), batch)
                    project(session, written)
                    batch, written = [], []
        if batch:
            session.execute(insert(Record), batch)
            project(session, written)
        lock.save()
    return team_id


_IDS = ("id", "child_id", "episode_id", "goal_id")


def _clone_team(database: Database, first: str, number: int) -> str:
    """Another team with a copy of the first team's records and facts under new ids.

    Copied in SQL (ids mapped with md5, the same way in every table) to build a trust in
    minutes: the records' JSON keeps the old ids, which the console never reads.
    """
    with database.write() as session:
        team_id = admin.create_team(session, name=f"Team {number}")
        therapist = admin.create_user(
            session, team_id=team_id, username=f"ot-{number}", full_name=f"Therapist {number}",
            password="bench password",
        )  # fmt: skip
        salt = f"/{number}"

        def mapped(column: Any) -> Any:
            return cast(cast(func.md5(column + salt), UUID), String)

        record = Record.__table__
        columns = [c for c in record.columns]
        chosen = [
            mapped(c) if c.name in ("id", "child_id")
            else literal(team_id) if c.name == "team_id"
            else (c + number * 10_000_000) if c.name == "seq"
            else c
            for c in columns
        ]  # fmt: skip
        session.execute(
            insert(record).from_select(
                [c.name for c in columns],
                select(*chosen).where(record.c.team_id == first,
                                      record.c.entity.not_in(("team", "therapist"))),
            )
        )  # fmt: skip
        for model in FACT_TABLES.values():
            table = model.__table__
            columns = list(table.columns)
            chosen = [
                mapped(c) if c.name in _IDS
                else literal(team_id) if c.name == "team_id"
                else literal(therapist) if c.name == "therapist_id"
                else c
                for c in columns
            ]  # fmt: skip
            session.execute(
                insert(table).from_select(
                    [c.name for c in columns], select(*chosen).where(table.c.team_id == first)
                )
            )
    return team_id


def _timed(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _page(database: Database, team_id: str, today: date) -> Callable[[], object]:
    def work() -> object:
        with database.read() as session:
            outcomes = team_outcomes(session, team_id=team_id, start=today - timedelta(days=364),
                                     end=today)  # fmt: skip
            waiting = team_waiting_list(session, team_id=team_id, today=today)
        return outcomes, waiting

    return work


def run() -> list[Row]:
    problem = postgres_problem()
    if problem is not None:
        return [Row("console: PostgreSQL not measured", 0, "", note=problem[:60])]
    today = date.today()
    rows: list[Row] = []
    with fresh_postgres_schema() as url:
        database = Database(url)
        try:
            database.migrate()
            started = time.perf_counter()
            first = _add_team(database, 1, today)
            loaded = time.perf_counter() - started
            with database.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            team_page = _timed(_page(database, first, today))
            note = "median of 7, computed on read from the facts"
            rows.append(Row("console, team 300 children / 50,000 records", team_page, "ms", 300,
                            note=note))  # fmt: skip
            rows.append(Row("  writing 50,000 records with their facts", loaded, "s"))
            print(format_table(rows, title="team"), flush=True)
            teams = [first]
            for number in range(2, TEAMS + 1):
                teams.append(_clone_team(database, first, number))
            with database.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
                total = connection.exec_driver_sql("SELECT count(*) FROM record").scalar_one()
            trust_page = _timed(_page(database, teams[-1], today))
            name = f"console, trust {TEAMS} teams / {total:,} records"
            note = "one team's outcomes + waiting list, median of 7"
            rows.append(Row(name, trust_page, "ms", 1000, note=note))
            every = _timed(lambda: [_page(database, t, today)() for t in teams])
            rows.append(Row(f"  all {TEAMS} teams' pages one after another", every, "ms",
                            note="no target: the console is team-scoped"))  # fmt: skip
        finally:
            database.dispose()
    return rows


if __name__ == "__main__":
    print(format_table(run(), title="otvisit team console (PostgreSQL)"))
