"""The local store at team scale: build 300 children / 50,000 records, open and list, memory."""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from table import Row, format_table

from otvisit.models.store import Store
from otvisit.reports.strategy_library import bundled_library
from otvisit.services.caseload import list_caseload
from otvisit.services.demo_caseload import build_demo_caseload, demo_rows

CHILDREN = 300
RECORDS = 50_000
SEED = 1
#: A fixed "today" so every run builds the same caseload and lists the same next appointments.
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
OUTBOX_SAMPLE = 5_000


def _build(path: Path, children: int, records: int) -> float:
    strategies = list(bundled_library().strategies.values())
    started = time.perf_counter()
    store = Store.open(path)
    with store.transaction() as session:
        build_demo_caseload(
            session,
            children=children,
            records=records,
            seed=SEED,
            strategies=strategies,
            today=TODAY,
        )
    store.close()
    return time.perf_counter() - started


def _open_and_list(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    store = Store.open(path)
    with store.read_session() as session:
        rows = list_caseload(session, now=NOW)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, len(rows)


def _through_the_outbox(path: Path) -> float:
    """Demo rows added as ORM objects, so each is captured into the outbox as a local edit."""
    _, rows = demo_rows(children=30, records=OUTBOX_SAMPLE, seed=SEED, today=TODAY)
    objects = [model(**values) for model, model_rows in rows.items() for values in model_rows]
    store = Store.open(path)
    started = time.perf_counter()
    with store.transaction() as session:
        session.add_all(objects)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed * RECORDS / len(objects)


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="otvisit-bench-") as folder:
        path = Path(folder) / "otvisit.db"
        build_s = _build(path, CHILDREN, RECORDS)
        gc.collect()
        first_s, listed = _open_and_list(path)
        repeats = [_open_and_list(path)[0] for _ in range(5)]
        tracemalloc.start()
        _open_and_list(path)
        _, list_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size_mb = path.stat().st_size / 1e6
        outbox_s = _through_the_outbox(Path(folder) / "outbox" / "otvisit.db")
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        Row(
            f"create {CHILDREN}-child / {RECORDS:,}-record caseload (bulk, no outbox)",
            build_s,
            "s",
            target=20.0,
            note=f"database {size_mb:.0f} MB",
        ),
        Row(
            "  same rows through ORM + outbox capture, per 50,000",
            outbox_s,
            "s",
            note=f"measured on {OUTBOX_SAMPLE:,} records, scaled",
        ),
        Row(
            "open store + list caseload, first",
            first_s * 1000,
            "ms",
            target=200.0,
            note=f"{listed} children with next appointment",
        ),
        Row(
            "open store + list caseload, median of 5",
            statistics.median(repeats) * 1000,
            "ms",
            target=200.0,
        ),
        Row("memory: open + list (tracemalloc peak)", list_peak / 1e6, "MB"),
        Row(
            "memory: benchmark process peak RSS",
            peak_rss_mb,
            "MB",
            note="build of 50,000 rows included",
        ),
    ]


if __name__ == "__main__":
    print(format_table(run(), title="bench_store"))
