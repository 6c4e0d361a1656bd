"""The assessments section: standardised and informal assessments with scores and a summary."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import AssessmentKind
from otvisit.services import assessments
from otvisit.services.assessment_views import AssessmentView, child_assessments, scores_from_text
from otvisit.services.errors import DomainError
from otvisit.ui.child.section import Section
from otvisit.ui.child.stash import FormStash
from otvisit.ui.context import AppContext
from otvisit.ui.forms import FormDialog
from otvisit.ui.messages import MessageBar
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import day_text


class AssessmentsModel(RowsModel[AssessmentView]):
    COLUMNS: ClassVar[tuple[str, ...]] = ("Date", "Assessment", "Kind", "Scores", "Summary")

    def texts(self, row: AssessmentView) -> tuple[str, ...]:
        return (
            day_text(row.assessed_on),
            row.name,
            row.kind.value.capitalize(),
            row.scores_text().replace("\n", " · "),
            row.summary.splitlines()[0] if row.summary else "",
        )


class AssessmentsSection(Section):
    #: No Alt letter: every letter of the name is taken on some page (Ctrl+Tab reaches it).
    title = "Assessments"

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(context, messages, parent)
        self.model = AssessmentsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Assessments")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.record_button = QPushButton("&Record an assessment…")
        self.record_button.clicked.connect(self.open_record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self.context.runner.read(
            lambda session: child_assessments(session, child_id=child_id),
            done=self._show,
            owner=self,
        )

    def _show(self, rows: list[AssessmentView]) -> None:
        self.model.set_rows(rows)
        self.shown()

    def reopen(self, form: FormStash) -> FormDialog | None:
        return self.open_record() if form.form == "assessment" else None

    def open_record(self) -> FormDialog | None:
        if self.child_id is None:
            return None
        dialog: Any = FormDialog(
            self,
            "Record an assessment",
            lambda: self._record(dialog),
            ok_text="Save",
            name="assessment",
        )
        dialog.tool = dialog.add("&Tool", QLineEdit())
        dialog.tool.setPlaceholderText("e.g. Movement ABC-3, Beery VMI, observation at school")
        dialog.kind = dialog.add("&Kind", QComboBox())
        for kind in AssessmentKind:
            dialog.kind.addItem(kind.value.capitalize(), kind.value)
        dialog.on = dialog.add("&Date", QDateEdit(QDate.currentDate()))
        dialog.on.setCalendarPopup(True)
        dialog.scores = dialog.add("&Scores", QPlainTextEdit())
        dialog.scores.setPlaceholderText(
            "One part a line, e.g.\nManual dexterity: standard score 6; percentile 9"
        )
        dialog.summary = dialog.add("S&ummary", QPlainTextEdit())
        self.dialog = dialog
        dialog.open()
        return dialog

    def _record(self, dialog: Any) -> None:
        child_id, me = self.child_id, self.context.me_id
        assert child_id is not None
        try:  # the scores are read here, so a typing slip reopens the form as typed
            scores = scores_from_text(dialog.scores.toPlainText())
        except DomainError as error:
            self.messages.problem(str(error))
            dialog.open()
            return
        qdate = dialog.on.date()
        values = {
            "name": dialog.tool.text(),
            "kind": AssessmentKind(dialog.kind.currentData()),
            "assessed_on": date(qdate.year(), qdate.month(), qdate.day()),
            "scores": scores,
            "summary": dialog.summary.toPlainText(),
        }

        def record(session: Session) -> str:
            return assessments.record_assessment(session, child_id=child_id, actor_id=me, **values)  # type: ignore[arg-type]

        def failed(error: Exception) -> None:
            self.messages.problem(describe_error(error))
            dialog.open()  # nothing was saved: the form comes back as typed

        def done(_id: str) -> None:
            self.messages.inform(f"Assessment saved: {values['name']}.")
            self.changed()
            self.reload()

        self.context.runner.write(record, done=done, failed=failed, owner=self)
