"""Forms through the real widgets: drafts that do not nag, cleared forms, COPM, discarding a
draft, words instead of stored values, NHS numbers with any separator, the conflicts screen."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, CopmProblem, EquipmentRecommendation, OutboxOp, SessionNote
from tests.ui.driver import Visit, find_and_open, message, open_section, type_into
from tests.ui.keys import press

pytestmark = pytest.mark.gui


def _store(visit: Visit):  # type: ignore[no-untyped-def]
    return visit.window.context.runner.store


def _new_note(visit: Visit):  # type: ignore[no-untyped-def]
    find_and_open(visit, "sam")
    notes = visit.window.record.notes
    open_section(visit, notes)
    QTest.mouseClick(notes.new_button, Qt.MouseButton.LeftButton)
    visit.settle()
    return notes


def test_a_draft_with_an_interpreter_saves_without_nagging_and_signs_once_named(
    visit: Visit,
) -> None:
    notes = _new_note(visit)
    notes.present.check("interpreter")
    type_into(notes.body, "Worked on buttons with the interpreter.")
    with visit.qtbot.waitSignal(notes.draft_saved, timeout=5000):
        pass  # the autosave, mid-edit, with no language typed yet
    visit.settle()
    assert "interpreter spoke" not in message(visit)
    assert notes.save_state.text().startswith("Draft saved")
    type_into(notes.interpreter_language, "Urdu")
    QTest.mouseClick(notes.sign_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "signed" in message(visit).lower()
    with _store(visit).read_session() as session:
        note = session.scalars(select(SessionNote)).one()
        assert note.signed_at is not None
        assert note.attendees == [{"role": "interpreter", "name": "", "language": "Urdu"}]


def test_a_draft_made_by_accident_is_discarded_after_confirming(visit: Visit) -> None:
    notes = _new_note(visit)
    type_into(notes.body, "Wrong child")
    QTest.mouseClick(notes.discard_button, Qt.MouseButton.LeftButton)
    box = notes.discard_box
    assert box is not None and box.isVisible()
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    visit.settle()
    with _store(visit).read_session() as session:
        assert not session.scalars(select(SessionNote)).one().deleted  # Cancel keeps it
    QTest.mouseClick(notes.discard_button, Qt.MouseButton.LeftButton)
    box = notes.discard_box
    assert box is not None
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    visit.settle()
    assert message(visit) == "Draft discarded."
    assert notes.model.rowCount() == 0 and notes.body.toPlainText() == ""
    with _store(visit).read_session() as session:
        assert session.scalars(select(SessionNote)).one().deleted


def test_a_signed_note_cannot_be_discarded(visit: Visit) -> None:
    notes = _new_note(visit)
    type_into(notes.body, "Buttons.")
    QTest.mouseClick(notes.sign_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert not notes.discard_button.isEnabled()
    notes.ask_to_discard()
    assert notes.discard_box is None


def test_equipment_form_clears_after_recommend_and_a_choice_shows_its_details(
    visit: Visit,
) -> None:
    find_and_open(visit, "sam")
    section = visit.window.record.equipment
    open_section(visit, section)
    assert "NHS equipment service" in [
        section.funder.itemText(i) for i in range(section.funder.count())
    ]
    type_into(section.item, "Wedge cushion")
    type_into(section.need, "Slides forward on the chair during carpet time")
    section.measure["seat_height"].setValue(31)
    type_into(section.safety, "Check the cover weekly")
    section.funder.setCurrentIndex(section.funder.findText("NHS equipment service"))
    QTest.mouseClick(section.recommend_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "Recommendation recorded" in message(visit)
    assert section.item.text() == "" and section.need.toPlainText() == ""
    assert section.safety.toPlainText() == "" and section.measure["seat_height"].value() == 0
    type_into(section.item, "Sloping board")
    type_into(section.need, "Handwriting tires him quickly")
    QTest.mouseClick(section.recommend_button, Qt.MouseButton.LeftButton)
    visit.settle()
    with _store(visit).read_session() as session:
        saved = dict(
            session.execute(
                select(EquipmentRecommendation.item, EquipmentRecommendation.safety_notes)
            ).all()
        )
    assert saved == {"Wedge cushion": "Check the cover weekly", "Sloping board": ""}
    wedge = next(i for i in range(section.list.count()) if "Wedge" in section.list.item(i).text())
    item = section.list.item(wedge)
    rect = section.list.visualItemRect(item)
    QTest.mouseClick(section.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    details = section.details.toPlainText()
    assert "Slides forward on the chair" in details
    assert "Seat height 31 cm" in details and "Check the cover weekly" in details
    assert "NHS equipment service" in details


def test_copm_fields_clear_after_add_and_a_reassessment_with_importance_is_recorded(
    visit: Visit,
) -> None:
    find_and_open(visit, "sam")
    goals = visit.window.record.goals
    open_section(visit, goals)
    type_into(goals.occupation, "Getting dressed for PE")
    goals.importance.setValue(9)
    goals.performance.setValue(3)
    goals.satisfaction.setValue(2)
    QTest.mouseClick(goals.copm_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert goals.occupation.text() == ""
    assert (goals.importance.value(), goals.performance.value()) == (0, 1)
    goals.copm_table.selectRow(0)
    goals.again_performance.setValue(6)
    goals.again_satisfaction.setValue(5)
    QTest.mouseClick(goals.reassess_button, Qt.MouseButton.LeftButton)
    visit.settle()
    with _store(visit).read_session() as session:
        problem = session.scalars(select(CopmProblem)).one()
        assert (problem.importance, problem.reassessed_performance) == (9, 6)
        assert problem.reassessed_satisfaction == 5
    assert "performance +3.0, satisfaction +3.0 — clinically important" in (
        goals.copm_summary.text()
    )
    assert goals.copm_model.index(0, 3).data() == "6 / 5"


def test_stored_values_read_as_words(visit: Visit) -> None:
    find_and_open(visit, "amira")  # spoken and written language stored as "ar"
    record = visit.window.record
    overview = record.overview.body.text()
    assert "Arabic" in overview and "ar / ar" not in overview
    notes = record.notes
    open_section(visit, notes)
    roles = [notes.present.item(i).text() for i in range(notes.present.count())]
    assert "SENCO" in roles and "Senco" not in roles
    open_section(visit, record.appointments)
    when = record.appointments.model.index(0, 0).data()
    assert any(str(year) in when for year in range(2025, 2031))  # "Mon 04 Jan 2027 10:00"


def test_an_nhs_number_is_found_with_any_separator(visit: Visit) -> None:
    caseload = visit.window.caseload
    caseload.scope.setCurrentIndex(1)
    amira = next(
        caseload.model.row_at(r)
        for r in range(caseload.model.rowCount())
        if caseload.model.row_at(r).name == "Amira Haddad"
    )
    digits = amira.nhs_number
    for typed in (f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", f"{digits[:3]}.{digits[3:6]}"):
        caseload.search.clear()
        type_into(caseload.search, typed)
        names = [caseload.model.row_at(r).name for r in range(caseload.model.rowCount())]
        assert names == ["Amira Haddad"], typed


def _conflicts_screen_says(visit: Visit) -> str:
    """Open the conflicts screen as the therapist does (Ctrl+Shift+K); what it says."""
    press(
        visit.qtbot,
        visit.window,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    visit.settle()
    dialog = visit.window.conflicts
    assert dialog is not None and dialog.isVisible()
    return dialog.what.text()


def test_conflicts_screen_without_a_server_says_never_synced_and_what_waits(
    visit: Visit,
) -> None:
    find_and_open(visit, "sam")
    goals = visit.window.record.goals
    open_section(visit, goals)
    type_into(goals.occupation, "Using cutlery")
    QTest.mouseClick(goals.copm_button, Qt.MouseButton.LeftButton)  # one change to send
    visit.settle()
    said = _conflicts_screen_says(visit)
    assert "agrees with the server" not in said
    assert "never synced" in said
    pending = visit.window.sync_bar.status.pending_ops  # type: ignore[union-attr]
    assert pending >= 1 and f"{pending} change" in said and "waiting" in said


def test_changes_waiting_for_a_colleagues_laptop_after_a_restore_are_shown_not_hidden(
    visit: Visit,
) -> None:
    """After a server restore, an edit of a colleague's note waits for her laptop: the status
    bar and the conflicts screen say so, never "everything agrees with the server". A note only
    read here (an empty placeholder that holds later edits) is not counted as a change."""
    find_and_open(visit, "sam")

    def restored(session: Session) -> None:
        child = session.scalars(select(Child)).first()
        assert child is not None
        note_id = str(uuid.uuid4())  # a colleague's note, not yet back on the server
        for changes in ({"body": "Uses a slope board."}, {}):  # an edit, and a placeholder
            session.add(
                OutboxOp(
                    entity="session_note", record_id=note_id, child_id=child.id,
                    kind="upsert", changes=changes, increments={}, base_seq=1, state="awaiting",
                )
            )  # fmt: skip

    visit.window.context.runner.write(restored)
    visit.settle()
    visit.window.context.changes.sync_state_changed.emit()
    visit.settle()
    assert "1 waiting for a colleague's laptop" in visit.window.sync_bar.pending.text()
    said = _conflicts_screen_says(visit)
    assert "agrees with the server" not in said
    assert "1 change to a colleague's note waiting for her laptop" in said
