"""The Groups screen, driven through the real buttons and dialogs: book, register, note, entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from otvisit.models.groups import PlaceStatus
from otvisit.ui.groups.dialogs import BookGroupDialog, to_qt
from otvisit.ui.groups.view import GroupsView
from tests.ui.driver import Visit, find_and_open, message, open_section, type_into
from tests.ui.shots import save_screenshot


def _click(widget: object) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def _open_groups(visit: Visit) -> GroupsView:
    _click(visit.window.caseload.groups_button)
    visit.settle()
    view = visit.window.groups
    assert visit.window.pages.currentWidget() is view
    return view


def _tick(dialog: BookGroupDialog, name: str) -> None:
    for row in range(dialog.list.count()):
        item = dialog.list.item(row)
        if item.text().startswith(name):
            item.setCheckState(Qt.CheckState.Checked)  # what a click on its box does
            return
    raise LookupError(name)


def test_book_a_group_mark_the_register_and_see_it_in_the_childs_record(visit: Visit) -> None:
    view = _open_groups(visit)
    _click(view.book_button)
    visit.settle()
    dialog = view.dialog
    assert isinstance(dialog, BookGroupDialog) and dialog.isVisible()
    dialog.title.setText("")
    type_into(dialog.title, "Parent coaching: getting dressed")
    type_into(dialog.programme.lineEdit(), "Dressing skills (6 weeks)")
    dialog.when.setDateTime(to_qt(datetime.now(UTC) - timedelta(minutes=30)))
    for name in ("Sam Okafor", "Amira Haddad", "Olek Nowak"):
        _tick(dialog, name)
    # The interpreters the group needs are listed while booking.
    assert "Arabic: Amira Haddad" in dialog.needs.text()
    assert "3 families chosen" in dialog.needs.text()

    dialog.confirm()  # no room given: refused, and the form comes back as typed
    visit.settle()
    assert "where the group meets" in message(visit)
    assert dialog.isVisible() and dialog.title.text() == "Parent coaching: getting dressed"
    type_into(dialog.location, "Riverside Health Centre, Room 3")
    dialog.confirm()
    visit.settle()
    assert "Group booked for 3 families" in message(visit)
    assert view.model.rowCount() == 1
    row = view.model.texts(view.model.row_at(0))
    assert row[1] == "Parent coaching: getting dressed" and row[2] == "Dressing skills (6 weeks)"
    assert row[4] == "3 of 8"
    assert "Arabic: Amira Haddad" in view.needs.text()

    view.select_family("Sam Okafor")
    _click(view.attended_button)
    visit.settle()
    view.select_family("Amira Haddad")
    _click(view.not_brought_button)
    visit.settle()
    view.select_family("Olek Nowak")
    _click(view.cancelled_button)
    visit.settle()
    marks = {line.child_name: line.status for line in view.register.lines}  # type: ignore[union-attr]
    assert marks == {
        "Sam Okafor": PlaceStatus.ATTENDED,
        "Amira Haddad": PlaceStatus.NOT_BROUGHT,
        "Olek Nowak": PlaceStatus.CANCELLED,
    }
    type_into(view.note, "Backward chaining for coats and socks; a visual sequence for each.")
    _click(view.note_button)
    visit.settle()
    view.select_family("Sam Okafor")
    type_into(view.entry, "Mum will try the sock sequence at bedtime.")
    _click(view.entry_button)
    visit.settle()
    assert "Entry saved for Sam Okafor" in message(visit)
    assert view.model.texts(view.model.row_at(0))[6] == "written"
    # The programme's COPM for Sam's family: before, then after.
    view.select_family("Sam Okafor")
    _click(view.copm_before_button)
    before = view.dialog
    assert before is not None and before.isVisible()
    type_into(before.occupation, "Putting on socks")
    before.performance.setValue(3)
    before.satisfaction.setValue(2)
    before.confirm()
    visit.settle()
    assert "Putting on socks: before 3/2, after not yet" in view.copm_label.text()
    _click(view.copm_after_button)
    after = view.dialog
    assert after is not None and after.isVisible() and after.problem.count() == 1
    after.performance.setValue(6)
    after.satisfaction.setValue(5)
    after.confirm()
    visit.settle()
    assert "Putting on socks: before 3/2, after 6/5" in view.copm_label.text()
    view.select_family("Olek Nowak")
    assert "none recorded" in view.copm_label.text()
    view.select_family("Sam Okafor")
    view.window().resize(1280, 760)
    visit.settle()
    save_screenshot(view.window(), "groups-register.png")

    _click(view.back_button)
    visit.settle()
    find_and_open(visit, "Okafor")
    record = visit.window.record
    assert record is not None
    open_section(visit, record.group_entries)
    shown = record.group_entries.text.toPlainText()
    assert "Backward chaining for coats and socks" in shown
    assert "Mum will try the sock sequence at bedtime." in shown
    assert "Register: Attended" in shown
    save_screenshot(visit.window, "child-groups.png")

    visit.window.show_caseload()
    find_and_open(visit, "Haddad")
    open_section(visit, record.group_entries)
    amira = record.group_entries.text.toPlainText()
    assert "Backward chaining" in amira and "No entry for this child." in amira
    assert "Register: Not brought" in amira


def test_moving_one_family_leaves_the_rest_of_the_group_and_counts_their_reschedules(
    visit: Visit,
) -> None:
    view = _open_groups(visit)
    for week in (1, 2):
        _click(view.book_button)
        visit.settle()
        dialog = view.dialog
        assert isinstance(dialog, BookGroupDialog)
        dialog.when.setDateTime(to_qt(datetime.now(UTC) + timedelta(weeks=week)))
        type_into(dialog.location, "https://meet.nhs.example/coaching")
        dialog.place.setCurrentIndex(dialog.place.findData("virtual"))
        _tick(dialog, "Amira Haddad" if week == 2 else "Sam Okafor")
        if week == 1:
            _tick(dialog, "Olek Nowak")
        dialog.confirm()
        visit.settle()
    view.table.selectRow(1)  # the first week (the list is newest first)
    visit.settle()
    view.select_family("Sam Okafor")
    _click(view.move_button)
    visit.settle()
    move = view.dialog
    assert move is not None and move.isVisible()
    move.confirm()
    visit.settle()
    assert "Sam Okafor moved to another session" in message(visit)
    marks = {line.child_name: line.status for line in view.register.lines}  # type: ignore[union-attr]
    assert marks == {"Olek Nowak": PlaceStatus.BOOKED, "Sam Okafor": PlaceStatus.MOVED}
    view.table.selectRow(0)  # week 2: Sam is there now, his family's first reschedule counted
    visit.settle()
    counts = {line.child_name: line.reschedule_count for line in view.register.lines}  # type: ignore[union-attr]
    assert counts == {"Amira Haddad": 0, "Sam Okafor": 1}
    assert view.model.texts(view.model.row_at(1))[4] == "1 of 8"  # week 1: Olek only


def test_cancelling_a_session_marks_the_families_still_booked(visit: Visit) -> None:
    view = _open_groups(visit)
    _click(view.book_button)
    visit.settle()
    dialog = view.dialog
    assert isinstance(dialog, BookGroupDialog)
    type_into(dialog.location, "Riverside Health Centre, Room 3")
    _tick(dialog, "Sam Okafor")
    _tick(dialog, "Olek Nowak")
    dialog.confirm()
    visit.settle()
    _click(view.cancel_button)
    cancel = view.dialog
    assert cancel is not None and cancel.isVisible()
    type_into(cancel.reason, "Strike day")
    cancel.confirm()
    visit.settle()
    assert "Group session cancelled" in message(visit)
    assert view.model.texts(view.model.row_at(0))[3] == "Clinic — cancelled"
    assert {line.status for line in view.register.lines} == {PlaceStatus.CANCELLED}  # type: ignore[union-attr]
