"""GUI fixtures: the real app on a seeded profile in tmp_path, with the threaded task runner."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from otvisit.services.unlock import set_unlock_password
from otvisit.ui.app import App
from tests.ui.driver import Visit, seeded_profile
from tests.ui.screen import PASSWORD


@pytest.fixture
def visit(qtbot: QtBot, tmp_path: Path) -> Iterator[Visit]:
    profile, seeded = seeded_profile(tmp_path)
    app = App(argparse.Namespace(data_dir=str(tmp_path), profile="main"))
    window = app.open("main")
    window.context.autosave_ms = 100
    running = Visit(app, window, seeded, profile, qtbot)
    running.settle()
    yield running
    running.settle()
    app.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the window goes now


@pytest.fixture
def locking(visit: Visit) -> Visit:
    """The app with an unlock password already set (``PASSWORD``)."""
    with visit.window.context.runner.store.transaction() as session:
        set_unlock_password(session, password=PASSWORD)
    return visit
