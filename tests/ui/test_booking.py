"""Booking through the real dialog: the tick, the therapist, whole minutes, and the warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from otvisit.models import Appointment
from otvisit.ui.child.appointments import to_qt
from otvisit.ui.forms import FormDialog
from tests.ui.driver import Visit, find_and_open, message, open_section

pytestmark = pytest.mark.gui


def _open_booking(visit: Visit, search: str) -> FormDialog:
    find_and_open(visit, search)
    record = visit.window.record
    assert record is not None
    open_section(visit, record.appointments)
    QTest.mouseClick(record.appointments.book_button, Qt.MouseButton.LeftButton)
    dialog = record.appointments.dialog
    assert dialog is not None and dialog.isVisible()
    visit.qtbot.waitUntil(dialog.isActiveWindow)
    visit.settle()
    return dialog


def _press_book(visit: Visit, dialog: FormDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    visit.settle()


def _appointments(visit: Visit, child_id: str) -> list[Appointment]:
    with visit.window.context.runner.store.read_session() as session:
        return list(
            session.scalars(
                select(Appointment)
                .where(Appointment.child_id == child_id)
                .order_by(Appointment.created_at)
            )
        )


def _local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    zone = datetime.now().astimezone().tzinfo
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone)


def test_typing_a_date_with_spaces_goes_into_the_date_and_never_presses_book(
    visit: Visit,
) -> None:
    dialog = _open_booking(visit, "amira")
    assert QApplication.focusWidget() is dialog.when  # not the Book button
    before = len(_appointments(visit, visit.seeded.amira))
    QTest.keyClicks(QApplication.focusWidget(), "12 01 2027 10 00")
    visit.settle()
    assert dialog.isVisible()
    assert len(_appointments(visit, visit.seeded.amira)) == before


def test_unticked_interpreter_is_not_booked_and_my_booking_is_on_my_today_list(
    visit: Visit,
) -> None:
    # Olek is Kim's child; I (Jo) book him today: the booking is mine unless I choose Kim.
    dialog = _open_booking(visit, "olek")
    assert dialog.therapist.currentText() == "Jo Adebayo"
    assert not dialog.interpreter.isChecked()  # Olek needs no interpreter
    dialog.when.setDateTime(to_qt(_local(date.today(), 23, 15, 6)))
    assert dialog.when.displayFormat().count("s") == 0  # no seconds to see or type
    _press_book(visit, dialog)
    booked = _appointments(visit, visit.seeded.olek)[-1]
    assert booked.therapist_id == visit.seeded.me
    assert booked.starts_at.second == 0 and booked.starts_at.minute == 15
    today = visit.window.caseload.today_model
    assert "Olek Nowak" in [today.row_at(r).child_name for r in range(today.rowCount())]

    # Amira needs an Arabic interpreter: ticked by default, and unticked means none.
    visit.window.show_caseload()
    dialog = _open_booking(visit, "amira")
    assert dialog.interpreter.isChecked() and dialog.language.text() == "Arabic"
    dialog.interpreter.setFocus()
    QTest.keyClick(dialog.interpreter, Qt.Key.Key_Space)
    assert not dialog.interpreter.isChecked()
    dialog.when.setDateTime(to_qt(_local(date.today() + timedelta(days=40), 10)))
    _press_book(visit, dialog)
    booked = _appointments(visit, visit.seeded.amira)[-1]
    assert (booked.interpreter_booked, booked.interpreter_language) == (False, "")
    section = visit.window.record.appointments
    row = next(
        r for r in range(section.model.rowCount())
        if section.model.row_at(r).appointment_id == booked.id
    )  # fmt: skip
    shown = [section.model.index(row, c).data() for c in range(section.model.columnCount())]
    assert not any("Booked:" in text for text in shown)


def test_a_clash_with_the_same_child_is_warned_before_booking(visit: Visit) -> None:
    dialog = _open_booking(visit, "sam")
    with visit.window.context.runner.store.read_session() as session:
        existing = session.get(Appointment, visit.seeded.sam_appointment)
        assert existing is not None
        starts_at = existing.starts_at.replace(tzinfo=UTC)
    dialog.when.setDateTime(to_qt(starts_at + timedelta(minutes=15)))
    visit.settle()
    assert dialog.warnings.isVisible()
    assert "Sam Okafor already has an appointment" in dialog.warnings.text()
    dialog.when.setDateTime(dialog.when.dateTime().addDays(1))
    visit.settle()
    assert "already has" not in dialog.warnings.text()  # the answer follows the time shown


def test_a_bank_holiday_a_weekend_and_a_past_time_warn_but_do_not_block(visit: Visit) -> None:
    today = date.today()
    england = holidays.country_holidays("GB", subdiv="ENG", years=[today.year, today.year + 1])
    holiday, name = next((d, n) for d, n in sorted(england.items()) if d > today)
    dialog = _open_booking(visit, "sam")
    dialog.when.setDateTime(to_qt(_local(holiday, 10)))
    visit.settle()
    assert f"is a bank holiday ({name})" in dialog.warnings.text()
    assert f"{holiday:%Y}" in dialog.warnings.text()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    dialog.when.setDateTime(to_qt(_local(saturday, 10)))
    visit.settle()
    assert "is a weekend day" in dialog.warnings.text()
    dialog.when.setDateTime(QDateTime.currentDateTime().addDays(-3))
    visit.settle()
    assert "is in the past" in dialog.warnings.text()
    _press_book(visit, dialog)  # warned, not refused
    assert "Appointment booked." in message(visit) and "in the past" in message(visit)
    assert len(_appointments(visit, visit.seeded.sam)) == 3
