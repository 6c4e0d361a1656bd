"""The appointments section: book, reschedule (twice at most), attended, cancelled, DNA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import AppointmentStatus, AppointmentType, DischargeReason, Place
from otvisit.services import appointment_views, booking_checks, disruption
from otvisit.services import appointments as appointment_service
from otvisit.services.appointment_views import AppointmentView, BookingChoices
from otvisit.services.appointments import LONGEST_MINUTES, SHORTEST_MINUTES, DidNotAttendOutcome
from otvisit.services.booking_checks import BookingWarning
from otvisit.ui.child.appointment_model import AppointmentsModel
from otvisit.ui.child.section import Section
from otvisit.ui.child.stash import FormStash
from otvisit.ui.context import AppContext
from otvisit.ui.forms import FormDialog
from otvisit.ui.messages import MessageBar
from otvisit.ui.text import label, place_text


def to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def from_qt(value: QDateTime) -> datetime:
    """The moment in the field, in whole minutes (the field shows no seconds to change)."""
    moment = datetime.fromtimestamp(value.toSecsSinceEpoch(), tz=UTC)
    return moment.replace(second=0, microsecond=0)


def next_quarter_hour(moment: datetime) -> datetime:
    """The first quarter hour at or after ``moment``: a booking starts on the clock, not at :06."""
    whole = moment.replace(second=0, microsecond=0)
    if whole < moment:
        whole += timedelta(minutes=1)
    return whole + timedelta(minutes=-whole.minute % 15)


def _when_field(moment: datetime) -> QDateTimeEdit:
    field = QDateTimeEdit(to_qt(moment))
    field.setCalendarPopup(True)
    field.setDisplayFormat("ddd dd MMM yyyy  HH:mm")  # whole minutes, the year always shown
    return field


def _enum_combo(values: type[Any], words: Any = label) -> QComboBox:
    combo = QComboBox()
    for member in values:
        combo.addItem(words(member.value), member.value)
    return combo


class AppointmentsSection(Section):
    title = "&Appointments"
    #: A did-not-attend without notice proposed discharge: (episode id, message).
    discharge_proposed = Signal(str, str)

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(context, messages, parent)
        self.model = AppointmentsModel(self)
        #: The child's interpreter need and the team's therapists, for the booking form.
        self.choices: BookingChoices | None = None
        self.choices_for: str | None = None
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Appointments")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)

        buttons = QHBoxLayout()
        self.book_button = self._button(buttons, "&Book…", self.open_book)
        self.book_button.setToolTip("Ctrl+B, from anywhere in the record")
        self.reschedule_button = self._button(buttons, "&Reschedule…", self.open_reschedule)
        self.attended_button = self._button(buttons, "A&ttended", self.mark_attended)
        self.cancel_button = self._button(buttons, "Cancel…", self.open_cancel)
        self.dna_button = self._button(
            buttons, "Not brought / not &seen…", self.open_did_not_attend
        )
        self.disrupt_button = self._button(buttons, "Flag day disr&upted…", self.open_disruption)
        self.contacted_button = self._button(buttons, "Fami&ly contacted", self.mark_contacted)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def _button(self, row: QHBoxLayout, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return

        def read(session: Session) -> tuple[list[AppointmentView], BookingChoices]:
            return (
                appointment_views.child_appointments(session, child_id=child_id),
                appointment_views.booking_choices(session, child_id=child_id),
            )

        self.context.runner.read(read, done=self._show, owner=self)

    def _show(self, data: tuple[list[AppointmentView], BookingChoices]) -> None:
        rows, self.choices = data
        self.choices_for = self.child_id
        self.model.set_rows(rows)
        dialog = self.dialog
        if dialog is not None and dialog.isVisible() and getattr(dialog, "unfilled", False):
            self._fill_booking_choices(dialog)  # Ctrl+B before the section had loaded
            self._check_booking(dialog)
        self.shown()

    def reopen(self, form: FormStash) -> FormDialog | None:
        """A dialog open when the app locked, on the same appointment (if it is still listed)."""
        openers = {
            "book": self.open_book,
            "reschedule": self.open_reschedule,
            "cancel": self.open_cancel,
            "did not attend": self.open_did_not_attend,
            "disruption": self.open_disruption,
        }
        opener = openers.get(form.form)
        if opener is None or (form.key and not self.select_appointment(form.key)):
            return None
        return opener()

    def selected(self) -> AppointmentView | None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.messages.inform("Choose an appointment in the list first.")
            return None
        return self.model.row_at(index.row())

    def select_appointment(self, appointment_id: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).appointment_id == appointment_id:
                self.table.selectRow(row)
                return True
        return False

    def _write(self, fn: Any, done_text: str = "", done: Any = None) -> None:
        def finished(result: Any) -> None:
            if done_text:
                self.messages.inform(done_text)
            if done is not None:
                done(result)
            self.changed()
            self.reload()

        self.context.runner.write(fn, done=finished, failed=self._failed, owner=self)

    def _failed(self, error: Exception) -> None:
        from otvisit.ui.tasks import describe_error

        self.messages.problem(describe_error(error))

    # --- book ------------------------------------------------------------------------------

    def open_book(self) -> FormDialog | None:
        if self.child_id is None:
            return None
        dialog = FormDialog(
            self, "Book an appointment", lambda: self._book(dialog), ok_text="Book", name="book"
        )
        start = next_quarter_hour(datetime.now(UTC) + timedelta(days=7))
        dialog.when = dialog.add("&When", _when_field(start))
        dialog.minutes = dialog.add("&Minutes", QSpinBox())
        dialog.minutes.setRange(SHORTEST_MINUTES, LONGEST_MINUTES)
        dialog.minutes.setSingleStep(15)
        dialog.minutes.setValue(45)
        dialog.kind = dialog.add("T&ype", _enum_combo(AppointmentType))
        dialog.place = dialog.add("W&here", _enum_combo(Place, place_text))
        dialog.therapist = dialog.add("With &therapist", QComboBox())
        dialog.interpreter = dialog.add("&Interpreter booked", QCheckBox())
        dialog.language = dialog.add("Interpreter &language", QLineEdit())
        self._fill_booking_choices(dialog)
        for signal in (
            dialog.when.dateTimeChanged,
            dialog.minutes.valueChanged,
            dialog.therapist.currentIndexChanged,
        ):
            signal.connect(lambda *_: self._check_booking(dialog))
        dialog.interpreter.toggled.connect(dialog.language.setEnabled)
        self.dialog = dialog
        dialog.open()
        self._check_booking(dialog)
        return dialog

    def _fill_booking_choices(self, dialog: Any) -> None:
        """The signed-in therapist by default (so it is on her Today list), and the child's
        interpreter need ticked in their language; the therapist may change either."""
        choices, me = self.choices, self.context.me_id
        dialog.unfilled = choices is None or self.choices_for != self.child_id
        if dialog.unfilled:
            dialog.language.setEnabled(False)
            return
        assert choices is not None
        for therapist_id, name in choices.therapists:
            dialog.therapist.addItem(name, therapist_id)
        default = me if me in {t for t, _ in choices.therapists} else choices.therapist_id
        dialog.therapist.setCurrentIndex(max(dialog.therapist.findData(default), 0))
        dialog.interpreter.setChecked(choices.interpreter_needed)
        dialog.language.setText(choices.interpreter_language)
        dialog.language.setEnabled(choices.interpreter_needed)

    def _check_booking(self, dialog: Any, moving: str | None = None) -> None:
        """Ask the booking rules about the time shown; the answer shows in the dialog."""
        child_id = self.child_id
        if child_id is None:
            return
        asked = (
            from_qt(dialog.when.dateTime()),
            dialog.minutes.value() if hasattr(dialog, "minutes") else 45,
            dialog.therapist.currentData() if hasattr(dialog, "therapist") else None,
        )
        dialog.asked = asked
        if moving is None and hasattr(dialog, "moving"):
            moving = dialog.moving

        def check(session: Session) -> list[BookingWarning]:
            starts_at, minutes, therapist_id = asked
            return booking_checks.check_booking(
                session,
                child_id=child_id,
                starts_at=starts_at,
                duration_minutes=minutes,
                therapist_id=therapist_id,
                moving_appointment_id=moving,
            )

        def show(warnings: list[BookingWarning]) -> None:
            if getattr(dialog, "asked", None) == asked:  # not an answer about an older time
                dialog.warn([warning.message for warning in warnings])

        self.context.runner.read(check, done=show, failed=self._failed, owner=dialog)

    def _book(self, dialog: Any) -> None:
        child_id, me = self.child_id, self.context.me_id
        assert child_id is not None
        starts_at = from_qt(dialog.when.dateTime())
        kind = AppointmentType(dialog.kind.currentData())
        place = Place(dialog.place.currentData())
        minutes = dialog.minutes.value()
        therapist_id = dialog.therapist.currentData()
        interpreter = dialog.interpreter.isChecked()
        language = dialog.language.text().strip() if interpreter else ""
        warned = " ".join(dialog.warning_lines)

        def book(session: Session) -> str:
            return appointment_service.book_appointment(
                session,
                child_id=child_id,
                starts_at=starts_at,
                kind=kind,
                place=place,
                duration_minutes=minutes,
                therapist_id=therapist_id,
                interpreter_booked=interpreter,
                interpreter_language=language,
                actor_id=me,
            )

        booked = f"Appointment booked. Note: {warned}" if warned else "Appointment booked."
        self._write(book, booked)

    # --- reschedule, attended, cancel ------------------------------------------------------------

    def open_reschedule(self) -> FormDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        dialog = FormDialog(
            self,
            "Reschedule",
            lambda: self._reschedule(chosen.appointment_id, dialog),
            intro="The service allows a family to move an appointment twice.",
            ok_text="Reschedule",
            name="reschedule",
            key=chosen.appointment_id,
        )
        dialog.when = dialog.add("New &time", _when_field(chosen.starts_at + timedelta(days=7)))
        dialog.minutes = dialog.add("&Minutes", QSpinBox())
        dialog.minutes.setRange(SHORTEST_MINUTES, LONGEST_MINUTES)
        dialog.minutes.setValue(chosen.duration_minutes)
        dialog.minutes.setEnabled(False)  # moving keeps the length booked
        dialog.moving = chosen.appointment_id
        dialog.when.dateTimeChanged.connect(lambda *_: self._check_booking(dialog))
        dialog.by_family = dialog.add("Asked by the &family", QCheckBox())
        dialog.by_family.setChecked(True)
        self.dialog = dialog
        dialog.open()
        self._check_booking(dialog)
        return dialog

    def _reschedule(self, appointment_id: str, dialog: Any) -> None:
        new_time, by_family, me = (
            from_qt(dialog.when.dateTime()),
            dialog.by_family.isChecked(),
            self.context.me_id,
        )

        def move(session: Session) -> int:
            return appointment_service.reschedule_appointment(
                session,
                appointment_id=appointment_id,
                new_starts_at=new_time,
                by_family=by_family,
                actor_id=me,
            )

        self._write(
            move,
            done=lambda count: self.messages.inform(
                f"Appointment moved. The family has rescheduled it {count} of 2 times."
            ),
        )

    def mark_attended(self) -> None:
        chosen, me = self.selected(), self.context.me_id
        if chosen is None:
            return
        self._write(
            lambda s: appointment_service.mark_attended(
                s, appointment_id=chosen.appointment_id, actor_id=me
            ),
            "Marked as attended.",
        )

    def open_cancel(self) -> FormDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        dialog = FormDialog(
            self,
            "Cancel the appointment",
            lambda: self._cancel(chosen, dialog),
            ok_text="Cancel appointment",
            name="cancel",
            key=chosen.appointment_id,
        )
        dialog.reason = dialog.add("&Reason", QLineEdit())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _cancel(self, chosen: AppointmentView, dialog: Any) -> None:
        reason, me = dialog.reason.text(), self.context.me_id
        self._write(
            lambda s: appointment_service.cancel_appointment(
                s, appointment_id=chosen.appointment_id, reason=reason, actor_id=me
            ),
            "Appointment cancelled.",
        )

    # --- did not attend -> proposed discharge ----------------------------------------------------

    def open_did_not_attend(self) -> FormDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        dialog = FormDialog(
            self,
            "Not brought or not seen",
            lambda: self._did_not_attend(chosen, dialog),
            intro="What happened, and did the family let us know in advance? Without notice, "
            "discharge is proposed; you confirm it after the safeguarding check.",
            ok_text="Record",
            name="did not attend",
            key=chosen.appointment_id,
        )
        outcome = QComboBox()
        for value, text in MISSED_OUTCOMES:
            outcome.addItem(text, value)
        outcome.setAccessibleName("What happened")
        dialog.outcome = dialog.add("&What happened", outcome)
        dialog.notice = dialog.add("Family gave &notice", QCheckBox())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _did_not_attend(self, chosen: AppointmentView, dialog: Any) -> None:
        notice, me = dialog.notice.isChecked(), self.context.me_id
        outcome = AppointmentStatus(dialog.outcome.currentData())

        def record(session: Session) -> DidNotAttendOutcome:
            if notice or outcome is AppointmentStatus.DID_NOT_ATTEND:
                return appointment_service.mark_did_not_attend(
                    session, appointment_id=chosen.appointment_id, notice_given=notice,
                    actor_id=me,
                )  # fmt: skip
            return appointment_service.mark_not_brought(
                session, appointment_id=chosen.appointment_id, outcome=outcome, actor_id=me
            )

        def show(outcome: DidNotAttendOutcome) -> None:
            proposal = outcome.discharge_proposal
            if proposal is None:
                self.messages.inform("Recorded: the family let us know.")
                return
            self.discharge_proposed.emit(proposal.episode_id, proposal.message)
            self.messages.inform(proposal.message)  # after the move to Discharge, so it stays

        self._write(record, done=show)

    # --- service disruption ----------------------------------------------------------------------

    def open_disruption(self) -> FormDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        day = chosen.starts_at.astimezone().date()
        dialog = FormDialog(
            self,
            "Service disruption",
            lambda: self._disrupt(day, dialog),
            intro=f"Flag every appointment on {day:%A %d %B %Y} so that families are contacted.",
            ok_text="Flag the day",
            name="disruption",
            key=chosen.appointment_id,
        )
        dialog.reason = dialog.add("&Reason", QLineEdit("Strike day"))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _disrupt(self, day: Any, dialog: Any) -> None:
        reason, me = dialog.reason.text(), self.context.me_id
        team = self.context.me.team_id if self.context.me else None
        self._write(
            lambda s: disruption.flag_disrupted_day(
                s, day=day, reason=reason, team_id=team, actor_id=me
            ),
            done=lambda flagged: self.messages.inform(
                f"{len(flagged)} appointment(s) flagged: contact the families."
            ),
        )

    def mark_contacted(self) -> None:
        chosen, me = self.selected(), self.context.me_id
        if chosen is None:
            return
        self._write(
            lambda s: disruption.mark_family_contacted(
                s, appointment_id=chosen.appointment_id, actor_id=me
            ),
            "Noted: the family has been contacted.",
        )


REASONS = {reason.value: label(reason.value) for reason in DischargeReason}

#: The ways a child is not seen, worded for children (the first is the default).
MISSED_OUTCOMES = (
    (AppointmentStatus.WAS_NOT_BROUGHT.value, "Was not brought"),
    (AppointmentStatus.NO_ACCESS.value, "No access (home visit, nobody answered)"),
    (AppointmentStatus.DID_NOT_ATTEND.value, "Did not attend"),
)
