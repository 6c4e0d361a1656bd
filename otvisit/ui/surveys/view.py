"""The surveys screen: enter a paper survey anonymously, make a blank one, the team's results."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.services import feedback
from otvisit.services.feedback import ARRIVAL_WORDS, QUESTIONS
from otvisit.services.survey_results import (
    SurveyResults,
    arrival_table,
    results_table,
    survey_results,
)
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import LANGUAGE_NAMES, export_folder
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import day_text

ANSWERS = ("Not answered", "1 – not at all", "2", "3", "4", "5 – very much")


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _languages() -> QComboBox:
    combo = QComboBox()
    for code, name in LANGUAGE_NAMES.items():
        combo.addItem(name, code)
    return combo


class SurveysView(QWidget):
    """Kept apart from every child's record: no name or NHS number is asked or kept."""

    back = Signal()

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.messages = messages
        self.results: SurveyResults | None = None
        self.last_blank: Path | None = None
        top = QHBoxLayout()
        self.back_button = QPushButton("← &Caseload")
        self.back_button.clicked.connect(self.back)
        top.addWidget(self.back_button)
        top.addWidget(
            QLabel("<span style='font-size:large'><b>Family experience surveys</b></span>"), 1
        )
        self.blank_language = _languages()
        self.blank_language.setAccessibleName("Language of the blank survey")
        self.blank_button = QPushButton("Make a &blank survey (PDF)")
        self.blank_button.clicked.connect(self.make_blank)
        top.addWidget(self.blank_language)
        top.addWidget(self.blank_button)

        entry = QGroupBox("Enter a survey (anonymous: no name or NHS number)")
        form = QFormLayout(entry)
        self.received = QDateEdit(QDate.currentDate())
        self.received.setCalendarPopup(True)
        self.received.setDisplayFormat("dd MMM yyyy")
        form.addRow("&Received on", self.received)
        self.language = _languages()
        form.addRow("&Language filled in", self.language)
        self.arrival = QComboBox()
        self.arrival.setAccessibleName("How it arrived")
        self.arrival.addItem("Choose…")  # no data: nothing chosen yet
        for way, words in ARRIVAL_WORDS.items():
            self.arrival.addItem(words, way.value)
        form.addRow("How it &arrived", self.arrival)
        self.answers: dict[str, QComboBox] = {}
        for key, question in QUESTIONS.items():
            combo = QComboBox()
            combo.addItems(ANSWERS)
            combo.setAccessibleName(question)
            self.answers[key] = combo
            form.addRow(question, combo)
        self.comments = QPlainTextEdit()
        self.comments.setAccessibleName("Comments")
        form.addRow("Co&mments", self.comments)
        self.save_button = QPushButton("&Save survey")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)

        results = QGroupBox("The team's results")
        results_layout = QVBoxLayout(results)
        period = QHBoxLayout()
        self.since = QDateEdit(QDate.currentDate().addYears(-1))
        self.until = QDateEdit(QDate.currentDate())
        for edit, caption in ((self.since, "From"), (self.until, "to")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setAccessibleName(caption)
            period.addWidget(QLabel(caption))
            period.addWidget(edit)
            edit.dateChanged.connect(lambda _d: self.refresh())
        period.addStretch(1)
        self.count = QLabel()
        self.table = QTableWidget()
        self.table.setAccessibleName("Results per question")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.arrivals = QTableWidget()
        self.arrivals.setAccessibleName("Surveys by how they arrived")
        self.arrivals.verticalHeader().hide()
        self.arrivals.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.arrivals.setMaximumHeight(150)
        self.comments_list = QListWidget()
        self.comments_list.setAccessibleName("Families' comments")
        self.comments_list.setWordWrap(True)
        results_layout.addLayout(period)
        results_layout.addWidget(self.count)
        results_layout.addWidget(self.table, 2)
        results_layout.addWidget(self.arrivals)
        results_layout.addWidget(QLabel("<b>Comments</b>"))
        results_layout.addWidget(self.comments_list, 1)

        body = QHBoxLayout()
        body.addWidget(entry, 2)
        body.addWidget(results, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body)

    # --- results ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.context.locked:
            return
        since, until = _to_date(self.since.date()), _to_date(self.until.date())
        self.context.runner.read(
            lambda session: survey_results(session, since=since, until=until),
            done=self._show,
            failed=lambda error: self.messages.problem(describe_error(error)),
            owner=self,
        )

    def _show(self, results: SurveyResults) -> None:
        if self.context.locked:
            return
        self.results = results
        if results.surveys:
            languages = ", ".join(
                f"{LANGUAGE_NAMES.get(code, code)} {n}" for code, n in results.languages
            )
            self.count.setText(f"<b>{results.surveys} survey(s)</b> received · {languages}")
        else:
            self.count.setText("No surveys received in this period.")
        rows = results_table(results)
        self.table.setColumnCount(len(rows[0]))
        self.table.setHorizontalHeaderLabels(rows[0])
        self.table.setRowCount(len(rows) - 1)
        for r, row in enumerate(rows[1:]):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        arrivals = arrival_table(results)
        self.arrivals.setColumnCount(2)
        self.arrivals.setHorizontalHeaderLabels(arrivals[0])
        self.arrivals.setRowCount(len(arrivals) - 1)
        for r, (way, count) in enumerate(arrivals[1:]):
            self.arrivals.setItem(r, 0, QTableWidgetItem(way))
            number = QTableWidgetItem(count)
            number.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.arrivals.setItem(r, 1, number)
        self.arrivals.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.comments_list.clear()
        for comment in results.comments:
            language = LANGUAGE_NAMES.get(comment.language, comment.language)
            self.comments_list.addItem(
                f"{day_text(comment.received_on)} ({language}): {comment.text}"
            )

    # --- entering a survey ------------------------------------------------------------------

    def save(self) -> None:
        me = self.context.me
        if me is None:
            self.messages.inform("Sign in to your team before entering surveys.")
            return
        ratings = {key: combo.currentIndex() for key, combo in self.answers.items()}
        ratings = {key: answer for key, answer in ratings.items() if answer}
        received, comments = _to_date(self.received.date()), self.comments.toPlainText()
        language = str(self.language.currentData())
        arrived_by = self.arrival.currentData()
        if arrived_by is None:  # asked every time: a guessed default would skew the counts
            self.messages.problem("Say how the survey arrived: post, clinic, online or phone.")
            self.arrival.setFocus()
            return

        def write(session: Session) -> str:
            return feedback.record_feedback(
                session, team_id=me.team_id, received_on=received, ratings=ratings,
                comments=comments, language=language, arrived_by=arrived_by,
                actor_id=me.therapist_id,
            )  # fmt: skip

        def done(_id: str) -> None:
            self.messages.inform("Survey saved (anonymous). Thank you.")
            self.clear_form()
            self.refresh()

        # A refused survey keeps what was typed, so nothing is lost.
        self.context.runner.write(
            write, done=done, failed=lambda e: self.messages.problem(describe_error(e)), owner=self
        )

    def clear_form(self) -> None:
        for combo in self.answers.values():
            combo.setCurrentIndex(0)
        self.arrival.setCurrentIndex(0)
        self.comments.clear()

    # --- a blank survey -----------------------------------------------------------------------

    def make_blank(self) -> None:
        me = self.context.me
        if me is None:
            self.messages.inform("Sign in to your team first.")
            return
        code = str(self.blank_language.currentData())
        folder = export_folder(self.context.profile_dir)  # a blank form: nothing of a family

        def render(session: Session) -> Path:
            from otvisit.reports.pdfbuild import write_pdf
            from otvisit.reports.survey import render_family_survey, survey_team

            team = survey_team(session, team_id=me.team_id)
            pdf = render_family_survey(team, language=code)
            return write_pdf(pdf, folder / f"family-survey-{code}.pdf")

        def done(path: Path) -> None:
            name = LANGUAGE_NAMES.get(code, code)
            self.last_blank = path
            self.messages.inform(f"Blank survey in {name} saved as {path}: print it to hand over.")

        self.context.runner.read(
            render, done=done, failed=lambda e: self.messages.problem(describe_error(e)), owner=self
        )

    def put_away(self) -> None:
        """The results hold families' words: off the screen while locked."""
        self.results = None
        self.table.setRowCount(0)
        self.comments_list.clear()
        self.count.clear()
        self.clear_form()
