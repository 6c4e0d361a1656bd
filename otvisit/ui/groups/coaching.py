"""The Groups screen's coaching part: each family's COPM before and after the programme."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from otvisit.services import coaching, copm
from otvisit.services.coaching import ProgrammeProblem
from otvisit.services.group_views import GroupRegister, RegisterLine
from otvisit.ui.forms import FormDialog
from otvisit.ui.messages import MessageBar


def _rating() -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 10)
    box.setValue(5)
    return box


class CoachingActions(QWidget):
    """COPM per family in a coaching programme (mixed into the Groups screen)."""

    messages: MessageBar
    register: GroupRegister | None
    problems: list[ProgrammeProblem]
    dialog: FormDialog | None
    copm_label: QLabel
    copm_before_button: QPushButton
    copm_after_button: QPushButton

    def chosen_line(self) -> RegisterLine | None:
        raise NotImplementedError

    def _write(self, fn: Any, done_text: str) -> None:
        raise NotImplementedError

    def _show_problems(self, problems: list[ProgrammeProblem]) -> None:
        self.problems = problems
        self._show_copm()

    def family_problems(self) -> list[ProgrammeProblem]:
        line = self.chosen_line()
        return [p for p in self.problems if line is not None and p.child_id == line.child_id]

    def _show_copm(self) -> None:
        in_programme = self.register is not None and self.register.programme_id is not None
        self.copm_before_button.setEnabled(in_programme)
        self.copm_after_button.setEnabled(in_programme)
        if not in_programme:
            self.copm_label.setText("")
            return
        parts = []
        for problem in self.family_problems():
            before = f"{problem.before[0]}/{problem.before[1]}"
            after = f"{problem.after[0]}/{problem.after[1]}" if problem.after else "not yet"
            parts.append(f"{problem.occupation}: before {before}, after {after}")
        self.copm_label.setText(
            "COPM (performance/satisfaction) — " + ("; ".join(parts) or "none recorded")
        )

    def open_copm_before(self) -> None:
        """A problem the chosen family names at the programme's start, rated before it."""
        line, register = self.chosen_line(), self.register
        if line is None or register is None or register.programme_id is None:
            self.messages.inform("Choose a family in a group that is part of a programme.")
            return
        programme_id = register.programme_id
        dialog: Any = FormDialog(
            self, f"COPM before the programme — {line.child_name}",
            lambda: self._copm_before(dialog, programme_id, line), ok_text="Save",
            name="copm before",
        )  # fmt: skip
        dialog.occupation = dialog.add("&Occupation the family named", QLineEdit())
        dialog.performance = dialog.add("&Performance (1–10)", _rating())
        dialog.satisfaction = dialog.add("&Satisfaction (1–10)", _rating())
        self.dialog = dialog
        dialog.open()

    def _copm_before(self, dialog: Any, programme_id: str, line: RegisterLine) -> None:
        occupation, me = dialog.occupation.text(), self.context.me_id
        performance, satisfaction = dialog.performance.value(), dialog.satisfaction.value()
        today = date.today()
        self._write(
            lambda s: coaching.add_programme_copm(
                s, programme_id=programme_id, child_id=line.child_id, occupation=occupation,
                baseline_on=today, performance=performance, satisfaction=satisfaction,
                actor_id=me,
            ),
            f"COPM before the programme saved for {line.child_name}.",
        )  # fmt: skip

    def open_copm_after(self) -> None:
        """The same problems re-rated at the programme's end."""
        line = self.chosen_line()
        waiting = [p for p in self.family_problems() if p.after is None]
        if line is None or not waiting:
            self.messages.inform("Record the family's COPM before the programme first.")
            return
        dialog: Any = FormDialog(
            self, f"COPM after the programme — {line.child_name}",
            lambda: self._copm_after(dialog, line), ok_text="Save", name="copm after",
        )  # fmt: skip
        dialog.problem = dialog.add("&Problem", QComboBox())
        for problem in waiting:
            before = f"before {problem.before[0]}/{problem.before[1]}"
            dialog.problem.addItem(f"{problem.occupation} ({before})", problem.problem_id)
        dialog.performance = dialog.add("&Performance (1–10)", _rating())
        dialog.satisfaction = dialog.add("&Satisfaction (1–10)", _rating())
        self.dialog = dialog
        dialog.open()

    def _copm_after(self, dialog: Any, line: RegisterLine) -> None:
        problem_id, me = str(dialog.problem.currentData()), self.context.me_id
        performance, satisfaction = dialog.performance.value(), dialog.satisfaction.value()
        today = date.today()
        self._write(
            lambda s: copm.reassess_copm_problem(
                s, problem_id=problem_id, reassessed_on=today, performance=performance,
                satisfaction=satisfaction, actor_id=me,
            ),
            f"COPM after the programme saved for {line.child_name}.",
        )  # fmt: skip
