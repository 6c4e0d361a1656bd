"""Sync client against a real server on loopback: initial 50,000-record sync, no-change sync,
a day's work (500 operations) pushed and pulled."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import keyring  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from table import Row, format_table  # noqa: E402

from otvisit.models import Child, Goal, SessionNote  # noqa: E402
from otvisit.models.base import utcnow  # noqa: E402
from otvisit.models.encryption import new_database_key  # noqa: E402
from otvisit.models.store import Store  # noqa: E402
from otvisit.sync.client import HttpTransport, SyncReport, login, sync_once  # noqa: E402
from otvisit.sync.server.database import Database, SequenceLock  # noqa: E402
from otvisit.sync.server.schema import Record  # noqa: E402
from tests.fakes import MemoryKeyring  # noqa: E402
from tests.support.server_process import ServerProcess, seed_team, sqlite_url  # noqa: E402

#: OTVISIT_BENCH_RECORDS: a smaller size while developing (the real run uses 50,000).
RECORDS = int(os.environ.get("OTVISIT_BENCH_RECORDS", "50000"))
CHILDREN = 300
DAY_OPS = 500
NO_CHANGE_RUNS = 30
NOTE = "Practised doing up the coat zip with mum; used hand-over-hand then faded prompts. " * 3


def _seed(url: str, team_id: str, author: str) -> None:
    """RECORDS records of one team straight into the server's table: children, then notes."""
    children = [str(uuid.uuid4()) for _ in range(CHILDREN)]
    database = Database(url)
    now = utcnow()
    try:
        with database.write() as session:
            lock = SequenceLock(session)
            rows: list[dict[str, object]] = []
            for n in range(RECORDS):
                seq = lock.next()
                child = children[n % CHILDREN]
                if n < CHILDREN:
                    rid, entity = child, "child"
                    fields: dict[str, object] = {
                        "team_id": team_id,
                        "given_name": f"Child {n}",
                        "family_name": "Test",
                        "date_of_birth": "2019-03-14",
                        "nhs_number": "9434765919",
                    }
                else:
                    rid, entity = str(uuid.uuid4()), "session_note"
                    fields = {
                        "child_id": child,
                        "author_id": author,
                        "seen_on": "2026-11-24",
                        "place": "home",
                        "body": NOTE,
                        "plan": "Review in six weeks.",
                    }
                rows.append(
                    {
                        "id": rid,
                        "entity": entity,
                        "team_id": team_id,
                        "child_id": child,
                        "fields": json.dumps(fields),
                        "field_seq": json.dumps({k: [seq, None] for k in fields}),
                        "seq": seq,
                        "deleted": False,
                        "created_at": now,
                        "updated_at": now,
                        "updated_by": "bench",
                    }
                )
                if len(rows) == 5000:
                    session.execute(insert(Record), rows)
                    rows = []
            if rows:
                session.execute(insert(Record), rows)
            lock.save()
    finally:
        database.dispose()


def _laptop(path: Path, server: ServerProcess, username: str, password: str) -> Store:
    store = Store.open(path, key=new_database_key())  # encrypted, as on a real laptop
    with store.transaction() as session:
        login(session, server_url=server.base_url, username=username, password=password,
              device_name=path.stem)  # fmt: skip
    return store


def _timed(store: Store, transport: HttpTransport) -> tuple[float, SyncReport]:
    start = time.perf_counter()
    report = sync_once(store, transport=transport)
    elapsed = time.perf_counter() - start
    if report.failure:
        raise RuntimeError(f"sync failed: {report.error}")
    return elapsed, report


def _day_of_work(store: Store, child_ids: list[str], author: str) -> None:
    """DAY_OPS operations as a therapist's day makes them: edits to notes, new goals."""
    with store.transaction() as session:
        notes = session.scalars(select(SessionNote).limit(DAY_OPS // 2)).all()
        for note in notes:
            note.plan = "Seen at school; teacher to practise daily."
    for n in range(DAY_OPS - len(notes)):
        with store.transaction() as session:  # one save per goal, as in the app
            session.add(Goal(child_id=child_ids[n % len(child_ids)], wording=f"Goal {n}",
                             set_on=date(2026, 11, 24)))  # fmt: skip


def run() -> list[Row]:
    keyring.set_keyring(MemoryKeyring())
    folder = Path(tempfile.mkdtemp(prefix="otvisit-bench-sync-"))
    url = sqlite_url(folder)
    rows: list[Row] = []
    try:
        with ServerProcess(url) as server:
            team = seed_team(url, therapists=2)
            first, second = team.therapists
            _seed(url, team.team_id, first.user_id)
            a = _laptop(folder / "a.db", server, first.username, first.password)
            transport = HttpTransport(server.base_url)
            initial, report = _timed(a, transport)
            assert report.pulled >= RECORDS
            rows.append(Row(f"initial sync, {report.pulled:,} records onto an empty laptop",
                            initial, "s", target=5.0,
                            note=f"{report.pull_batches} batches, encrypted store"))  # fmt: skip
            quiet = [_timed(a, transport)[0] * 1000 for _ in range(NO_CHANGE_RUNS)]
            spread = f"max {max(quiet):.0f} ms of {NO_CHANGE_RUNS}"
            rows.append(Row("no-change sync (median)", statistics.median(quiet), "ms",
                            target=50.0, note=spread))  # fmt: skip
            b = _laptop(folder / "b.db", server, second.username, second.password)
            second_initial, _ = _timed(b, HttpTransport(server.base_url))
            rows.append(Row("initial sync, a second laptop", second_initial, "s", target=5.0))
            with a.read_session() as session:
                child_ids = list(session.scalars(select(Child.id)))
            _day_of_work(a, child_ids, first.user_id)
            pushed, report = _timed(a, transport)
            rows.append(Row(f"a day's work: {report.pushed} ops pushed + pulled back", pushed, "s",
                            target=1.0, note=f"{report.pulled} written back, "
                            f"{report.held} held already"))  # fmt: skip
            pulled, report = _timed(b, HttpTransport(server.base_url))
            rows.append(Row("a day's work: colleague's laptop pulls it", pulled, "s", target=1.0,
                            note=f"{report.pulled} records"))  # fmt: skip
            a.close()
            b.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


if __name__ == "__main__":
    print(format_table(run(), title="sync client (loopback server, SQLite)"))
