"""A note's History shows every version; an appointment moved too often is flagged.

Offline (no team server here) the dialog says so and still shows the versions this laptop
kept in conflicts. The appointment list raises a reschedule count the sync added past two.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy.orm import Session

from otvisit.models import SessionNote, SyncConflict
from otvisit.services.appointment_views import AppointmentView
from otvisit.ui.child.appointment_model import AppointmentsModel
from otvisit.ui.child.history_dialog import HistoryDialog
from tests.ui.driver import Visit, find_and_open, open_section, type_into

pytestmark = pytest.mark.gui
SHOTS = Path(os.environ.get("OTVISIT_SCREENSHOTS", "/tmp/otvisit-shots"))


def test_history_shows_conflict_versions_and_says_it_is_offline(visit: Visit) -> None:
    find_and_open(visit, "sam")
    notes = visit.window.record.notes
    open_section(visit, notes)
    QTest.mouseClick(notes.new_button, Qt.MouseButton.LeftButton)
    visit.settle()
    type_into(notes.body, "Practised buttons.")
    with visit.qtbot.waitSignal(notes.draft_saved, timeout=5000):
        pass
    visit.settle()
    note_id = notes.note_id

    def conflict_met(session: Session) -> None:
        # As a sync would have stored it: both sides of a concurrent edit of the text.
        note = session.get(SessionNote, note_id)
        assert note is not None
        session.add(
            SyncConflict(
                entity="session_note", record_id=note.id, child_id=note.child_id, field="body",
                kind="edit", mine="Practised zips.", theirs="Practised buttons.",
                theirs_by="Priya Shah",
            )
        )  # fmt: skip

    visit.window.context.runner.write(conflict_met)  # the app's one database thread
    visit.settle()

    QTest.mouseClick(notes.history_button, Qt.MouseButton.LeftButton)
    visit.settle()
    dialogs = [w for w in notes.findChildren(HistoryDialog) if w.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    visit.qtbot.waitUntil(lambda: "Fetching" not in dialog.status.text(), timeout=10000)
    assert "not signed in" in dialog.status.text()
    assert sorted(dialog.texts()) == ["Practised buttons.", "Practised zips."]
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "history-dialog.png"))
    dialog.close()


def test_an_appointment_moved_past_the_limit_is_flagged(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTableView

    view = QTableView()
    qtbot.addWidget(view)
    model = AppointmentsModel(view)  # owned by the view: freed with it, never before
    now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    model.set_rows(
        [
            AppointmentView(
                "a", now, 45, "review", "home", "booked", 3, False, "", False, False, ""
            ),
            AppointmentView(
                "b", now, 45, "review", "home", "booked", 2, False, "", False, False, ""
            ),
        ]
    )
    moved = model.index(0, AppointmentsModel.MOVED)
    assert moved.data() == "3 of 2: over the limit, talk to the family"
    assert moved.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "3 times" in moved.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, AppointmentsModel.MOVED).data() == "2 of 2"
    assert model.index(1, AppointmentsModel.MOVED).data(Qt.ItemDataRole.ForegroundRole) is None
    view.setModel(model)
    view.resize(900, 140)
    view.resizeColumnsToContents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "appointments-moved-flag.png"))
