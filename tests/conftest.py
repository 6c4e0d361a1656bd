"""Shared fixtures: a real SQLite store in a temporary folder for every test that asks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt widgets run on the offscreen platform in tests; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from otvisit.models.store import Store  # noqa: E402


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "otvisit.db")
    yield opened
    opened.close()
