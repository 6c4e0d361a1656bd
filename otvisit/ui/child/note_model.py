"""The Qt item model of a child's session notes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from otvisit.services.caseload import NoteView
from otvisit.ui.text import day_text, place_text

Index = QModelIndex | QPersistentModelIndex


class NotesModel(QAbstractTableModel):
    COLUMNS = ("Seen on", "Where", "Written by", "State")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[NoteView] = []

    def set_rows(self, rows: list[NoteView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> NoteView:
        return self._rows[row]

    def row_of(self, note_id: str) -> int:
        for number, note in enumerate(self._rows):
            if note.note_id == note_id:
                return number
        return -1

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
        note = self._rows[index.row()]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        state = "Draft"
        if note.signed_at is not None:
            state = "Signed" + (f" + {len(note.addenda)} addenda" if note.addenda else "")
        values = (day_text(note.seen_on), place_text(note.place), note.author_name, state)
        return values[index.column()]
