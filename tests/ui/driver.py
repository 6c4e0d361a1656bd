"""Steps a therapist takes, driven through the real widgets (keyboard and clicks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from otvisit.profile import Profile
from otvisit.ui.app import App
from otvisit.ui.child.section import Section
from otvisit.ui.main_window import MainWindow
from otvisit.ui.printing import PdfPreview
from tests.ui.factories import Seeded, seed_team


@dataclass
class Visit:
    """The running app, its seeded data and helpers to wait for it."""

    app: App
    window: MainWindow
    seeded: Seeded
    profile: Profile
    qtbot: QtBot

    def settle(self) -> None:
        """Wait until every task (reads, writes, renders) has finished and been shown."""
        runner = self.window.context.runner
        self.qtbot.waitUntil(runner.is_idle, timeout=20000)


def seeded_profile(data_dir: Path) -> tuple[Profile, Seeded]:
    profile = Profile.locate("main", data_dir).ensure()
    store = profile.open_store()
    try:
        with store.transaction() as session:
            seeded = seed_team(session)
    finally:
        store.close()
    return profile, seeded


def type_into(widget: QWidget, text: str) -> None:
    widget.setFocus()
    QTest.keyClicks(widget, text)


def find_and_open(visit: Visit, search: str) -> None:
    """Type in the caseload search, press Enter on the first match, wait for the record."""
    caseload = visit.window.caseload
    caseload.search.clear()
    caseload.scope.setCurrentIndex(1)  # whole team
    type_into(caseload.search, search)
    QTest.keyClick(caseload.search, Qt.Key.Key_Return)
    visit.settle()
    assert visit.window.pages.currentWidget() is visit.window.record


def open_section(visit: Visit, section: Section) -> None:
    visit.window.record.open_section(section)
    visit.settle()


def shown_preview(visit: Visit) -> PdfPreview:
    """The print preview a document button opened, once its first page is drawn."""
    visit.settle()
    preview = visit.window.printer.preview
    assert isinstance(preview, PdfPreview)
    visit.qtbot.waitUntil(lambda: preview.page_count() >= 1)
    return preview


def message(visit: Visit) -> str:
    return visit.window.messages.label.text()
