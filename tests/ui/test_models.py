"""Every Qt item model of the app passes qtmodeltester, empty and filled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pytestqt.modeltest import ModelTester

from otvisit.services.appointment_views import AppointmentView
from otvisit.services.caseload import CaseloadFilter, CaseloadRow, GoalView, NoteView
from otvisit.services.today import TodayAppointment
from otvisit.ui.caseload.models import CaseloadModel, TodayModel
from otvisit.ui.child.appointment_model import AppointmentsModel
from otvisit.ui.child.goal_model import GoalsModel
from otvisit.ui.child.note_model import NotesModel

pytestmark = pytest.mark.gui
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _row(name: str, interpreter: bool = False) -> CaseloadRow:
    return CaseloadRow(
        child_id=name, name=name, nhs_number="9434765919", date_of_birth=date(2019, 1, 2),
        setting_name="Goose Green Primary", therapist_id="t1", therapist_name="Jo",
        interpreter_needed=interpreter, interpreter_language="Arabic" if interpreter else "",
        episode_status="open", discharge_proposed=False, next_appointment=NOW,
        search_text=f"{name.lower()} goose green primary 9434765919",
    )  # fmt: skip


def test_caseload_model_while_filtering(qtmodeltester: ModelTester) -> None:
    model = CaseloadModel()
    qtmodeltester.check(model)
    model.set_rows([_row("Sam"), _row("Amira", interpreter=True), _row("Olek")])
    qtmodeltester.check(model)
    model.set_filter(CaseloadFilter(text="am"))
    assert model.rowCount() == 2
    model.set_filter(CaseloadFilter(interpreter_only=True))
    assert model.rowCount() == 1 and model.index(0, 1).data() == "◆ Arabic"
    qtmodeltester.check(model)


def test_record_models(qtmodeltester: ModelTester) -> None:
    today = TodayModel()
    today.set_rows([TodayAppointment("a", "c", "Sam", NOW, 45, "review", "school", True,
                                     "Arabic", "booked", False)])  # fmt: skip
    qtmodeltester.check(today)
    appointments = AppointmentsModel()
    appointments.set_rows([AppointmentView("a", NOW, 45, "initial", "home", "booked", 1, True,
                                           "Arabic", True, False, "", "t",
                                           "Jo Adebayo")])  # fmt: skip
    qtmodeltester.check(appointments)
    assert appointments.index(0, 3).data() == "Jo Adebayo"
    assert appointments.index(0, 5).data() == "1 of 2"
    goals = GoalsModel()
    goals.set_rows([GoalView("g", "Coat on", "dressing", date(2026, 9, 1), "active",
                             ("a", "b", "c", "d", "e"), -1, 1.0, None)])  # fmt: skip
    qtmodeltester.check(goals)
    notes = NotesModel()
    notes.set_rows([NoteView("n", date(2026, 11, 1), "home", "t", "Jo", (), "", (), (), "b", "p",
                             NOW - timedelta(days=1))])  # fmt: skip
    qtmodeltester.check(notes)
    assert notes.index(0, 3).data() == "Signed"
