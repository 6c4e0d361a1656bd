"""The Qt item model of a child's appointments."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from otvisit.services.appointment_views import AppointmentView
from otvisit.ui.child.reschedule_prompt import (
    PROMPT_COLOUR,
    moved_text,
    moved_tooltip,
    over_the_limit,
)
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.text import label, language_name, place_text, when_text


class AppointmentsModel(RowsModel[AppointmentView]):
    COLUMNS = ("When", "Type", "Where", "With", "Status", "Moved", "Interpreter", "Disruption")
    MOVED = COLUMNS.index("Moved")

    def cell(self, appointment: AppointmentView, column: int, role: int) -> Any:
        if column == self.MOVED and over_the_limit(appointment.reschedule_count):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(PROMPT_COLOUR)
            if role == Qt.ItemDataRole.ToolTipRole:
                return moved_tooltip(appointment.reschedule_count)
        if role == Qt.ItemDataRole.ToolTipRole:
            return appointment.notes or None
        return super().cell(appointment, column, role)

    def texts(self, a: AppointmentView) -> tuple[str, ...]:
        disruption = ""
        if a.disrupted:
            disruption = "Family contacted" if a.family_contacted else "Contact family"
        return (
            f"{when_text(a.starts_at)} ({a.duration_minutes} min)",
            label(a.kind),
            place_text(a.place),
            a.therapist_name,
            label(a.status),
            moved_text(a.reschedule_count),
            f"Booked: {language_name(a.interpreter_language)}" if a.interpreter_booked else "",
            disruption,
        )
