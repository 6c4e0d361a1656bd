"""Sync server on loopback: initial pull of 50,000 records, 50 devices pulling, 500-op push."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import insert  # noqa: E402
from table import Row, format_table  # noqa: E402

from otvisit.models.base import utcnow  # noqa: E402
from otvisit.sync import protocol  # noqa: E402
from otvisit.sync.server.database import Database, SequenceLock  # noqa: E402
from otvisit.sync.server.schema import Record  # noqa: E402
from tests.support.api import ApiClient  # noqa: E402
from tests.support.server_process import (  # noqa: E402
    SeededTeam,
    ServerProcess,
    fresh_postgres_schema,
    postgres_problem,
    seed_team,
    sqlite_url,
)

RECORDS = 50_000
CHILDREN = 300
DEVICES = 50
ROUNDS = 6
PUSH_OPS = 500
#: Server processes tried for the 50-device pull (``otvisit-server serve --workers N``).
WORKERS = (1, 2)
NOTE = "Practised doing up the coat zip with mum; used hand-over-hand then faded prompts. " * 3


def _seed_records(url: str, team_id: str, author: str) -> list[str]:
    """RECORDS records of one team: children, then session notes spread over them."""
    children = [str(uuid.uuid4()) for _ in range(CHILDREN)]
    database = Database(url)
    now = utcnow()
    try:
        with database.write() as session:
            lock = SequenceLock(session)
            batch: list[dict[str, object]] = []
            for n in range(RECORDS):
                seq = lock.next()
                if n < CHILDREN:
                    rid = child = children[n]
                    entity = "child"
                    fields = {"team_id": team_id, "given_name": f"Child {n}",
                              "family_name": "Test", "date_of_birth": "2019-03-14",
                              "nhs_number": "9434765919"}  # fmt: skip
                else:
                    rid, child, entity = str(uuid.uuid4()), children[n % CHILDREN], "session_note"
                    fields = {"child_id": child, "author_id": author,
                              "seen_on": "2026-11-24", "place": "home", "body": NOTE,
                              "plan": "Review in six weeks."}  # fmt: skip
                batch.append({
                    "id": rid, "entity": entity, "team_id": team_id, "child_id": child,
                    "fields": json.dumps(fields),
                    "field_seq": json.dumps({k: [seq, None] for k in fields}),
                    "seq": seq, "deleted": False, "created_at": now, "updated_at": now,
                    "updated_by": "bench",
                })  # fmt: skip
                if len(batch) == 5000:
                    session.execute(insert(Record), batch)
                    batch = []
            if batch:
                session.execute(insert(Record), batch)
            lock.save()
    finally:
        database.dispose()
    return children


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _pull_round(clients: list[Any], cursor: int) -> list[float]:
    """Every device pulls at the same moment; the latency of each pull, in seconds."""

    async def one(client: Any) -> float:
        began = time.perf_counter()
        answer = await client.get(protocol.PULL_PATH, params={"cursor": cursor, "limit": 1000})
        took = time.perf_counter() - began
        assert answer.status_code == 200 and len(answer.json()["records"]) == 20, answer.text
        return took

    return list(await asyncio.gather(*(one(client) for client in clients)))


def _load_process(base_url: str, tokens: list[str], commands: Connection) -> None:
    """The 50 devices, in a process of their own: one asyncio loop, one connection each."""
    import httpx

    async def main() -> None:
        headers = {protocol.SCHEMA_HEADER: str(protocol.SCHEMA_VERSION)}
        clients = [
            httpx.AsyncClient(
                base_url=base_url, timeout=60.0, headers={**headers, "Authorization": f"Bearer {t}"}
            )
            for t in tokens
        ]
        try:
            for client in clients:  # open the connections before timing anything
                assert (await client.get(protocol.ME_PATH)).status_code == 200
            while (cursor := commands.recv()) is not None:
                commands.send(await _pull_round(clients, cursor))
        finally:
            for client in clients:
                await client.aclose()

    asyncio.run(main())


def _many_devices(
    url: str, team: SeededTeam, children: list[str], cursor: int, workers: int
) -> list[float]:
    """50 devices pulling 20 new records at once, ROUNDS times, against ``workers`` processes."""
    with ServerProcess(url, serve_args=["--workers", str(workers)]) as server:
        writer = ApiClient(server.base_url).login(
            team.therapists[1].username, team.therapists[1].password
        )
        tokens = [
            ApiClient(server.base_url)
            .login(team.therapists[n % 2].username, team.therapists[n % 2].password, f"laptop {n}")
            .token
            for n in range(DEVICES)
        ]
        cursor = writer.pull_all(cursor, limit=5000)["cursor"]
        mine, theirs = multiprocessing.get_context("spawn").Pipe()
        load = multiprocessing.get_context("spawn").Process(
            target=_load_process, args=(server.base_url, tokens, theirs)
        )
        load.start()
        latencies: list[float] = []
        try:
            for round_number in range(ROUNDS):
                writer.push([
                    writer.op("goal", {"child_id": children[n], "set_on": "2026-11-24",
                                       "wording": f"W{workers} R{round_number} {n}"})
                    for n in range(20)
                ])  # fmt: skip
                mine.send(cursor)
                latencies += mine.recv()
                cursor = writer.pull(cursor)["next_cursor"]
        finally:
            mine.send(None)
            load.join(timeout=60)
            writer.close()
    return latencies


def _measure(url: str, label: str) -> list[Row]:
    team = seed_team(url, therapists=2)
    children = _seed_records(url, team.team_id, team.therapists[0].user_id)
    rows: list[Row] = []
    with ServerProcess(url) as server:
        first = ApiClient(server.base_url).login(
            team.therapists[0].username, team.therapists[0].password
        )
        started = time.perf_counter()
        pulled = first.pull_all(limit=5000)
        elapsed = time.perf_counter() - started
        count = len(pulled["records"])
        assert count >= RECORDS, count
        rows.append(Row(f"{label}: initial pull of {count:,} records", count / elapsed,
                        "records/s", 10_000, lower_is_better=False,
                        note=f"{elapsed:.2f} s, pages of 5,000"))  # fmt: skip

        writer = ApiClient(server.base_url).login(
            team.therapists[1].username, team.therapists[1].password
        )
        ops = [
            writer.op("goal", {"child_id": children[n % CHILDREN], "wording": f"Goal {n}",
                               "set_on": "2026-11-24"})
            for n in range(PUSH_OPS)
        ]  # fmt: skip
        started = time.perf_counter()
        answer = writer.push(ops)
        push_time = time.perf_counter() - started
        assert all(r["status"] == "applied" for r in answer["results"])
        rows.append(Row(f"{label}: push of {PUSH_OPS} operations", push_time, "s", 1.0,
                        note="one batch, one transaction"))  # fmt: skip
        cursor = pulled["cursor"]
        for client in (first, writer):
            client.close()
    for workers in WORKERS:
        latencies = _many_devices(url, team, children, cursor, workers)
        name = f"{label}, {workers} worker{'s' if workers > 1 else ''}: incremental pull"
        note = f"{DEVICES} devices at once (own process, asyncio), {ROUNDS} rounds of 20 records"
        rows.append(Row(f"{name} p50", _percentile(latencies, 0.5) * 1000, "ms", note=note))
        rows.append(Row(f"{name} p95", _percentile(latencies, 0.95) * 1000, "ms", 200))
        rows.append(Row(f"{name} mean", statistics.mean(latencies) * 1000, "ms"))
    return rows


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        rows += _measure(sqlite_url(Path(folder)), "SQLite")
    problem = postgres_problem()
    if problem is None:
        with fresh_postgres_schema() as url:
            rows += _measure(url, "PostgreSQL")
    else:
        rows.append(Row("PostgreSQL: not measured", 0, "", note=problem[:60]))
    return rows


if __name__ == "__main__":
    print(format_table(run(), title="otvisit sync server"))
