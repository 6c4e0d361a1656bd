"""The home programme section: pick strategies for the child's goals, preview, print or save."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.services import caseload, programmes
from otvisit.services.caseload import GoalView, ProgrammeView, StrategyChoice
from otvisit.ui.child.checklist import CheckList
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.printing import Printer
from otvisit.ui.tasks import describe_error

ProgrammeData = tuple[ProgrammeView | None, list[StrategyChoice], list[GoalView]]


class ProgrammeSection(Section):
    title = "Ho&me programme"

    def __init__(
        self,
        context: AppContext,
        messages: MessageBar,
        printer: Printer,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, messages, parent)
        self.printer = printer
        self.programme: ProgrammeView | None = None
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.goal = QComboBox()
        self.goal.setAccessibleName("For which goal")
        self.library = CheckList("Strategies from the library")
        self.this_week = QPlainTextEdit()
        self.this_week.setAccessibleName("This week, in plain words")
        self.this_week.setTabChangesFocus(True)
        self.this_week.setMaximumBlockCount(20)
        self.review_set = QCheckBox("&Review on")
        self.review = QDateEdit(QDate.currentDate().addMonths(2))
        self.review.setCalendarPopup(True)
        self.review.setDisplayFormat("dd MMM yyyy")  # never 5 10 2026: day, month name, year
        self.review.setAccessibleName("Review the programme on")
        self.review.setEnabled(False)
        self.review_set.toggled.connect(self.review.setEnabled)
        self.save_button = QPushButton("&Save programme")
        self.handout_button = QPushButton("&Preview handout…")
        self.handout_button.setToolTip("Ctrl+P")
        self.teacher_button = QPushButton("Preview &teacher version…")

        goal_row = QHBoxLayout()
        goal_row.addWidget(QLabel("Strategies ticked serve the goal"))
        goal_row.addWidget(self.goal, 1)
        print_row = QHBoxLayout()
        print_row.addStretch(1)
        print_row.addWidget(self.handout_button)
        print_row.addWidget(self.teacher_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addLayout(goal_row)
        layout.addWidget(self.library, 2)
        layout.addWidget(QLabel("What the family agreed to try this week (one line each)"))
        layout.addWidget(self.this_week, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.review_set)
        save_row.addWidget(self.review)
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        layout.addLayout(save_row)
        layout.addLayout(print_row)
        self.forms["programme"] = {
            "strategies": self.library,
            "goal": self.goal,
            "this week": self.this_week,
            "review set": self.review_set,
            "review on": self.review,
        }
        self.save_button.clicked.connect(self.save)
        self.handout_button.clicked.connect(lambda: self.preview("handout"))
        self.teacher_button.clicked.connect(lambda: self.preview("teacher"))

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        team = self.context.me.team_id if self.context.me else None

        def read(session: Session) -> ProgrammeData:
            return (
                caseload.child_programme(session, child_id=child_id),
                caseload.strategy_choices(session, team_id=team),
                caseload.child_goals(session, child_id=child_id),
            )

        self.context.runner.read(read, done=self._show, owner=self)

    def _show(self, data: ProgrammeData) -> None:
        programme, strategies, goals = data
        self.programme = programme
        chosen = [slug for _id, slug, _goal in programme.entries] if programme else []
        self.library.set_choices(
            ((s.slug, f"{s.area.capitalize()} — {s.title}") for s in strategies), chosen
        )
        self.goal.clear()
        self.goal.addItem("(no particular goal)", None)
        for goal in goals:
            self.goal.addItem(goal.wording, goal.goal_id)
        if programme:
            self.this_week.setPlainText(programme.this_week)
            self.review_set.setChecked(programme.review_on is not None)
            if programme.review_on is not None:
                when = programme.review_on
                self.review.setDate(QDate(when.year, when.month, when.day))
        count = len(chosen)
        self.state.setText(
            f"<b>{programme.title}</b>: {count} strateg{'y' if count == 1 else 'ies'}."
            if programme
            else "No home programme yet: tick strategies and save to start one."
        )
        self.shown()

    def _review_on(self) -> date | None:
        if not self.review_set.isChecked():
            return None
        chosen = self.review.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def save(self) -> None:
        """Create or update the programme, add newly ticked strategies, remove unticked ones."""
        child_id, me = self.child_id, self.context.me_id
        if child_id is None:
            return
        wanted = self.library.checked_values()
        goal_id = self.goal.currentData()
        this_week = self.this_week.toPlainText()
        review_on = self._review_on()
        programme = self.programme

        def save(session: Session) -> int:
            programme_id = programme.programme_id if programme else None
            if programme_id is None:
                programme_id = programmes.create_home_programme(
                    session,
                    child_id=child_id,
                    started_on=date.today(),
                    this_week=this_week,
                    review_on=review_on,
                    actor_id=me,
                )
            else:
                programmes.update_programme(
                    session,
                    programme_id=programme_id,
                    this_week=this_week,
                    review_on=review_on,
                    actor_id=me,
                )
            have = {
                slug: entry_id for entry_id, slug, _g in (programme.entries if programme else ())
            }
            for slug, entry_id in have.items():
                if slug not in wanted:
                    programmes.remove_programme_strategy(session, entry_id=entry_id, actor_id=me)
            added = 0
            for slug in wanted:
                if slug not in have:
                    programmes.add_programme_strategy(
                        session,
                        programme_id=programme_id,
                        strategy_slug=slug,
                        goal_id=goal_id,
                        actor_id=me,
                    )
                    added += 1
            return added

        def done(added: int) -> None:
            self.messages.inform(
                f"Home programme saved ({added} strateg{'y' if added == 1 else 'ies'} added)."
            )
            self.changed()
            self.reload()

        self.context.runner.write(
            save, done=done, failed=lambda e: self.messages.problem(describe_error(e)), owner=self
        )

    def preview(self, kind: str) -> None:
        """The handout (family's language) or the teacher version (English), as the record says."""
        child_id = self.child_id
        if child_id is None or self.programme is None:
            self.messages.inform("Save the programme first, then preview the handout.")
            return
        self.printer.make(
            kind, child_id=child_id, source_id=self.programme.programme_id, parent=self
        )
