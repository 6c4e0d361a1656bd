"""The Qt item model of a child's goals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from otvisit.services.caseload import GoalView
from otvisit.services.copm_views import CopmProblemView
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.text import label


class GoalsModel(RowsModel[GoalView]):
    COLUMNS = ("Goal", "Baseline", "Latest", "Weight", "Status")

    def cell(self, goal: GoalView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                f"{lvl:+d}: {text}"
                for lvl, text in zip((-2, -1, 0, 1, 2), goal.levels, strict=True)
            )
        return super().cell(goal, column, role)

    def texts(self, goal: GoalView) -> tuple[str, ...]:
        latest = "not rated" if goal.latest_level is None else f"{goal.latest_level:+d}"
        return (
            goal.wording,
            f"{goal.baseline:+d}",
            latest,
            f"{goal.weight:g}",
            label(goal.status),
        )


class CopmModel(RowsModel[CopmProblemView]):
    COLUMNS = ("Occupation", "Importance", "Baseline P / S", "Re-assessed P / S")

    def texts(self, problem: CopmProblemView) -> tuple[str, ...]:
        again = (
            f"{problem.reassessed_performance} / {problem.reassessed_satisfaction}"
            if problem.reassessed_performance is not None
            else "not yet"
        )
        return (
            problem.occupation,
            "—" if problem.importance is None else str(problem.importance),
            f"{problem.baseline_performance} / {problem.baseline_satisfaction}",
            again,
        )
