"""A therapist's visit driven end to end through the real widgets, on a real store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from otvisit.models import (
    Appointment,
    Episode,
    EquipmentRecommendation,
    Goal,
    NoteAddendum,
    PrintedDocument,
    SessionNote,
    SyncConflict,
)
from otvisit.models.vocabulary import AppointmentStatus, EpisodeStatus
from otvisit.ui.caseload.models import INTERPRETER_COLUMN
from tests.ui.driver import Visit, find_and_open, message, open_section, shown_preview, type_into

pytestmark = pytest.mark.gui


def _store(visit: Visit):  # type: ignore[no-untyped-def]
    return visit.window.context.runner.store


def _pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.split())  # shaped text comes out one word per line


def test_find_a_child_by_name_nhs_number_and_school(visit: Visit) -> None:
    caseload = visit.window.caseload
    assert visit.window.pages.currentWidget() is caseload  # later starts skip the welcome
    assert caseload.model.rowCount() == 2  # my children: Sam and Amira, not Kim's Olek
    caseload.scope.setCurrentIndex(1)
    assert caseload.model.rowCount() == 3
    type_into(caseload.search, "goose")
    assert [caseload.model.row_at(r).name for r in range(caseload.model.rowCount())] == [
        "Sam Okafor"
    ]
    caseload.search.clear()
    amira = next(
        caseload.model.row_at(r)
        for r in range(caseload.model.rowCount())
        if caseload.model.row_at(r).name == "Amira Haddad"
    )
    type_into(caseload.search, amira.nhs_display)
    assert caseload.model.rowCount() == 1
    interpreter = caseload.model.index(0, INTERPRETER_COLUMN).data()
    assert "Arabic" in interpreter  # visible at a glance in its own column
    QTest.keyClick(caseload.search, Qt.Key.Key_Return)
    visit.settle()
    assert "Amira Haddad" in visit.window.record.header.text()
    assert "Interpreter: Arabic" in visit.window.record.header.text()


def test_add_a_goal_with_gas_levels_and_see_the_t_score_live(visit: Visit) -> None:
    find_and_open(visit, "sam")
    goals = visit.window.record.goals
    open_section(visit, goals)
    type_into(goals.wording, "Sam will put his coat on by himself before outdoor play")
    words = {
        -2: "Needs an adult to put the coat on",
        -1: "Puts one arm in with help",
        0: "Puts the coat on with one reminder",
        1: "Puts the coat on and zips it with a reminder",
        2: "Puts the coat on and zips it with no reminder",
    }
    for level, text in words.items():
        type_into(goals.level_edits[level], text)
    goals.baseline.setCurrentIndex(goals.baseline.findData(-2))
    QTest.mouseClick(goals.add_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert message(visit) == "Goal added."
    assert goals.model.rowCount() == 1
    assert "30.0" in goals.t_score.text()  # one goal at baseline −2: T = 50 + 10·(−2)
    goals.table.selectRow(0)
    goals.rating.setCurrentIndex(goals.rating.findData(0))
    assert "50.0" in goals.t_score.text()  # live, before anything is saved
    QTest.mouseClick(goals.rate_button, Qt.MouseButton.LeftButton)
    visit.settle()
    with _store(visit).read_session() as session:
        goal = session.scalars(select(Goal)).one()
        assert goal.gas_minus2 == words[-2] and goal.gas_baseline == -2
    assert goals.model.row_at(0).latest_level == 0


def test_record_a_session_note_sign_it_and_add_an_addendum(visit: Visit) -> None:
    find_and_open(visit, "sam")
    notes = visit.window.record.notes
    open_section(visit, notes)
    QTest.mouseClick(notes.new_button, Qt.MouseButton.LeftButton)
    visit.settle()
    notes.present.check("child")
    notes.present.check("parent")
    type_into(notes.body, "Practised buttons with a large-button waistcoat.")
    type_into(notes.plan, "Try the waistcoat at home daily.")
    with visit.qtbot.waitSignal(notes.draft_saved, timeout=5000):
        pass  # the autosave timer fires by itself
    visit.settle()
    QTest.mouseClick(notes.sign_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "signed" in message(visit).lower()
    assert notes.body.isReadOnly()
    QTest.mouseClick(notes.addendum_button, Qt.MouseButton.LeftButton)
    dialog = notes.dialog
    assert dialog is not None
    type_into(dialog.text, "Mother reports he managed two buttons that evening.")
    dialog.confirm()
    visit.settle()
    assert message(visit) == "Addendum added."
    assert "two buttons" in notes.addenda.toPlainText()
    with _store(visit).read_session() as session:
        note = session.scalars(select(SessionNote)).one()
        assert note.signed_at is not None
        assert note.body == "Practised buttons with a large-button waistcoat."
        assert [a["role"] for a in note.attendees] == ["child", "parent"]
        assert session.scalars(select(NoteAddendum.text)).one().startswith("Mother reports")


def test_signing_a_refused_note_signs_nothing_and_keeps_the_words(visit: Visit) -> None:
    find_and_open(visit, "sam")
    notes = visit.window.record.notes
    open_section(visit, notes)
    QTest.mouseClick(notes.new_button, Qt.MouseButton.LeftButton)
    visit.settle()
    type_into(notes.body, "First words.")
    with visit.qtbot.waitSignal(notes.draft_saved, timeout=5000):
        pass
    visit.settle()
    notes.present.check("interpreter")  # an interpreter with no language: signing is refused
    type_into(notes.body, " Sam fastened three buttons.")
    QTest.mouseClick(notes.sign_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "not signed" in message(visit).lower()
    assert "language the interpreter spoke" in message(visit)
    assert notes.body.toPlainText() == "First words. Sam fastened three buttons."
    assert not notes.body.isReadOnly()
    with _store(visit).read_session() as session:
        note = session.scalars(select(SessionNote)).one()
        # Not signed; the draft keeps every word (drafts are saved, only signing checks).
        assert note.signed_at is None
        assert note.body == "First words. Sam fastened three buttons."


def test_build_a_home_programme_and_save_the_handout(visit: Visit, tmp_path: Path) -> None:
    find_and_open(visit, "sam")
    programme = visit.window.record.programme
    open_section(visit, programme)
    assert programme.library.count() > 5
    first = programme.library.item(0).data(Qt.ItemDataRole.UserRole)
    programme.library.check(first)
    type_into(programme.this_week, "Coat on before school, with the coat flip.")
    QTest.mouseClick(programme.save_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert programme.programme is not None and len(programme.programme.entries) == 1
    QTest.mouseClick(programme.handout_button, Qt.MouseButton.LeftButton)
    preview = shown_preview(visit)
    assert preview.choices is not None
    with _store(visit).read_session() as session:
        assert session.scalars(select(PrintedDocument)).all() == []  # a preview keeps nothing
    preview.choices.large_print.setChecked(True)  # chosen at print time: the preview redraws
    visit.settle()
    assert preview.shown.rendered is not None and preview.shown.rendered.large_print
    target = tmp_path / "sam-handout.pdf"
    with visit.qtbot.waitSignal(visit.window.printer.saved):
        visit.window.printer.save_copy(preview.shown, target)
    visit.settle()
    assert "Coat on before school" in _pdf_text(target)
    preview.close()
    with _store(visit).read_session() as session:
        document = session.scalars(select(PrintedDocument)).one()
        assert document.kind == "handout" and document.large_print
    open_section(visit, visit.window.record.documents)
    assert visit.window.record.documents.list.count() == 1


def test_record_equipment_and_save_the_letter(visit: Visit, tmp_path: Path) -> None:
    find_and_open(visit, "sam")
    equipment = visit.window.record.equipment
    open_section(visit, equipment)
    type_into(equipment.item, "Height-adjustable chair with footrest")
    type_into(equipment.need, "Feet do not reach the floor; he slumps when writing.")
    equipment.measure["seat_height"].setValue(31)
    equipment.measure["footplate_height"].setValue(18.5)
    type_into(equipment.provider, "Goose Green Primary")
    QTest.mouseClick(equipment.recommend_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert equipment.list.count() == 1
    QTest.mouseClick(equipment.letter_button, Qt.MouseButton.LeftButton)
    visit.settle()
    preview = visit.window.printer.preview
    assert preview is not None
    target = tmp_path / "letter.pdf"
    assert preview.choices is not None and preview.choices.code == "en"  # a letter to school
    with visit.qtbot.waitSignal(visit.window.printer.saved):
        visit.window.printer.save_copy(preview.shown, target)
    visit.settle()
    text = _pdf_text(target)
    assert "Height-adjustable chair" in text and "31 cm" in text
    preview.close()
    with _store(visit).read_session() as session:
        rec = session.scalars(select(EquipmentRecommendation)).one()
        assert rec.measurements == {"seat_height": 31.0, "footplate_height": 18.5}


def test_reschedule_twice_then_the_third_time_is_refused(visit: Visit) -> None:
    find_and_open(visit, "sam")
    section = visit.window.record.appointments
    open_section(visit, section)
    for expected in (1, 2):
        assert section.select_appointment(visit.seeded.sam_appointment)
        QTest.mouseClick(section.reschedule_button, Qt.MouseButton.LeftButton)
        dialog = section.dialog
        assert dialog is not None
        dialog.when.setDateTime(dialog.when.dateTime().addDays(expected))
        dialog.confirm()
        visit.settle()
        assert f"{expected} of 2" in message(visit)
    assert section.select_appointment(visit.seeded.sam_appointment)
    QTest.mouseClick(section.reschedule_button, Qt.MouseButton.LeftButton)
    assert section.dialog is not None
    section.dialog.confirm()
    visit.settle()
    assert "rescheduled twice" in message(visit)
    assert visit.window.messages.isVisible()
    with _store(visit).read_session() as session:
        appointment = session.get(Appointment, visit.seeded.sam_appointment)
        assert appointment is not None and appointment.reschedule_count == 2


def test_did_not_attend_proposes_discharge_and_the_therapist_confirms(visit: Visit) -> None:
    find_and_open(visit, "sam")
    section = visit.window.record.appointments
    open_section(visit, section)
    assert section.select_appointment(visit.seeded.sam_missed)
    QTest.mouseClick(section.dna_button, Qt.MouseButton.LeftButton)
    assert section.dialog is not None
    section.dialog.notice.setChecked(False)
    section.dialog.confirm()
    visit.settle()
    discharge = visit.window.record.discharge
    assert visit.window.record.current_section() is discharge  # the proposal is shown at once
    assert discharge.proposal.isVisible()
    # The discharge waits for the safeguarding check: refused while it is not complete.
    QTest.mouseClick(discharge.confirm_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "safeguarding check" in message(visit) and "tell the referrer" in message(visit)
    check = discharge.safeguarding
    check.known.setCurrentIndex(check.known.findText("No"))
    check.concern.setCurrentIndex(check.concern.findText("No"))
    for box in (check.told_gp, check.told_nurse, check.told_referrer):
        box.setFocus()
        QTest.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked()
    QTest.mouseClick(discharge.confirm_button, Qt.MouseButton.LeftButton)
    visit.settle()
    preview = visit.window.printer.preview  # the discharge letter follows at once
    assert preview is not None and preview.isVisible() and preview.shown.rendered is not None
    assert preview.shown.rendered.request.kind.value == "discharge"
    with _store(visit).read_session() as session:
        episode = session.get(Episode, visit.seeded.sam_episode)
        assert episode is not None and episode.status is EpisodeStatus.DISCHARGED
        future = session.get(Appointment, visit.seeded.sam_appointment)
        assert future is not None and future.status is AppointmentStatus.CANCELLED
    assert not discharge.proposal.isVisible()


def test_resolve_a_sync_conflict_by_merging_the_text(visit: Visit) -> None:
    store = _store(visit)
    with store.transaction() as session:
        goal = Goal(
            child_id=visit.seeded.sam,
            wording="Sam will dress himself for PE",
            set_on=visit.window.caseload.model.today - timedelta(days=7),
            gas_minus2="a", gas_minus1="b", gas_zero="c", gas_plus1="d", gas_plus2="e",
        )  # fmt: skip
        session.add(goal)
        session.flush()
        session.add(
            SyncConflict(
                entity="goal",
                record_id=goal.id,
                child_id=visit.seeded.sam,
                field="wording",
                mine="Sam will dress himself for PE",
                theirs="Sam will get changed for PE without help",
                theirs_by="Kim Patel",
            )
        )
    visit.window.sync_bar.refresh()
    visit.settle()
    assert visit.window.sync_bar.conflicts_button.text() == "Conflicts (1)"
    QTest.keyClick(visit.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    visit.settle()
    dialog = visit.window.conflicts
    assert dialog is not None and dialog.isVisible()
    assert dialog.theirs.toPlainText() == "Sam will get changed for PE without help"
    assert dialog.mine.toPlainText() == "Sam will dress himself for PE"
    dialog.merged.selectAll()
    type_into(dialog.merged, "Sam will get changed for PE by himself")
    QTest.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert dialog.list.count() == 0
    with store.read_session() as session:
        assert session.get(Goal, goal.id).wording == "Sam will get changed for PE by himself"  # type: ignore[union-attr]
    assert visit.window.sync_bar.conflicts_button.text() == "Conflicts (0)"
