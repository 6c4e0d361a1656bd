"""Qt item models of the caseload and of today's appointments."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from otvisit.services.caseload import CaseloadFilter, CaseloadRow, matches
from otvisit.services.today import TodayAppointment
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.text import age_text, label, language_name, local_time, place_text, when_text

Index = QModelIndex | QPersistentModelIndex
CHILD_ID_ROLE = Qt.ItemDataRole.UserRole + 1

CASELOAD_COLUMNS = (
    "Name",
    "Interpreter",
    "NHS number",
    "Age",
    "Nursery / school",
    "Next appointment",
    "Therapist",
    "Status",
)
INTERPRETER_COLUMN = 1
NAME_COLUMN, AGE_COLUMN, SCHOOL_COLUMN, STATUS_COLUMN = 0, 3, 4, 7


class CaseloadModel(QAbstractTableModel):
    """Every child on the laptop, filtered in memory so typing never waits on the database."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[CaseloadRow] = []
        self._shown: list[CaseloadRow] = []
        self._filter = CaseloadFilter()
        self.today = date.today()

    def set_rows(self, rows: list[CaseloadRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._shown = [row for row in self._all if matches(row, self._filter)]
        self.endResetModel()

    def set_filter(self, criteria: CaseloadFilter) -> None:
        if criteria == self._filter:
            return
        self.beginResetModel()
        self._filter = criteria
        self._shown = [row for row in self._all if matches(row, criteria)]
        self.endResetModel()

    @property
    def criteria(self) -> CaseloadFilter:
        return self._filter

    def row_at(self, row: int) -> CaseloadRow:
        return self._shown[row]

    def total(self) -> int:
        return len(self._all)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CASELOAD_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return CASELOAD_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        row = self._shown[index.row()]
        column = index.column()
        if role == CHILD_ID_ROLE:
            return row.child_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == INTERPRETER_COLUMN:
            if row.interpreter_needed:
                language = language_name(row.interpreter_language) or "language not set"
                return f"Book an interpreter ({language})"
            return "No interpreter needed"
        if (
            role == Qt.ItemDataRole.FontRole
            and column == INTERPRETER_COLUMN
            and row.interpreter_needed
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(row, column) or "none"
        return None

    def _display(self, row: CaseloadRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == INTERPRETER_COLUMN:
            if not row.interpreter_needed:
                return ""
            return f"◆ {language_name(row.interpreter_language) or 'Yes'}"
        if column == 2:
            return row.nhs_display
        if column == 3:
            return age_text(row.date_of_birth, self.today)
        if column == 4:
            return row.setting_name
        if column == 5:
            return when_text(row.next_appointment) if row.next_appointment else ""
        if column == 6:
            return row.therapist_name
        if row.discharge_proposed:
            return "Discharge proposed"
        return label(row.episode_status)


class TodayModel(RowsModel[TodayAppointment]):
    """Today's appointments: time, child, place, interpreter."""

    COLUMNS = ("Time", "Child", "Where", "Interpreter", "Status")

    def cell(self, row: TodayAppointment, column: int, role: int) -> Any:
        if role == CHILD_ID_ROLE:
            return row.child_id
        return super().cell(row, column, role)

    def texts(self, row: TodayAppointment) -> tuple[str, ...]:
        return (
            local_time(row.starts_at),
            row.child_name,
            place_text(row.place),
            f"◆ {language_name(row.interpreter_language)}" if row.interpreter_booked else "",
            label(row.status) + (" · disrupted" if row.disrupted else ""),
        )
