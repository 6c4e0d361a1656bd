"""Was not brought in the child's record: the outcome, the prompt, the safeguarding check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from otvisit.models import Appointment, Episode, SafeguardingCheck
from otvisit.models.vocabulary import AppointmentStatus, AppointmentType, Place
from otvisit.services import appointments
from tests.ui.driver import Visit, find_and_open, message, open_section

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_second_missed_visit_in_a_row_raises_a_prompt_and_the_check_is_saved(
    visit: Visit,
) -> None:
    store = visit.window.context.runner.store
    with store.transaction() as session:
        episode = session.get(Episode, visit.seeded.sam_episode)
        assert episode is not None
        earlier = Appointment(
            child_id=visit.seeded.sam, episode_id=episode.id, kind=AppointmentType.INTERVENTION,
            place=Place.HOME, starts_at=datetime.now(UTC) - timedelta(days=8),
        )  # fmt: skip
        session.add(earlier)
        session.flush()
        appointments.mark_not_brought(
            session, appointment_id=earlier.id, outcome=AppointmentStatus.NO_ACCESS
        )
    find_and_open(visit, "sam")
    record = visit.window.record
    assert record is not None and not record.prompts.isVisible()

    section = record.appointments
    open_section(visit, section)
    assert section.select_appointment(visit.seeded.sam_missed)
    QTest.mouseClick(section.dna_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert dialog is not None
    assert dialog.outcome.currentText() == "Was not brought"  # the default, worded for a child
    dialog.confirm()
    visit.settle()
    assert record.prompts.isVisible()
    assert "2 appointments missed in a row" in record.prompts.text()
    with store.read_session() as session:
        missed = session.get(Appointment, visit.seeded.sam_missed)
        assert missed is not None and missed.status is AppointmentStatus.WAS_NOT_BROUGHT

    discharge = record.discharge
    assert record.current_section() is discharge
    check = discharge.safeguarding
    check.known.setCurrentIndex(check.known.findText("Yes"))
    check.concern.setCurrentIndex(check.concern.findText("Yes"))
    QTest.mouseClick(discharge.save_check_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "describe the safeguarding concern" in message(visit)
    check.details.setFocus()
    QTest.keyClicks(check.details, "Social worker (J. Reid) told by phone; home visit agreed.")
    check.told_gp.setFocus()
    QTest.keyClick(check.told_gp, Qt.Key.Key_Space)
    QTest.mouseClick(discharge.save_check_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert message(visit) == "Safeguarding check saved."
    with store.read_session() as session:
        (saved,) = session.query(SafeguardingCheck).all()
        assert (saved.known_to_social_care, saved.concern, saved.told_gp) == (True, True, True)
        assert saved.checked_on is None  # not complete: the nurse and the referrer not told
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.window.grab().save(str(SCREENSHOTS / "was-not-brought-check.png"))
