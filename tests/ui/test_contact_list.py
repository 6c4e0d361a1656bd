"""Strike day: make the list of families to phone, tick one, save the PDF, see the count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from otvisit.models import Appointment, Carer, Episode
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import AppointmentType, Place
from otvisit.services import disruption
from otvisit.ui.pathway.contact_list import ContactListWindow
from tests.ui.driver import Visit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_make_the_list_tick_a_family_and_save_the_pdf(visit: Visit, tmp_path: Path) -> None:
    strike = date.today() + timedelta(days=10)
    store = visit.window.context.runner.store
    with store.transaction() as session:
        for child_id, episode_id, hour in (
            (visit.seeded.sam, visit.seeded.sam_episode, 9),
            (visit.seeded.sam, visit.seeded.sam_episode, 14),
        ):
            session.add(
                Appointment(
                    child_id=child_id,
                    episode_id=episode_id,
                    therapist_id=visit.seeded.me,
                    kind=AppointmentType.INTERVENTION,
                    place=Place.HOME,
                    starts_at=datetime.combine(strike, time(hour), tzinfo=SERVICE_TIMEZONE),
                )
            )
        amira_episode = session.query(Episode).filter_by(child_id=visit.seeded.amira).one()
        session.add(
            Appointment(
                child_id=visit.seeded.amira,
                episode_id=amira_episode.id,
                therapist_id=visit.seeded.me,
                kind=AppointmentType.REVIEW,
                place=Place.CLINIC,
                starts_at=datetime.combine(strike, time(11), tzinfo=SERVICE_TIMEZONE),
            )
        )
        session.add(
            Carer(child_id=visit.seeded.sam, full_name="Grace Okafor", phone="07700 900321")
        )
        disruption.flag_disrupted_day(
            session, day=strike, reason="Strike action", team_id=visit.seeded.team_id
        )
    caseload = visit.window.caseload
    QTest.mouseClick(caseload.contact_button, Qt.MouseButton.LeftButton)
    visit.settle()
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, ContactListWindow)]
    window.day.setDate(QDate(strike.year, strike.month, strike.day))
    visit.settle()
    assert window.model.rowCount() == 0
    QTest.mouseClick(window.make_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert window.model.rowCount() == 2  # Sam's family once for two appointments, and Amira's
    families = {window.model.row_at(n).family_name: n for n in range(window.model.rowCount())}
    sam_row = families["Grace Okafor"]
    assert window.model.row_at(sam_row).appointment_count == 2
    visit.settle()
    assert "(2 not contacted)" in caseload.contact_button.text()

    window.table.selectRow(sam_row)
    window.outcome.setCurrentIndex(window.outcome.findText("Rebooked"))
    QTest.keyClicks(window.note, "Moved to the following Tuesday")
    QTest.mouseClick(window.record_button, Qt.MouseButton.LeftButton)
    visit.settle()
    texts = [window.model.texts(window.model.row_at(n)) for n in range(window.model.rowCount())]
    assert ("✔ Rebooked", "Grace Okafor") in [row[:2] for row in texts]
    assert "(1 not contacted)" in caseload.contact_button.text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "strike-day-contacts.png"))

    exports = tmp_path / "exports"  # the folder the therapist exported to last
    exports.mkdir()
    visit.window.printer.remember_export_folder(exports)
    QTest.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    visit.settle()
    saved = exports / f"{strike.isoformat()}-families-to-contact.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")
    assert str(saved) in window.messages.label.text()
