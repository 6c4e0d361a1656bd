"""The goals section: goal in the family's words, five GAS levels, ratings, live T-score, COPM."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from otvisit.services import caseload, copm, copm_views, gas, goals
from otvisit.services.caseload import GoalView
from otvisit.services.copm import CopmSummary
from otvisit.services.copm_views import CopmProblemView
from otvisit.services.errors import ValidationError
from otvisit.ui.child.goal_model import CopmModel, GoalsModel
from otvisit.ui.child.section import Section
from otvisit.ui.context import AppContext
from otvisit.ui.messages import MessageBar
from otvisit.ui.tasks import describe_error
from otvisit.ui.text import language_name

LEVELS = (2, 1, 0, -1, -2)
LEVEL_WORDS = {
    2: "+2 much better than expected",
    1: "+1 better than expected",
    0: "0 expected outcome",
    -1: "−1 less than expected",
    -2: "−2 much less than expected",
}


def level_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    # Narrow enough for 150 % text at 1366 pixels; the list opens as wide as its words.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    for level in LEVELS:
        combo.addItem(LEVEL_WORDS[level], level)
    return combo


def t_score_text(goals_shown: list[GoalView], levels: dict[str, int]) -> str:
    """The T-score now (rating being entered included) and at baseline."""
    active = [g for g in goals_shown if g.status != "stopped"]
    if not active:
        return "No goals yet: the T-score appears with the first goal."
    now = gas.gas_t_score(
        [
            (
                levels.get(g.goal_id, g.latest_level if g.latest_level is not None else g.baseline),
                g.weight,
            )
            for g in active
        ]
    )
    baseline = gas.gas_t_score([(g.baseline, g.weight) for g in active])
    return f"GAS T-score <b>{now:.1f}</b> (baseline {baseline:.1f}; 50 = goals met as expected)"


def copm_text(summary: CopmSummary) -> str:
    if not summary.changes:
        return "No COPM problems recorded."
    lines = []
    for change in summary.changes:
        if change.performance_change is None:
            lines.append(f"{change.occupation}: baseline only")
            continue
        important = " — clinically important" if change.clinically_important else ""
        lines.append(
            f"{change.occupation}: performance {change.performance_change:+.1f}, "
            f"satisfaction {change.satisfaction_change or 0:+.1f}{important}"
        )
    return "<br>".join(lines)


GoalsRead = tuple[list[GoalView], CopmSummary | None, list[CopmProblemView], str]

SETTINGS = (
    ("all", "All settings"),
    ("home", "Home"),
    ("nursery", "Nursery"),
    ("school", "School"),
)


def family_language_code(written_language: str) -> str:
    """The family's written language as the code documents use (``Arabic`` stays a name)."""
    return written_language.strip().replace("_", "-").lower()


def text_direction(code: str) -> Qt.LayoutDirection:
    """Right to left for Arabic, Urdu and the like, from the language's locale."""
    base = code.split("-")[0]
    if not (base.isascii() and base.isalpha() and 2 <= len(base) <= 3):
        return Qt.LayoutDirection.LeftToRight
    return QLocale(base).textDirection()


def rating_spin(name: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, 10)
    spin.setAccessibleName(name)
    return spin


