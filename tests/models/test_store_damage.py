"""A damaged local store is never opened nor written: one clear message, a copy kept beside it.

Six kinds of damage on a real encrypted store file (truncated, zeroed pages, random bytes in the
middle, emptied to 0 bytes, the wrong key, a damaged header), then ``otvisit print`` on a damaged
demo profile, run as the real command.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from otvisit.models import Child, SessionNote
from otvisit.models.encryption import StoreKeyError, new_database_key
from otvisit.models.store import Store, StoreDamaged
from otvisit.models.vocabulary import Place

PAGE = 4096


def _filled_store(path: Path, key: str) -> None:
    store = Store.open(path, key=key)
    with store.transaction() as session:
        for n in range(300):
            child = Child(team_id="t", given_name=f"Child {n}", family_name="Okafor",
                          date_of_birth=date(2019, 3, 14), nhs_number="9434765919")  # fmt: skip
            session.add(child)
            session.flush()
            session.add(SessionNote(child_id=child.id, author_id="a", seen_on=date(2026, 11, 24),
                                    place=Place.HOME, body="Buttons practised. " * 20))  # fmt: skip
    store.close()  # the last connection to close folds the WAL into the file


def _truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _zero_pages(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(PAGE * 10)
        handle.write(b"\0" * PAGE * 5)


def _random_middle(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        handle.write(random.Random(11).randbytes(3000))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"\xff" * 64)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "zeroed pages": _zero_pages,
    "random bytes in the middle": _random_middle,
    "emptied to 0 bytes": _empty,
    "header damaged": _header,
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_store_is_refused_untouched_with_a_copy_kept(tmp_path: Path, kind: str) -> None:
    path, key = tmp_path / "otvisit.db", new_database_key()
    _filled_store(path, key)
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    DAMAGE[kind](path)
    damaged = path.read_bytes()
    with pytest.raises(StoreKeyError) as refused:
        Store.open(path, key=key)
    message = str(refused.value)
    assert "otvisit.db" in message and "Traceback" not in message
    assert path.read_bytes() == damaged  # never written, never re-created empty
    if isinstance(refused.value, StoreDamaged):
        assert "do not delete anything" in message
        [copy] = tmp_path.glob("otvisit.damaged-*.db")
        assert copy.read_bytes() == damaged and copy.name in message
    else:  # a damaged header can't be told from another key
        assert kind == "header damaged" and "another key" in message


def test_the_wrong_key_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path, key = tmp_path / "otvisit.db", new_database_key()
    _filled_store(path, key)
    before = path.read_bytes()
    with pytest.raises(StoreKeyError, match="another key"):
        Store.open(path, key=new_database_key())
    assert path.read_bytes() == before
    Store.open(path, key=key).close()  # the right key still opens it


def _otvisit(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "otvisit", "--data-dir", str(data_dir), *args]
    env = {"OTVISIT_INSECURE_KEY_FILE": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)


def test_print_refuses_to_write_into_a_damaged_store(tmp_path: Path) -> None:
    made = _otvisit("demo", "--children", "3", "--records", "100", data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    store_path = tmp_path / "demo" / "otvisit.db"
    for leftover in (Path(f"{store_path}-wal"), Path(f"{store_path}-shm")):
        leftover.unlink(missing_ok=True)
    _zero_pages(store_path)
    damaged = store_path.read_bytes()
    out = tmp_path / "handout.pdf"
    done = _otvisit("--profile", "demo", "print", "equipment", "--child", "943 476 5919",
                    "--out", str(out), data_dir=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "damaged" in done.stderr and "Traceback" not in done.stderr
    # One message (SQLCipher's own log lines about the pages it could not decrypt aside).
    ours = [line for line in done.stderr.splitlines() if ": ERROR CORE " not in line]
    assert len(ours) == 1 and ours[0].startswith("otvisit: The records on this laptop")
    assert store_path.read_bytes() == damaged and not out.exists()
    assert list((tmp_path / "demo").glob("otvisit.damaged-*.db"))
    shutil.rmtree(tmp_path / "demo", ignore_errors=True)
