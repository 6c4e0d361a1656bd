"""Garbage is collected on the GUI thread by the timer, never automatically on a worker."""

from __future__ import annotations

import gc
import weakref

from pytestqt.qtbot import QtBot

from otvisit.ui.collector import GuiThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collection_happens_on_the_timer_and_the_old_setting_comes_back(qtbot: QtBot) -> None:
    gc.enable()
    collector = GuiThreadCollector()
    try:
        assert not gc.isenabled()  # no collection can start on a worker thread now
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        del cycle
        qtbot.waitUntil(lambda: gone() is None, timeout=5000)  # the GUI-thread timer did it
    finally:
        collector.stop()
    assert gc.isenabled()
