"""The form for a referral received by letter, phone or email: the child, the referrer, the reason.

It checks everything the referral service checks before it saves (a wrong NHS number is said
with the form still open, and nothing is written); the write runs on the task runner.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import ReferralPriority, ReferralSource
from otvisit.services import referrals
from otvisit.services.errors import ValidationError
from otvisit.services.referrals import SOURCE_WORDS, NewChild, ReceivedReferral, ReferralDetails
from otvisit.ui.context import AppContext
from otvisit.ui.forms import FormDialog
from otvisit.ui.printing import LANGUAGE_NAMES
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import label

DATE_FORMAT = "dd/MM/yyyy"


def _date_edit(day: QDate) -> QDateEdit:
    edit = QDateEdit(day)
    edit.setDisplayFormat(DATE_FORMAT)
    # Typed, not picked: dates come from a letter. (With a calendar popup on these typed-into
    # edits, PySide6 6.12 aborted at interpreter exit in the GUI tests: a bool refcount error.)
    edit.setCalendarPopup(False)
    return edit


def _day(edit: QDateEdit) -> date:
    day = edit.date()
    return date(day.year(), day.month(), day.day())


def _text_box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab moves on; the form is filled with the keyboard
    box.setFixedHeight(64)
    return box


class NewReferralDialog(FormDialog):
    """A new referral; on save the child is in the waiting list window's referrals to decide."""

    #: The child's name, once the referral is kept.
    saved = Signal(str)

    def __init__(self, parent: QWidget, context: AppContext, *, today: date) -> None:
        super().__init__(
            parent,
            "New referral",
            lambda: None,
            intro="A referral received for a child. If the team already knows the child's NHS "
            "number, the referral is added to their record.",
            ok_text="&Keep the referral",
            name="new-referral",
        )
        self.context, self.today = context, today
        today_date = QDate(today.year, today.month, today.day)
        self.given_name = QLineEdit()
        self.family_name = QLineEdit()
        self.born = _date_edit(today_date.addYears(-5))
        self.nhs_number = QLineEdit()
        self.nhs_number.setPlaceholderText("943 476 5919")
        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.interpreter = QCheckBox()
        self.received = _date_edit(today_date)
        self.source = QComboBox()
        for source in ReferralSource:
            self.source.addItem(SOURCE_WORDS[source], source.value)
        self.referrer = QLineEdit()
        self.referrer_address = _text_box()
        self.reason = _text_box()
        self.priority = QComboBox()
        for priority in ReferralPriority:
            self.priority.addItem(label(priority.value), priority.value)
        self.consent = QCheckBox("The parents or carers agreed")
        for caption, field in (
            ("&First name", self.given_name),
            ("Famil&y name", self.family_name),
            ("Date of &birth", self.born),
            ("&NHS number", self.nhs_number),
            ("Family's &language", self.language),
            ("&Interpreter needed", self.interpreter),
            ("Date recei&ved", self.received),
            ("Referral fr&om", self.source),
            ("Referrer's na&me", self.referrer),
            ("Referrer's a&ddress", self.referrer_address),
            ("Rea&son for referral", self.reason),
            ("&Priority", self.priority),
            ("Family a&greed", self.consent),
        ):
            self.add(caption, field)
        #: What is wrong with the form; the form stays open until it is put right.
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.setStyleSheet("QLabel { color: #a00; font-weight: bold; }")
        self.problem.hide()
        self.form.addRow(self.problem)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def details(self) -> ReferralDetails:
        """What is typed, as the referral service's input (checked by check_referral)."""
        code = str(self.language.currentData())
        needed = self.interpreter.isChecked()
        return ReferralDetails(
            received_on=_day(self.received),
            source=str(self.source.currentData()),
            reason=self.reason.toPlainText(),
            priority=str(self.priority.currentData()),
            referrer_name=self.referrer.text(),
            referrer_address=self.referrer_address.toPlainText(),
            family_consent=self.consent.isChecked(),
            child=NewChild(
                given_name=self.given_name.text(),
                family_name=self.family_name.text(),
                date_of_birth=_day(self.born),
                nhs_number=self.nhs_number.text(),
                details={
                    "spoken_language": code,
                    "written_language": code,
                    "interpreter_needed": needed,
                    "interpreter_language": LANGUAGE_NAMES[code] if needed else "",
                },
            ),
        )

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def accept(self) -> None:
        """What Enter or the OK button does: check, then keep; it closes once written."""
        self.submit()

    def submit(self) -> None:
        """Check, then keep it; the form closes only once the referral is written."""
        me, today = self.context.me, self.today
        if me is None:
            self.say("Sign in to the team first: a referral belongs to a team.")
            return
        try:
            details = self.details()
            referrals.check_referral(details, today=today)
        except ValidationError as error:
            self.say(str(error))
            if "NHS number" in str(error):
                self.nhs_number.setFocus()
                self.nhs_number.selectAll()
            return
        self.say("")
        self.ok_button.setEnabled(False)
        team_id, actor = me.team_id, me.therapist_id
        name = f"{details.child.given_name.strip()} {details.child.family_name.strip()}"

        def keep(session: Session) -> ReceivedReferral:
            return referrals.receive_referral(
                session,
                team_id=team_id,
                details=details,
                actor_id=actor,
                today=today,
            )

        def done(_received: ReceivedReferral) -> None:
            FormDialog.accept(self)
            self.saved.emit(name)

        def failed(error: BaseException) -> None:
            self.ok_button.setEnabled(True)
            self.say(describe_error(error))

        self.context.runner.write(keep, done=done, failed=failed, owner=self)
