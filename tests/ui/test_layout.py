"""Layout: nothing jumps, nothing is cut off, the window remembers itself, text size is honoured."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from otvisit.ui.app import App
from otvisit.ui.caseload.models import AGE_COLUMN, NAME_COLUMN, STATUS_COLUMN
from otvisit.ui.window_settings import system_point_size
from tests.ui.driver import Visit, find_and_open, open_section

pytestmark = pytest.mark.gui


def _at_laptop_size(visit: Visit) -> None:
    visit.window.resize(1366, 768)
    visit.qtbot.waitUntil(lambda: visit.window.width() == 1366)
    visit.settle()


def test_a_message_does_not_move_the_window_and_stays_with_its_section(visit: Visit) -> None:
    _at_laptop_size(visit)
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None
    open_section(visit, record.appointments)
    before = record.tabs.mapTo(visit.window, record.tabs.rect().topLeft())
    record.appointments.table.clearSelection()
    record.appointments.table.setCurrentIndex(record.appointments.model.index(-1, -1))
    record.appointments.reschedule_button.click()  # nothing chosen: a message says so
    assert "Choose an appointment" in visit.window.messages.text()
    QApplication.processEvents()
    assert record.tabs.mapTo(visit.window, record.tabs.rect().topLeft()) == before
    visit.window.messages.problem("A problem about this section")
    QApplication.processEvents()
    assert record.tabs.mapTo(visit.window, record.tabs.rect().topLeft()) == before
    open_section(visit, record.goals)
    assert visit.window.messages.text() == ""  # not carried to another section


def test_caseload_names_and_ages_are_not_cut_off(visit: Visit) -> None:
    _at_laptop_size(visit)
    table = visit.window.caseload.table
    visit.window.caseload.scope.setCurrentIndex(1)
    visit.settle()
    for column in (NAME_COLUMN, AGE_COLUMN):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column)
    assert table.columnWidth(STATUS_COLUMN) < table.viewport().width() / 4


def test_the_first_lock_password_page_is_not_squashed_at_1366_by_768(visit: Visit) -> None:
    _at_laptop_size(visit)
    visit.window.lock()
    page = visit.window.locker.page
    visit.qtbot.waitUntil(page.new_password.isVisible)
    fields = [
        *page.choose_form.findChildren(QLineEdit),
        *page.choose_form.findChildren(QPushButton),
    ]
    for widget in fields:
        assert widget.height() >= widget.sizeHint().height(), widget.accessibleName()
    for label in page.choose_form.findChildren(type(page.feedback)):
        if label.wordWrap() and label.text():
            assert label.height() >= label.heightForWidth(label.width())


def test_size_place_whose_children_and_text_size_are_remembered_per_profile(
    visit: Visit,
) -> None:
    window = visit.window
    base = system_point_size()
    sizes = window.menuBar().actions()[1].menu().actions()[-1].menu()
    assert sizes is not None and sizes.title() == "&Text size"
    next(a for a in sizes.actions() if a.data() == 125).trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
    QApplication.processEvents()
    for widget in (window.caseload.table, window.caseload.search, window.sync_bar.sync_button):
        assert widget.font().pointSizeF() == pytest.approx(base * 1.25)
    window.caseload.scope.setCurrentIndex(1)
    window.resize(780, 540)  # within the offscreen platform's 800×600 screen
    window.move(20, 30)
    visit.qtbot.waitUntil(lambda: window.width() == 780)
    geometry = window.geometry()
    visit.app.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert QApplication.font().pointSizeF() == pytest.approx(base)

    again = App(argparse.Namespace(data_dir=str(visit.profile.root.parent), profile="main"))
    reopened = again.open("main")
    try:
        visit.qtbot.waitUntil(lambda: reopened.caseload.model.total() == 3)
        assert reopened.size() == geometry.size()
        assert reopened.caseload.scope.currentText() == "Whole team"
        assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
        checked = [a.data() for a in reopened.text_size_actions if a.isChecked()]
        assert checked == [125]
        find_and_open(
            Visit(again, reopened, visit.seeded, visit.profile, visit.qtbot), "sam"
        )  # every screen: the record's sections follow the application's font
        assert reopened.record is not None
        assert reopened.record.goals.wording.font().pointSizeF() == pytest.approx(base * 1.25)
    finally:
        reopened.context.runner.wait_for_workers()
        again.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