class GoalsSection(Section):
    title = "&Goals"

    def __init__(self, context: AppContext, messages: MessageBar, parent: QWidget | None = None):
        super().__init__(context, messages, parent)
        self.goal_rows: list[GoalView] = []
        self.model = GoalsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Goals")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)
        self.t_score = QLabel()
        self.t_score.setAccessibleName("GAS T-score")
        self.t_score.setWordWrap(True)
        self.rating = level_combo("Level reached")
        self.rate_button = QPushButton("&Rate")
        rate_row = QHBoxLayout()
        rate_row.addWidget(QLabel("Level reached today"))
        rate_row.addWidget(self.rating, 1)
        rate_row.addWidget(self.rate_button)

        # New goal form
        self.wording = QPlainTextEdit()
        self.wording.setAccessibleName("Goal in the family's words")
        self.wording.setPlaceholderText(
            "e.g. Sam will put his coat on by himself before outdoor play"
        )
        self.wording.setTabChangesFocus(True)
        # The same goal in the family's written language, typed with the interpreter.
        self.family_language = ""
        self.family_wording = QPlainTextEdit()
        self.family_wording.setAccessibleName("Goal in the family's language")
        self.family_wording.setTabChangesFocus(True)
        self.family_wording.setMaximumHeight(self.wording.sizeHint().height())
        # No Alt+letter: every letter of the label is taken on this page; Tab follows the wording.
        self.family_label = QLabel("Family's language")
        self.family_label.setBuddy(self.family_wording)
        self.setting = QComboBox()
        self.setting.setAccessibleName("Where the goal is worked on")
        for value, words in SETTINGS:
            self.setting.addItem(words, value)
        self.area = QLineEdit()
        self.level_edits: dict[int, QLineEdit] = {}
        self.baseline = level_combo("Baseline level")
        self.baseline.setCurrentIndex(self.baseline.findData(-1))
        self.weight = QDoubleSpinBox()
        self.weight.setRange(0.1, 10)
        self.weight.setValue(1.0)
        self.add_button = QPushButton("Add goa&l")
        form_box = QGroupBox("New goal")
        form = QFormLayout(form_box)
        form.addRow("Goal in the family's &words", self.wording)
        form.addRow(self.family_label, self.family_wording)
        form.addRow("Worked on at", self.setting)
        form.addRow("Area", self.area)
        for level in LEVELS:
            edit = QLineEdit()
            edit.setAccessibleName(f"GAS level {level:+d}")
            self.level_edits[level] = edit
            form.addRow(LEVEL_WORDS[level], edit)
        form.addRow("&Baseline", self.baseline)
        form.addRow("Weigh&t", self.weight)
        form.addRow("", self.add_button)

        # COPM: problems the family named, rated at baseline and again at re-assessment
        copm_box = QGroupBox("COPM")
        self.copm_summary = QLabel()
        self.copm_summary.setWordWrap(True)
        self.copm_model = CopmModel(self)
        self.copm_table = QTableView()
        self.copm_table.setModel(self.copm_model)
        self.copm_table.setAccessibleName("COPM problems")
        self.copm_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.copm_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.copm_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.copm_table.verticalHeader().hide()
        self.copm_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.copm_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.copm_table.setTabKeyNavigation(False)
        self.occupation = QLineEdit()
        self.occupation.setAccessibleName("Occupation")
        self.importance = QSpinBox()
        self.importance.setRange(0, 10)
        self.importance.setSpecialValueText("not rated")  # 0: the family did not rate it
        self.importance.setAccessibleName("Importance")
        self.performance = rating_spin("Performance")
        self.satisfaction = rating_spin("Satisfaction")
        self.copm_button = QPushButton("Add COPM &problem")
        self.again_performance = rating_spin("Performance at re-assessment")
        self.again_satisfaction = rating_spin("Satisfaction at re-assessment")
        self.reassess_button = QPushButton("&Save re-assessment")
        # A grid of short rows, so the section fits a 1366-pixel screen at 150 % text.
        copm_grid = QGridLayout()
        for row, cells in enumerate(
            (
                (("Occ&upation", self.occupation), ("&Importance", self.importance), None),
                (
                    ("Performance", self.performance),
                    ("Satisfaction", self.satisfaction),
                    self.copm_button,
                ),
                (
                    ("Re-assessed", self.again_performance),
                    ("Satisfaction", self.again_satisfaction),
                    self.reassess_button,
                ),
            )
        ):
            for pair, (caption, widget) in enumerate(cells[:2]):
                caption_label = QLabel(caption)
                caption_label.setBuddy(widget)
                copm_grid.addWidget(caption_label, row, pair * 2)
                copm_grid.addWidget(widget, row, pair * 2 + 1)
            if cells[2] is not None:
                copm_grid.addWidget(cells[2], row, 4)
        copm_grid.setColumnStretch(1, 1)
        copm_layout = QVBoxLayout(copm_box)
        copm_layout.addWidget(self.copm_summary)
        copm_layout.addWidget(self.copm_table)
        copm_layout.addLayout(copm_grid)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.t_score)
        left_layout.addLayout(rate_row)
        left_layout.addWidget(copm_box)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(form_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.forms["new goal"] = {
            "wording": self.wording,
            "family wording": self.family_wording,
            "setting": self.setting,
            "area": self.area,
            **{f"level {level:+d}": edit for level, edit in self.level_edits.items()},
            "baseline": self.baseline,
            "weight": self.weight,
        }
        self.forms["copm"] = {
            "occupation": self.occupation,
            "importance": self.importance,
            "performance": self.performance,
            "satisfaction": self.satisfaction,
        }
        self.add_button.clicked.connect(self.add_goal)
        self.rate_button.clicked.connect(self.rate_selected)
        self.copm_button.clicked.connect(self.add_copm)
        self.reassess_button.clicked.connect(self.reassess_copm)
        self.rating.currentIndexChanged.connect(self._update_t_score)
        self.table.selectionModel().currentRowChanged.connect(self._goal_selected)

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return

        def read(session: Session) -> GoalsRead:
            try:
                summary: CopmSummary | None = copm.child_copm_summary(session, child_id=child_id)
            except ValidationError:  # no COPM problems recorded yet
                summary = None
            return (
                caseload.child_goals(session, child_id=child_id),
                summary,
                copm_views.child_copm_problems(session, child_id=child_id),
                caseload.child_summary(session, child_id=child_id).written_language,
            )

        self.context.runner.read(read, done=self._show, owner=self)

    def _show(self, data: GoalsRead) -> None:
        self.goal_rows, summary, problems, written = data
        self._family_language(family_language_code(written))
        self.model.set_rows(self.goal_rows)
        chosen = self.chosen_problem()
        self.copm_model.set_rows(problems)
        if chosen is not None:
            for row, problem in enumerate(problems):
                if problem.problem_id == chosen.problem_id:
                    self.copm_table.selectRow(row)
        self.copm_summary.setText(copm_text(summary) if summary else "No COPM problems recorded.")
        self._update_t_score()
        self.shown()

    def _family_language(self, code: str) -> None:
        """Name the family's language on the form and type in its direction (Arabic: RTL)."""
        self.family_language = code
        english = code in ("", "en") or code.startswith("en-")
        name = language_name(code) if not english else "English"
        self.family_label.setText(f"Family's language: {name}")
        self.family_wording.setEnabled(not english)
        self.family_wording.setAccessibleName(f"Goal in {name}")
        self.family_wording.setPlaceholderText(
            "The family reads English: no second wording is needed"
            if english
            else f"The goal in {name}, as the interpreter writes it"
        )
        direction = text_direction(code)
        self.family_wording.setLayoutDirection(direction)
        option = self.family_wording.document().defaultTextOption()
        option.setTextDirection(direction)
        self.family_wording.document().setDefaultTextOption(option)

    def selected(self) -> GoalView | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _goal_selected(self, *_args: Any) -> None:
        goal = self.selected()
        if goal is not None:
            level = goal.latest_level if goal.latest_level is not None else goal.baseline
            self.rating.setCurrentIndex(self.rating.findData(level))
        self._update_t_score()

    def _update_t_score(self, *_args: Any) -> None:
        """Live: the score with the level being chosen, before anything is saved."""
        goal = self.selected()
        pending = {goal.goal_id: int(self.rating.currentData())} if goal else {}
        self.t_score.setText(t_score_text(self.goal_rows, pending))

    def _write(self, fn: Any, text: str, after: Any = None) -> None:
        def done(_result: object) -> None:
            self.messages.inform(text)
            if after is not None:
                after()
            self.changed()
            self.reload()

        self.context.runner.write(
            fn, done=done, failed=lambda e: self.messages.problem(describe_error(e)), owner=self
        )

    def add_goal(self) -> None:
        child_id, me = self.child_id, self.context.me_id
        if child_id is None:
            return
        wording = self.wording.toPlainText()
        family_wording = (
            self.family_wording.toPlainText() if self.family_wording.isEnabled() else ""
        )
        family_language, setting = self.family_language, str(self.setting.currentData())
        levels = {level: edit.text() for level, edit in self.level_edits.items()}
        baseline, weight, area = (
            int(self.baseline.currentData()),
            self.weight.value(),
            self.area.text(),
        )

        def add(session: Session) -> str:
            return goals.create_goal(
                session,
                child_id=child_id,
                wording=wording,
                levels=levels,
                set_on=date.today(),
                baseline=baseline,
                weight=weight,
                area=area,
                setting=setting,
                family_wording=family_wording,
                family_language=family_language,
                actor_id=me,
            )

        def clear() -> None:
            self.wording.clear()
            self.family_wording.clear()
            self.setting.setCurrentIndex(0)
            self.area.clear()
            for edit in self.level_edits.values():
                edit.clear()

        self._write(add, "Goal added.", clear)

    def rate_selected(self) -> None:
        goal, me = self.selected(), self.context.me_id
        if goal is None:
            self.messages.inform("Choose a goal in the list first.")
            return
        level = int(self.rating.currentData())
        self._write(
            lambda s: goals.rate_goal(
                s, goal_id=goal.goal_id, level=level, rated_on=date.today(), actor_id=me
            ),
            f"Rated {level:+d}.",
        )

    def add_copm(self) -> None:
        child_id, me = self.child_id, self.context.me_id
        if child_id is None:
            return
        occupation = self.occupation.text()
        performance, satisfaction = self.performance.value(), self.satisfaction.value()
        importance = self.importance.value() or None

        def clear() -> None:
            self.occupation.clear()
            for spin in (self.importance, self.performance, self.satisfaction):
                spin.setValue(spin.minimum())

        self._write(
            lambda s: copm.add_copm_problem(
                s,
                child_id=child_id,
                occupation=occupation,
                baseline_on=date.today(),
                performance=performance,
                satisfaction=satisfaction,
                importance=importance,
                actor_id=me,
            ),
            "COPM problem added.",
            clear,
        )

    def chosen_problem(self) -> CopmProblemView | None:
        index = self.copm_table.currentIndex()
        return self.copm_model.row_at(index.row()) if index.isValid() else None

    def reassess_copm(self) -> None:
        problem, me = self.chosen_problem(), self.context.me_id
        if problem is None:
            self.messages.inform("Choose a COPM problem in the list first.")
            return
        performance = self.again_performance.value()
        satisfaction = self.again_satisfaction.value()

        def clear() -> None:
            for spin in (self.again_performance, self.again_satisfaction):
                spin.setValue(spin.minimum())

        self._write(
            lambda s: copm.reassess_copm_problem(
                s,
                problem_id=problem.problem_id,
                reassessed_on=date.today(),
                performance=performance,
                satisfaction=satisfaction,
                actor_id=me,
            ),
            f"Re-assessment of {problem.occupation!r} saved.",
            clear,
        )
