"""The cost of SQLCipher at rest: opening the 300-child store and listing the caseload."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import CHILDREN, NOW, RECORDS, _build
from sqlalchemy import text
from table import Row, format_table

from otvisit.models.encryption import encrypt_in_place, new_database_key
from otvisit.models.store import Store
from otvisit.services.caseload import list_caseload

REPEATS = 15


def _open(path: Path, key: str | None) -> float:
    started = time.perf_counter()
    store = Store.open(path, key=key)
    with store.read_session() as session:
        session.execute(text("SELECT count(*) FROM child"))
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def _open_and_list(path: Path, key: str | None) -> float:
    started = time.perf_counter()
    store = Store.open(path, key=key)
    with store.read_session() as session:
        list_caseload(session, now=NOW)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def _list_open_store(path: Path, key: str | None) -> float:
    """The caseload listed again on a store the app already has open (its page cache warm)."""
    store = Store.open(path, key=key)
    with store.read_session() as session:
        list_caseload(session, now=NOW)
    started = time.perf_counter()
    with store.read_session() as session:
        list_caseload(session, now=NOW)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def _median(measure: Callable[[Path, str | None], float], path: Path, key: str | None) -> float:
    return statistics.median(measure(path, key) for _ in range(REPEATS))


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="otvisit-bench-crypt-") as folder:
        plain = Path(folder) / "plain" / "otvisit.db"
        _build(plain, CHILDREN, RECORDS)
        encrypted = Path(folder) / "encrypted" / "otvisit.db"
        encrypted.parent.mkdir()
        shutil.copy(plain, encrypted)
        key = new_database_key()
        started = time.perf_counter()
        encrypt_in_place(encrypted, key)
        migrate_s = time.perf_counter() - started
        _open_and_list(plain, None)  # warm the page cache for both files alike
        _open_and_list(encrypted, key)
        open_plain = _median(_open, plain, None)
        open_crypt = _median(_open, encrypted, key)
        list_plain = _median(_open_and_list, plain, None)
        list_crypt = _median(_open_and_list, encrypted, key)
        again_plain = _median(_list_open_store, plain, None)
        again_crypt = _median(_list_open_store, encrypted, key)
    return [
        Row("open store, plain", open_plain * 1000, "ms"),
        Row("open store, SQLCipher", open_crypt * 1000, "ms"),
        Row("  ratio encrypted / plain (open)", open_crypt / open_plain, "x", target=1.3),
        Row("open + list 300-child caseload, plain", list_plain * 1000, "ms"),
        Row("open + list 300-child caseload, SQLCipher", list_crypt * 1000, "ms", target=200.0),
        Row("  ratio encrypted / plain (caseload)", list_crypt / list_plain, "x", target=1.3),
        Row("list caseload again (store open), plain", again_plain * 1000, "ms"),
        Row("list caseload again (store open), SQLCipher", again_crypt * 1000, "ms"),
        Row(
            "  ratio encrypted / plain (caseload, open)",
            again_crypt / again_plain,
            "x",
            target=1.3,
        ),
        Row(f"encrypt a plain {RECORDS:,}-record store in place", migrate_s, "s"),
    ]


if __name__ == "__main__":
    print(format_table(run(), title="bench_encryption"))
