"""The Qt item model of a child's goals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from otvisit.services.caseload import GoalView
from otvisit.ui.text import label

Index = QModelIndex | QPersistentModelIndex


class GoalsModel(QAbstractTableModel):
    COLUMNS = ("Goal", "Baseline", "Latest", "Weight", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[GoalView] = []

    def set_rows(self, rows: list[GoalView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> GoalView:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        goal = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                f"{lvl:+d}: {text}"
                for lvl, text in zip((-2, -1, 0, 1, 2), goal.levels, strict=True)
            )
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        latest = "not rated" if goal.latest_level is None else f"{goal.latest_level:+d}"
        values = (
            goal.wording,
            f"{goal.baseline:+d}",
            latest,
            f"{goal.weight:g}",
            label(goal.status),
        )
        return values[index.column()]
