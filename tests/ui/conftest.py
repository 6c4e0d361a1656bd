"""GUI fixtures: the real app on a seeded profile in tmp_path, with the threaded task runner."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from otvisit.ui.app import App
from tests.ui.driver import Visit, seeded_profile


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
