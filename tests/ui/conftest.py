"""GUI fixtures: the real app on a seeded profile in tmp_path, with the threaded task runner."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot

from otvisit.services.unlock import set_unlock_password
from otvisit.ui.app import App
from otvisit.ui.collector import GuiThreadCollector
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


@pytest.fixture(autouse=True)
def garbage_collected_on_the_gui_thread(qapp: QCoreApplication) -> Iterator[None]:
    """As in the app: collection never starts on a worker thread (it would destroy Qt
    wrappers of earlier tests there and crash); leftovers are collected here, between tests."""
    gc.collect()
    collector = GuiThreadCollector()
    yield
    collector.stop()
    collector.deleteLater()
