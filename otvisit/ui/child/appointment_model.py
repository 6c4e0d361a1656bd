"""The Qt item model of a child's appointments."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from otvisit.services.caseload import AppointmentView
from otvisit.ui.text import label, place_text, when_text

Index = QModelIndex | QPersistentModelIndex


class AppointmentsModel(QAbstractTableModel):
    COLUMNS = ("When", "Type", "Where", "Status", "Moved", "Interpreter", "Disruption")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AppointmentView] = []

    def set_rows(self, rows: list[AppointmentView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> AppointmentView:
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
        a = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return a.notes or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        disruption = ""
        if a.disrupted:
            disruption = "Family contacted" if a.family_contacted else "Contact family"
        values = (
            f"{when_text(a.starts_at)} ({a.duration_minutes} min)",
            label(a.kind),
            place_text(a.place),
            label(a.status),
            f"{a.reschedule_count} of 2" if a.reschedule_count else "",
            f"Booked: {a.interpreter_language}" if a.interpreter_booked else "",
            disruption,
        )
        return values[index.column()]
