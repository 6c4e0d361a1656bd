"""Shared fixtures: a real SQLite store in a temporary folder for every test that asks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

# Qt widgets run on the offscreen platform in tests; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from otvisit.models.store import Store
from tests.fakes import MemoryKeyring


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty in-memory credential store instead of the machine's."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "otvisit.db")
    yield opened
    opened.close()


# PySide6 6.12 can abort the interpreter's final garbage collection after a run with many
# dialogs ("Fatal Python error: bool_dealloc", exit 134) once every test has passed and the
# summary is printed. Not root-caused yet (it appeared with the new-referral form's tests;
# see the closing note). The run's own result is kept: the process leaves with pytest's exit
# status without that final collection. OTVISIT_TEST_FULL_EXIT=1 keeps the normal exit.
_RESULT: dict[str, int] = {}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _RESULT["status"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if "status" in _RESULT and os.environ.get("OTVISIT_TEST_FULL_EXIT") != "1":
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_RESULT["status"])
