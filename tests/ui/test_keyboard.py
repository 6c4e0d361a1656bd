"""Keyboard first: no Alt+letter clashes on any page; the record's keys work from anywhere."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from otvisit.models import SessionNote, SyncConflict
from otvisit.services import appointments, goals, notes
from tests.factories import LEVELS
from tests.ui.driver import Visit, find_and_open, open_section, type_into
from tests.ui.keys import clashes, press, stray_ampersands, visible_mnemonics

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def _assert_clear(where: str, window: QWidget) -> None:
    assert clashes(window) == {}, f"Alt+letter clashes on {where}"
    assert stray_ampersands(window) == [], f"labels showing '&' on {where}"


def _prepare_sam(visit: Visit) -> None:
    """A signed note (for the addendum), a missed appointment (a discharge proposal), a conflict."""
    seeded = visit.seeded
    with visit.window.context.runner.store.transaction() as session:
        note_id = notes.create_note(
            session, child_id=seeded.sam, author_id=seeded.me, seen_on=date(2026, 11, 2),
            place="school",
        )  # fmt: skip
        notes.save_draft(session, note_id=note_id, actor_id=seeded.me, body="Buttons practised.")
        notes.sign_note(session, note_id=note_id, actor_id=seeded.me)
        appointments.mark_did_not_attend(
            session, appointment_id=seeded.sam_missed, notice_given=False, actor_id=seeded.me
        )
        session.add(
            SyncConflict(
                entity="session_note", record_id=note_id, child_id=seeded.sam, field="plan",
                mine="Waistcoat daily", theirs="Waistcoat twice a week", theirs_by="Kim Patel",
            )
        )  # fmt: skip


def test_no_two_visible_mnemonics_share_a_letter_on_any_page_or_dialog(visit: Visit) -> None:
    _prepare_sam(visit)
    window = visit.window
    _assert_clear("the caseload", window)

    find_and_open(visit, "sam")
    record = window.record
    assert record is not None
    walked = []
    for section in record.sections:
        open_section(visit, section)
        _assert_clear(f"the {section.title.replace('&', '')} section", window)
        walked.append(section.title.replace("&", ""))
    assert len(walked) == 11
    assert {"f", "v", "y", "h"} <= set(visible_mnemonics(window))  # the menus were counted
    # its buttons were walked too (the walk ends on a later section)
    assert record.discharge.proposal.isVisibleTo(record.discharge)

    section = record.appointments
    open_section(visit, section)
    for opener in (
        section.open_book,
        section.open_reschedule,
        section.open_cancel,
        section.open_did_not_attend,
        section.open_disruption,
    ):
        assert section.select_appointment(visit.seeded.sam_appointment)
        dialog = opener()
        assert dialog is not None and dialog.isVisible()
        visit.settle()
        _assert_clear(dialog.windowTitle(), dialog)
        dialog.reject()

    open_section(visit, record.notes)
    record.notes.open_note(record.notes.model.row_at(0))
    addendum = record.notes.open_addendum()
    assert addendum is not None
    _assert_clear("the addendum", addendum)
    addendum.reject()

    window.show_conflicts()
    visit.settle()
    assert window.conflicts is not None and window.conflicts.list.count() == 1
    _assert_clear("the conflicts", window.conflicts)
    window.conflicts.close()

    with window.context.runner.store.transaction() as session:  # a report to preview
        goals.create_goal(
            session, child_id=visit.seeded.sam, wording="Sam will put his coat on",
            levels=LEVELS, set_on=date(2026, 10, 1), baseline=-2,
        )  # fmt: skip
    open_section(visit, record.documents)  # the print preview: language and large print
    record.documents.make("progress")
    visit.settle()
    preview = window.printer.preview
    assert preview is not None and preview.choices is not None
    _assert_clear("the print preview", preview)
    preview.reject()


def test_ctrl_tab_moves_section_straight_after_opening_a_record(visit: Visit) -> None:
    find_and_open(visit, "sam")  # Enter in the search, as a keyboard user opens it
    record = visit.window.record
    assert record is not None and record.tabs.currentIndex() == 0
    press(visit.qtbot, visit.window, Qt.Key.Key_Tab, CTRL)
    assert record.tabs.currentIndex() == 1
    press(visit.qtbot, visit.window, Qt.Key.Key_Tab, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert record.tabs.currentIndex() == 0


def test_alt_letters_reach_sections_and_buttons(visit: Visit) -> None:
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None
    press(visit.qtbot, visit.window, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert record.current_section() is record.goals  # not the menus
    type_into(record.goals.wording, "Sam will zip his coat by himself")
    press(visit.qtbot, visit.window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    visit.settle()
    assert record.current_section() is record.appointments  # Alt+A no longer adds a goal
    assert record.goals.model.rowCount() == 0


def test_ctrl_n_writes_a_note_from_any_section(visit: Visit) -> None:
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None
    open_section(visit, record.goals)
    press(visit.qtbot, visit.window, Qt.Key.Key_N, CTRL)
    visit.settle()
    assert record.current_section() is record.notes
    with visit.window.context.runner.store.read_session() as session:
        assert session.scalars(select(SessionNote)).one().child_id == visit.seeded.sam
    assert QApplication.focusWidget() is record.notes.body  # ready to type


def test_ctrl_b_books_from_any_section(visit: Visit) -> None:
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None
    assert record.current_section() is record.overview
    press(visit.qtbot, visit.window, Qt.Key.Key_B, CTRL)
    assert record.current_section() is record.appointments
    dialog = record.appointments.dialog
    assert (
        dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Book an appointment"
    )
    dialog.reject()


def test_f5_without_a_server_says_why_in_the_status_bar(visit: Visit) -> None:
    window = visit.window
    assert window.sync_bar.status is not None and not window.sync_bar.status.server_url
    press(visit.qtbot, window, Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier)
    visit.settle()
    assert "not connected to a team server" in window.statusBar().currentMessage()
    QTest.qWait(10)


def test_the_waiting_list_and_its_forms_have_no_clashes(visit: Visit) -> None:
    from otvisit.ui.pathway.waiting_list import WaitingListWindow

    QTest.mouseClick(visit.window.caseload.waiting_list_button, Qt.MouseButton.LeftButton)
    visit.settle()
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, WaitingListWindow)]
    _assert_clear("the waiting list", window)
    press(visit.qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # New referral…
    visit.qtbot.waitUntil(lambda: window.dialog is not None)  # a mnemonic animates the click
    dialog = window.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "New referral"
    _assert_clear("the new referral form", dialog)
    assert {"f", "y", "b", "n", "l", "i", "v", "o", "m", "d", "s", "p", "g", "k"} <= set(
        visible_mnemonics(dialog)
    )
    dialog.reject()
    window.close()
    visit.settle()
    press(visit.qtbot, visit.window, Qt.Key.Key_R, CTRL | Qt.KeyboardModifier.ShiftModifier)
    visit.settle()  # File → New referral: the waiting list opens with the form in front
    (window,) = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, WaitingListWindow) and w.isVisible()]  # fmt: skip
    assert window.dialog is not None and window.dialog.windowTitle() == "New referral"
    window.dialog.reject()
