"""Locking never loses a word: forms typed in and not submitted come back after unlocking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from otvisit.models import Goal, NoteAddendum
from tests.ui.driver import Visit, find_and_open, message, open_section, type_into
from tests.ui.screen import PASSWORD, assert_nothing_about_children, texts_on_screen, unlock

pytestmark = pytest.mark.gui

ADDENDUM = "Mother rang: he did up two buttons by himself that evening."
WORDING = "Sam will zip his coat by himself before outdoor play"
SUMMARY = "Goals met; school staff confident with the seating and the strategies."


def _lock_with_ctrl_l(visit: Visit, widget: QWidget) -> None:
    widget.window().activateWindow()  # as it is when she types in it
    visit.qtbot.waitUntil(widget.window().isActiveWindow)
    QTest.keyClick(widget, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    visit.settle()
    assert visit.window.locker.locked


def _assert_hidden(visit: Visit, *typed: str) -> None:
    assert_nothing_about_children(visit)
    shown = "\n".join(texts_on_screen(visit.window))
    for words in typed:
        assert words not in shown


def test_an_addendum_being_written_comes_back_after_unlocking(locking: Visit) -> None:
    window = locking.window
    find_and_open(locking, "sam")
    record = window.record
    assert record is not None
    open_section(locking, record.notes)
    QTest.mouseClick(record.notes.new_button, Qt.MouseButton.LeftButton)
    locking.settle()
    type_into(record.notes.body, "Practised buttons with a large-button waistcoat.")
    QTest.mouseClick(record.notes.sign_button, Qt.MouseButton.LeftButton)
    locking.settle()
    assert record.notes.body.isReadOnly()
    QTest.mouseClick(record.notes.addendum_button, Qt.MouseButton.LeftButton)
    dialog = record.notes.dialog
    assert dialog is not None and dialog.isVisible()
    type_into(dialog.text, ADDENDUM)

    _lock_with_ctrl_l(locking, dialog.text)  # Ctrl+L reaches past the modal dialog
    assert window.record is None  # the record and its dialog are gone, not hidden
    _assert_hidden(locking, ADDENDUM)

    unlock(locking, PASSWORD)
    assert not window.locker.locked
    restored = window.record
    assert restored is not None and restored is not record
    assert restored.current_section() is restored.notes
    again = restored.notes.dialog
    assert again is not None and again.isVisible()
    assert again.text.toPlainText() == ADDENDUM
    again.confirm()
    locking.settle()
    assert message(locking) == "Addendum added."
    with window.context.runner.store.read_session() as session:
        assert session.scalars(select(NoteAddendum.text)).all() == [ADDENDUM]


def test_a_new_goal_and_a_discharge_summary_come_back_after_unlocking(locking: Visit) -> None:
    window = locking.window
    find_and_open(locking, "sam")
    record = window.record
    assert record is not None
    goals, discharge = record.goals, record.discharge
    open_section(locking, goals)
    type_into(goals.wording, WORDING)
    type_into(goals.area, "Dressing")
    for level, edit in goals.level_edits.items():
        type_into(edit, f"zips {level + 3} times in 5")
    open_section(locking, discharge)
    type_into(discharge.summary_edit, SUMMARY)

    _lock_with_ctrl_l(locking, window)
    _assert_hidden(locking, WORDING, SUMMARY)
    with window.context.runner.store.read_session() as session:
        assert session.scalars(select(Goal)).all() == []  # kept in memory, not submitted

    unlock(locking, PASSWORD)
    restored = window.record
    assert restored is not None and restored is not record
    assert restored.current_section() is restored.discharge
    assert restored.discharge.summary_edit.toPlainText() == SUMMARY
    goals = restored.goals
    assert goals.wording.toPlainText() == WORDING  # the hidden tab was refilled too
    assert goals.area.text() == "Dressing"
    assert goals.level_edits[2].text() == "zips 5 times in 5"
    open_section(locking, goals)
    QTest.mouseClick(goals.add_button, Qt.MouseButton.LeftButton)
    locking.settle()
    assert message(locking) == "Goal added."
    with window.context.runner.store.read_session() as session:
        stored = session.scalars(select(Goal)).one()
        assert (stored.wording, stored.area) == (WORDING, "Dressing")


def test_a_form_left_in_the_record_comes_back_when_locked_on_the_caseload(
    locking: Visit,
) -> None:
    window = locking.window
    find_and_open(locking, "sam")
    record = window.record
    assert record is not None
    open_section(locking, record.programme)
    type_into(record.programme.this_week, "Posting coins into a money box, 5 minutes a day")
    window.show_caseload()
    window.lock()
    locking.settle()
    _assert_hidden(locking, "money box")

    unlock(locking, PASSWORD)
    assert window.pages.currentWidget() is window.caseload  # where she was
    find_and_open(locking, "sam")
    restored = window.record
    assert restored is not None and restored.current_section() is restored.programme
    assert restored.programme.this_week.toPlainText() == (
        "Posting coins into a money box, 5 minutes a day"
    )
