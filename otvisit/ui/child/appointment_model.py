"""The Qt item model of a child's appointments."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from otvisit.services.appointment_views import AppointmentView
from otvisit.ui.rows_model import RowsModel
from otvisit.ui.text import label, language_name, place_text, when_text


class AppointmentsModel(RowsModel[AppointmentView]):
    COLUMNS = ("When", "Type", "Where", "With", "Status", "Moved", "Interpreter", "Disruption")

    def cell(self, appointment: AppointmentView, column: int, role: int) -> Any:
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
            f"{a.reschedule_count} of 2" if a.reschedule_count else "",
            f"Booked: {language_name(a.interpreter_language)}" if a.interpreter_booked else "",
            disruption,
        )
