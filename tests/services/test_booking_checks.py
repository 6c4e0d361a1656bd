"""Booking warnings: clashes for the child or the therapist, past times, weekends, bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from otvisit.services import appointments
from otvisit.services.booking_checks import (
    Concern,
    bank_holiday,
    calendar_warnings,
    check_booking,
)
from otvisit.services.errors import ValidationError
from tests.factories import make_appointment, make_child, make_therapist

#: A Tuesday in term time, 10:00 in London (GMT).
TUESDAY = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
BEFORE = TUESDAY - timedelta(days=30)


def _concerns(warnings: list) -> list[Concern]:  # type: ignore[type-arg]
    return [warning.concern for warning in warnings]


def test_an_ordinary_weekday_in_the_future_has_nothing_to_warn_about() -> None:
    assert calendar_warnings(TUESDAY, now=BEFORE) == []


@pytest.mark.parametrize(
    ("day", "named"),
    [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day"),  # the 26th is a Saturday: the holiday moves
        (date(2027, 3, 29), "Easter Monday"),
        (date(2027, 5, 31), "Spring Bank Holiday"),
        (date(2027, 8, 30), "Late Summer Bank Holiday"),
    ],
)
def test_england_and_wales_bank_holidays_come_from_the_holidays_package(
    day: date, named: str
) -> None:
    assert named in (bank_holiday(day) or "")


def test_scottish_and_irish_holidays_are_not_bank_holidays_here() -> None:
    assert bank_holiday(date(2027, 1, 4)) is None  # 2 January substitute, Scotland only
    assert bank_holiday(date(2027, 3, 17)) is None  # St Patrick's Day, Northern Ireland only
    assert bank_holiday(date(2027, 8, 2)) is None  # Summer bank holiday, Scotland only


def test_28_december_2026_warns_of_the_bank_holiday_but_not_of_a_weekend() -> None:
    warnings = calendar_warnings(datetime(2026, 12, 28, 10, tzinfo=UTC), now=BEFORE)
    assert _concerns(warnings) == [Concern.BANK_HOLIDAY]
    assert "Mon 28 Dec 2026" in warnings[0].message and "Boxing Day" in warnings[0].message


def test_a_saturday_and_a_past_time_are_both_said() -> None:
    saturday = datetime(2027, 1, 9, 10, tzinfo=UTC)
    warnings = calendar_warnings(saturday, now=TUESDAY)
    assert _concerns(warnings) == [Concern.PAST, Concern.WEEKEND]
    assert "Saturday 09 Jan 2027" in warnings[1].message


def test_the_day_is_the_london_day_not_the_utc_one() -> None:
    # 23:30 UTC on Friday 28 May 2027 is 00:30 on Saturday in London (BST).
    late = datetime(2027, 5, 28, 23, 30, tzinfo=UTC)
    assert _concerns(calendar_warnings(late, now=BEFORE)) == [Concern.WEEKEND]


def test_an_overlapping_booking_of_the_same_child_is_a_clash(session: Session) -> None:
    child = make_child(session)
    booked = make_appointment(session, child=child, starts_at=TUESDAY, duration_minutes=45)
    for offset, clash in ((0, True), (30, True), (44, True), (45, False), (-45, False)):
        warnings = check_booking(
            session,
            child_id=child.id,
            starts_at=TUESDAY + timedelta(minutes=offset),
            duration_minutes=45,
            now=BEFORE,
        )
        assert (_concerns(warnings) == [Concern.CLASH]) is clash, offset
        if clash:
            assert warnings[0].appointment_id == booked.id
            assert "Sam Okafor already has an appointment at 10:00 on Tue 12 Jan 2027" in (
                warnings[0].message
            )
    # An hour-long booking that started 59 minutes earlier still overlaps.
    make_appointment(
        session, child=child, starts_at=TUESDAY - timedelta(hours=3), duration_minutes=60
    )
    warnings = check_booking(
        session,
        child_id=child.id,
        starts_at=TUESDAY - timedelta(hours=2, minutes=1),
        duration_minutes=30,
        now=BEFORE,
    )
    assert _concerns(warnings) == [Concern.CLASH]


def test_the_therapist_seeing_another_child_then_is_a_clash(session: Session) -> None:
    therapist = make_therapist(session, full_name="Jo Adebayo")
    other = make_child(session, therapist=therapist, given_name="Amira", family_name="Haddad")
    make_appointment(session, child=other, starts_at=TUESDAY, therapist_id=therapist.id)
    child = make_child(session, therapist=therapist)
    mine = check_booking(
        session,
        child_id=child.id,
        therapist_id=therapist.id,
        starts_at=TUESDAY + timedelta(minutes=15),
        duration_minutes=30,
        now=BEFORE,
    )
    assert [w.message.split(" at ")[0] for w in mine] == [
        "Jo Adebayo is already seeing Amira Haddad"
    ]
    colleague = make_therapist(session, full_name="Kim Patel")
    assert (
        check_booking(
            session,
            child_id=child.id,
            therapist_id=colleague.id,
            starts_at=TUESDAY,
            duration_minutes=30,
            now=BEFORE,
        )
        == []
    )


def test_cancelled_appointments_and_the_one_being_moved_do_not_clash(session: Session) -> None:
    child = make_child(session)
    cancelled = make_appointment(session, child=child, starts_at=TUESDAY)
    appointments.cancel_appointment(session, appointment_id=cancelled.id)
    moving = make_appointment(session, child=child, starts_at=TUESDAY + timedelta(hours=2))
    warnings = check_booking(
        session,
        child_id=child.id,
        starts_at=TUESDAY + timedelta(hours=2, minutes=15),
        duration_minutes=45,
        moving_appointment_id=moving.id,
        now=BEFORE,
    )
    assert warnings == []
    assert (
        check_booking(
            session, child_id=child.id, starts_at=TUESDAY, duration_minutes=45, now=BEFORE
        )
        == []
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_at": datetime(2027, 1, 12, 10)}, "time zone"),
        ({"duration_minutes": 90}, "30 minutes to one hour"),
        ({"duration_minutes": "45"}, "30 minutes to one hour"),
        ({"child_id": ""}, "child id"),
    ],
)
def test_a_malformed_booking_is_refused_with_a_clear_message(
    session: Session, overrides: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {
        "child_id": "some-child",
        "starts_at": TUESDAY,
        "duration_minutes": 45,
        **overrides,
    }
    with pytest.raises(ValidationError, match=message):
        check_booking(session, **values)  # type: ignore[arg-type]


def test_bookings_are_kept_in_whole_minutes(session: Session) -> None:
    child = make_child(session)
    booked = make_appointment(session, child=child, starts_at=TUESDAY.replace(second=6))
    assert booked.starts_at.replace(tzinfo=UTC) == TUESDAY
    appointments.reschedule_appointment(
        session,
        appointment_id=booked.id,
        new_starts_at=TUESDAY + timedelta(days=1, seconds=59, microseconds=5),
    )
    assert booked.starts_at.replace(tzinfo=UTC) == TUESDAY + timedelta(days=1)
