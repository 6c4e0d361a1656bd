"""Table models of the Groups screen: the sessions, and one session's register."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt

from otvisit.services.group_views import GroupRow, RegisterLine
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.text import label, place_text, when_text


class GroupsModel(RowsModel[GroupRow]):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "When", "Group", "Programme", "Where", "Families", "Attended", "Note", "Therapist",
    )  # fmt: skip

    def texts(self, row: GroupRow) -> tuple[str, ...]:
        where = place_text(row.place) + (" — cancelled" if row.cancelled else "")
        return (
            when_text(row.starts_at),
            row.title,
            row.programme,
            where,
            f"{row.families} of {row.capacity}",
            str(row.attended),
            "written" if row.has_note else "—",
            row.therapist,
        )


#: How a register mark reads (a child is "not brought", never "did not attend").
MARKS = {
    "booked": "Booked",
    "attended": "Attended",
    "cancelled": "Cancelled",
    "not_brought": "Not brought",
    "moved": "Moved to another session",
}


class RegisterModel(RowsModel[RegisterLine]):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Family", "NHS number", "Register", "Interpreter", "Reschedules", "Entry",
    )  # fmt: skip

    def texts(self, row: RegisterLine) -> tuple[str, ...]:
        return (
            row.child_name,
            row.nhs_display,
            MARKS.get(row.status.value, label(row.status.value)),
            f"◆ {row.interpreter_language}" if row.interpreter_language else "",
            f"{row.reschedule_count} of 2",
            row.entry.splitlines()[0] if row.entry else "",
        )

    def cell(self, row: RegisterLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return row.entry or None
        return super().cell(row, column, role)
