"""The strike-day window: the families to phone for a disrupted day, ticked with the outcome."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import ContactOutcome
from otvisit.services import disruption
from otvisit.services.disruption import FamilyContact
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import export_folder
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.tasks import describe_error

OUTCOMES = (
    (ContactOutcome.REBOOKED, "Rebooked"),
    (ContactOutcome.CALL_BACK, "To call back"),
    (ContactOutcome.NO_ANSWER, "No answer"),
)
_WORDS = dict(OUTCOMES)


class ContactModel(RowsModel[FamilyContact]):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Contacted", "Family", "Children", "Phone", "Language", "Interpreter", "Appointments",
        "Note",
    )  # fmt: skip

    def texts(self, row: FamilyContact) -> tuple[str, ...]:
        outcome = _WORDS[row.outcome] if row.outcome else ""
        return (
            ("✔ " if row.contacted else "") + (outcome or "not yet"),
            row.family_name,
            ", ".join(row.children),
            row.phone or "no number",
            row.language,
            f"◆ {row.interpreter_language}" if row.interpreter_language else "",
            str(row.appointment_count),
            row.note,
        )


class ContactListWindow(QDialog):
    """Closed (and its data deleted) when the app locks."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Families to contact")
        self.context = context
        self.messages = MessageBar()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setAccessibleName("Disrupted day")
        self.make_button = QPushButton("&Make the list")
        self.save_button = QPushButton("&Save as PDF")
        self.model = ContactModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Families to contact")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.outcome = QComboBox()
        for value, text in OUTCOMES:
            self.outcome.addItem(text, value.value)
        self.outcome.setAccessibleName("Outcome")
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note (e.g. the new date)")
        self.note.setAccessibleName("Note")
        self.record_button = QPushButton("&Record the call")
        top = QHBoxLayout()
        caption = QLabel("&Day")
        caption.setBuddy(self.day)
        top.addWidget(caption)
        top.addWidget(self.day)
        top.addWidget(self.make_button)
        top.addWidget(self.save_button)
        top.addStretch(1)
        tick = QHBoxLayout()
        tick.addWidget(self.outcome)
        tick.addWidget(self.note, 1)
        tick.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.messages)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addLayout(tick)
        self.make_button.clicked.connect(self.make_list)
        self.save_button.clicked.connect(self.save_pdf)
        self.record_button.clicked.connect(self.record_call)
        self.day.dateChanged.connect(lambda _d: self.reload())
        self.resize(1000, 520)

    def chosen_day(self) -> date:
        return self.day.date().toPython()  # type: ignore[no-any-return]

    def _team(self) -> str | None:
        return self.context.me.team_id if self.context.me else None

    def _write(self, fn: Any, done: Any) -> None:
        def finished(result: Any) -> None:
            done(result)
            self.context.changes.child_changed.emit("")

        self.context.runner.write(
            fn, done=finished, failed=lambda e: self.messages.problem(describe_error(e)), owner=self
        )

    def reload(self) -> None:
        team, day = self._team(), self.chosen_day()
        if team is None:
            return
        self.context.runner.read(
            lambda s: disruption.contact_list(s, day=day, team_id=team),
            done=self._show,
            owner=self,
        )

    def _show(self, rows: list[FamilyContact]) -> None:
        self.model.set_rows(rows)
        waiting = sum(1 for row in rows if not row.contacted)
        if rows:
            self.messages.inform(f"{len(rows)} families, {waiting} not yet contacted.")

    def make_list(self) -> None:
        team, day, me = self._team(), self.chosen_day(), self.context.me_id
        if team is None:
            self.messages.inform("Sign in to make the list.")
            return

        def make(session: Session) -> list[FamilyContact]:
            return disruption.build_contact_list(session, day=day, team_id=team, actor_id=me)

        def shown(rows: list[FamilyContact]) -> None:
            self._show(rows)
            if not rows:
                self.messages.inform(f"No appointments are flagged as disrupted on {day:%d %B}.")

        self._write(make, shown)

    def record_call(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.messages.inform("Choose a family in the list first.")
            return
        family = self.model.row_at(index.row())
        outcome, note, me = self.outcome.currentData(), self.note.text(), self.context.me_id
        self._write(
            lambda s: disruption.record_family_contact(
                s, contact_id=family.contact_id, outcome=outcome, note=note, actor_id=me
            ),
            lambda _r: (self.note.clear(), self.reload()),
        )

    def save_pdf(self) -> None:
        from otvisit.reports.contact_list import save_contact_list  # loaded when first used

        team, day, me = self._team(), self.chosen_day(), self.context.me_id
        if team is None:
            return
        # Names and phone numbers: an export to the therapist's export folder, audited.
        path = (
            export_folder(self.context.profile_dir) / f"{day.isoformat()}-families-to-contact.pdf"
        )

        def save(session: Session) -> Path:
            return save_contact_list(session, day=day, team_id=team, path=path, actor_id=me)

        self._write(save, lambda saved: self.messages.inform(f"Saved as {saved}"))
