"""My diary: a day or a week of my visits, where they are, interpreters, and the gaps."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import AppointmentType, Place
from otvisit.services import appointments, diary
from otvisit.services.errors import ValidationError
from tests.factories import make_appointment, make_child, make_team, make_therapist

DAY = date(2027, 3, 31)  # the Wednesday after the clocks go forward


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SERVICE_TIMEZONE)


def test_a_day_lists_my_visits_in_order_with_place_postcode_interpreter_and_gaps(
    session: Session,
) -> None:
    team = make_team(session)
    me, colleague = make_therapist(session, team=team), make_therapist(session, team=team)
    amira = make_child(
        session, therapist=me, given_name="Amira", address="4 Example Road\nLondon",
        postcode="SE15 4AB", interpreter_needed=True, interpreter_language="Arabic",
    )  # fmt: skip
    sam = make_child(session, therapist=me, setting_name="Goose Green Primary")
    make_appointment(session, child=sam, starts_at=_at(DAY, 13), place=Place.SCHOOL,
                     duration_minutes=60, therapist_id=me.id)  # fmt: skip
    make_appointment(session, child=amira, starts_at=_at(DAY, 9, 30), place=Place.HOME,
                     duration_minutes=45, kind=AppointmentType.INITIAL,
                     therapist_id=me.id)  # fmt: skip
    make_appointment(session, child=amira, starts_at=_at(DAY, 13, 30), place=Place.VIRTUAL,
                     duration_minutes=30, therapist_id=me.id)  # fmt: skip
    cancelled = make_appointment(session, child=sam, starts_at=_at(DAY, 11),
                                 place=Place.SCHOOL, therapist_id=me.id)  # fmt: skip
    appointments.cancel_appointment(session, appointment_id=cancelled.id)
    make_appointment(session, child=make_child(session, therapist=colleague),
                     starts_at=_at(DAY, 10), therapist_id=colleague.id)  # fmt: skip

    (today,) = diary.my_diary(session, therapist_id=me.id, start=DAY)
    assert today.day == DAY
    assert [(v.child_name, v.starts_at.astimezone(SERVICE_TIMEZONE).hour) for v in today.visits] \
        == [("Amira Okafor", 9), ("Sam Okafor", 13), ("Amira Okafor", 13)]  # fmt: skip
    first, second, third = today.visits
    assert (first.where, first.postcode, first.interpreter_language) == (
        "4 Example Road", "SE15 4AB", "Arabic",
    )  # fmt: skip
    assert first.interpreter_booked and first.kind is AppointmentType.INITIAL
    assert second.where == "Goose Green Primary" and second.postcode == ""
    assert first.gap_before_minutes is None
    assert second.gap_before_minutes == 13 * 60 - (9 * 60 + 30 + 45)
    assert third.gap_before_minutes == -30  # overlaps the school visit
    assert third.where == "Video call"


def test_a_week_has_seven_days_from_monday(session: Session) -> None:
    me = make_therapist(session)
    child = make_child(session, therapist=me)
    monday = diary.week_start(DAY)
    assert monday == date(2027, 3, 29)
    make_appointment(session, child=child, starts_at=_at(monday, 23, 30), therapist_id=me.id)
    make_appointment(session, child=child, starts_at=_at(date(2027, 4, 4), 9),
                     therapist_id=me.id)  # fmt: skip
    week = diary.my_diary(session, therapist_id=me.id, start=monday, days=7)
    assert week[0].day == monday and len(week) == 7
    assert [len(d.visits) for d in week] == [1, 0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("days", [0, 32, True, "7"])
def test_the_view_length_is_checked(session: Session, days: object) -> None:
    with pytest.raises(ValidationError, match="1 to 31 days"):
        diary.my_diary(session, therapist_id="x", start=DAY, days=days)  # type: ignore[arg-type]
