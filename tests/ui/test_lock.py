"""The app locks when idle or on demand, shows no child data while locked, and unlocks offline."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from otvisit.models import SessionNote
from otvisit.services.caseload import lock_after_minutes
from otvisit.services.goals import create_goal
from tests.ui.driver import Visit, find_and_open, open_section, type_into
from tests.ui.screen import (
    PASSWORD,
    assert_nothing_about_children,
    texts_on_screen,
    unlock,
)

pytestmark = pytest.mark.gui


def _open_sams_documents(visit: Visit) -> None:
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None
    open_section(visit, record.documents)
    QTest.mouseClick(record.documents.progress_button, Qt.MouseButton.LeftButton)
    visit.settle()  # Sam has no goals: a calm message naming him, which the lock must clear


def test_idle_time_locks_the_app(locking: Visit) -> None:
    window = locking.window
    find_and_open(locking, "sam")
    window.locker.idle.set_interval_ms(300)
    QTest.mouseMove(window.caseload)  # any activity restarts the wait
    locking.qtbot.waitUntil(lambda: window.locker.locked, timeout=5000)
    assert window.centralWidget() is window.locker.page
    assert window.record is None  # the record's widgets are gone, not covered
    locking.settle()
    assert_nothing_about_children(locking)


def test_ctrl_l_locks_and_nothing_about_a_child_is_on_screen(locking: Visit) -> None:
    window = locking.window
    _open_sams_documents(locking)
    before = "\n".join(texts_on_screen(window))
    assert "Okafor" in before and "Goose Green Primary" in before  # the walk does see names
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    locking.settle()
    assert window.locker.locked
    assert window.caseload.model.total() == 0 and window.caseload.today_model.rowCount() == 0
    assert not window.sync_bar.isVisible()
    assert_nothing_about_children(locking)
    window.sync_bar.refresh()
    window.context.changes.child_changed.emit("")  # a sync finishing while locked
    locking.settle()
    assert window.caseload.model.total() == 0
    assert_nothing_about_children(locking)


def test_a_wrong_password_is_refused_calmly_and_five_make_her_wait(locking: Visit) -> None:
    window = locking.window
    find_and_open(locking, "sam")
    window.locker.wait_seconds = 1
    window.lock()
    locking.settle()
    page = window.locker.page
    for _try in range(4):
        unlock(locking, "not my password")
        assert window.locker.locked
        assert "not the password" in page.feedback.text()
    unlock(locking, "not my password")
    assert not page.password.isEnabled()  # a 30 s wait (1 s here), never a wipe
    assert "Try again in" in page.feedback.text()
    locking.qtbot.waitUntil(page.password.isEnabled, timeout=5000)
    unlock(locking, PASSWORD)
    assert not window.locker.locked


def test_the_right_password_brings_back_the_screen_and_the_typed_draft(locking: Visit) -> None:
    window = locking.window
    window.context.autosave_ms = 60_000  # the draft is saved by the lock, not by the timer
    find_and_open(locking, "sam")
    record = window.record
    assert record is not None
    open_section(locking, record.notes)
    QTest.mouseClick(record.notes.new_button, Qt.MouseButton.LeftButton)
    locking.settle()
    words = "Cut along a thick line with loop scissors, then a curve."
    type_into(record.notes.body, words)
    window.lock()
    locking.settle()
    with window.context.runner.store.read_session() as session:
        assert session.scalars(select(SessionNote.body)).one() == words  # saved before locking
    assert_nothing_about_children(locking)
    assert not any(words in text for text in texts_on_screen(window))
    unlock(locking, PASSWORD)
    assert not window.locker.locked
    assert window.windowTitle() == window.title
    restored = window.record
    assert restored is not None and restored is not record
    assert window.pages.currentWidget() is restored
    assert restored.current_section() is restored.notes
    assert "Sam Okafor" in restored.header.text()
    assert restored.notes.body.toPlainText() == words
    assert not restored.notes.body.isReadOnly()  # still a draft she can go on typing in
    assert window.caseload.model.total() == 3  # the caseload is listed again


def test_the_first_lock_asks_for_a_password_to_set(visit: Visit) -> None:
    window = visit.window
    window.lock()
    visit.settle()
    page = window.locker.page
    assert page.new_password.isVisible() and not page.password.isVisible()
    type_into(page.new_password, "short")
    type_into(page.repeat_password, "short")
    QTest.mouseClick(page.set_button, Qt.MouseButton.LeftButton)
    assert "at least 8" in page.feedback.text() and window.locker.locked
    page.new_password.clear()
    page.repeat_password.clear()
    type_into(page.new_password, PASSWORD)
    type_into(page.repeat_password, PASSWORD + "!")
    QTest.mouseClick(page.set_button, Qt.MouseButton.LeftButton)
    assert "not the same" in page.feedback.text() and window.locker.locked
    type_into(page.repeat_password, PASSWORD)
    QTest.keyClick(page.repeat_password, Qt.Key.Key_Return)
    visit.settle()
    assert not window.locker.locked
    window.lock()
    visit.settle()
    unlock(visit, PASSWORD)  # the password set is the one that unlocks from now on
    assert not window.locker.locked


def test_lock_after_setting_is_kept_and_used(locking: Visit) -> None:
    window = locking.window
    dialog = window.locker.choose_idle_time(window)
    assert dialog.minutes.value() == 5  # the default
    dialog.minutes.setValue(2)
    dialog.accept()
    locking.settle()
    assert window.locker.idle.interval_ms() == 2 * 60_000
    with window.context.runner.store.read_session() as session:
        assert lock_after_minutes(session) == 2


def test_the_welcome_page_is_never_locked(locking: Visit) -> None:
    window = locking.window
    window.pages.setCurrentWidget(window.welcome)
    window.lock()
    assert not window.locker.locked


def test_a_document_that_finishes_after_the_lock_is_not_shown(locking: Visit) -> None:
    window = locking.window
    with window.context.runner.store.transaction() as session:
        create_goal(
            session, child_id=locking.seeded.amira, wording="Amira will feed herself",
            levels={-2: "a", -1: "b", 0: "c", 1: "d", 2: "e"}, set_on=date(2026, 10, 1),
        )  # fmt: skip
    find_and_open(locking, "amira")
    record = window.record
    assert record is not None
    open_section(locking, record.equipment)
    problems: list[str] = []
    window.context.runner.error.connect(problems.append)
    window.printer.make("progress", child_id=locking.seeded.amira, parent=record)
    window.lock()  # before the render comes back
    locking.settle()
    assert window.printer.preview is None and problems == []  # dropped quietly, not shown
    assert_nothing_about_children(locking)
