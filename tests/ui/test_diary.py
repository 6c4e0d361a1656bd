"""My diary, opened from the caseload: today's visits with gaps, then the week."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from otvisit.models import Appointment, Episode
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import AppointmentType, Place
from otvisit.ui.diary import DiaryWindow
from tests.ui.driver import Visit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_my_diary_shows_the_day_with_gaps_and_the_week(visit: Visit) -> None:
    today = date.today()
    store = visit.window.context.runner.store
    with store.transaction() as session:
        episode = session.get(Episode, visit.seeded.sam_episode)
        assert episode is not None
        for hour, place, kind in (
            (9, Place.HOME, AppointmentType.INTERVENTION),
            (11, Place.SCHOOL, AppointmentType.SCHOOL_ADVICE),
        ):
            session.add(
                Appointment(
                    child_id=visit.seeded.sam,
                    episode_id=episode.id,
                    therapist_id=visit.seeded.me,
                    kind=kind,
                    place=place,
                    starts_at=datetime.combine(today, time(hour), tzinfo=SERVICE_TIMEZONE),
                    duration_minutes=45,
                    interpreter_booked=hour == 9,
                    interpreter_language="Polish" if hour == 9 else "",
                )
            )
    QTest.mouseClick(visit.window.caseload.diary_button, Qt.MouseButton.LeftButton)
    visit.settle()
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, DiaryWindow)]
    assert window.isVisible()
    texts = [window.model.texts(window.model.row_at(n)) for n in range(window.model.rowCount())]
    ours = [row for row in texts if row[1] in ("09:00–09:45", "11:00–11:45")]
    assert [row[8] for row in ours] == ["first visit", "1 h 15 min"]
    assert ours[0][7] == "◆ Polish" and ours[1][4] == "School"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "my-diary.png"))

    QTest.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "09:00–09:45" not in [window.model.texts(window.model.row_at(n))[1]
                                 for n in range(window.model.rowCount())]  # fmt: skip
    window.span.setCurrentIndex(window.span.findText("Week"))
    QTest.mouseClick(window.today_button, Qt.MouseButton.LeftButton)
    visit.settle()
    assert "visit(s)" in window.heading.text() and "–" in window.heading.text()
    week_times = {window.model.texts(window.model.row_at(n))[1]
                  for n in range(window.model.rowCount())}  # fmt: skip
    assert {"09:00–09:45", "11:00–11:45"} <= week_times
