"""My diary: a therapist's appointments for a day or a week, with the gaps between visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Child
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import AppointmentStatus, AppointmentType, Place
from otvisit.services.errors import ValidationError
from otvisit.services.records import check_date

#: Moved or called off: not in the diary.
NOT_IN_DIARY = (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED)
LONGEST_VIEW_DAYS = 31


@dataclass(frozen=True)
class DiaryVisit:
    """One appointment in the diary, with what the therapist needs to get there."""

    appointment_id: str
    child_id: str
    child_name: str
    starts_at: datetime
    ends_at: datetime
    kind: AppointmentType
    place: Place
    #: Where exactly: the home address, the nursery or school, or the clinic / video call.
    where: str
    postcode: str
    interpreter_booked: bool
    interpreter_language: str
    status: AppointmentStatus
    #: Minutes from the end of the visit before on the same day (negative: they overlap).
    gap_before_minutes: int | None


@dataclass(frozen=True)
class DiaryDay:
    day: date
    visits: tuple[DiaryVisit, ...]


def _where(child: Child, place: Place) -> tuple[str, str]:
    if place is Place.HOME:
        first_line = (child.address or "").splitlines()[0] if child.address else "Home"
        return first_line, child.postcode
    if place in (Place.NURSERY, Place.SCHOOL):
        return child.setting_name or place.value.title(), ""
    if place is Place.VIRTUAL:
        return "Video call", ""
    return "Clinic", ""


def my_diary(session: Session, *, therapist_id: str, start: date, days: int = 1) -> list[DiaryDay]:
    """Every day from ``start`` for ``days`` days (London days), each with its visits in order."""
    check_date(start, what="the first day")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= LONGEST_VIEW_DAYS:
        raise ValidationError(f"The diary shows 1 to {LONGEST_VIEW_DAYS} days")
    begin = datetime.combine(start, time.min, tzinfo=SERVICE_TIMEZONE)
    end = datetime.combine(start + timedelta(days=days), time.min, tzinfo=SERVICE_TIMEZONE)
    rows = session.execute(
        select(Appointment, Child)
        .join(Child, Child.id == Appointment.child_id)
        .where(
            Appointment.therapist_id == therapist_id,
            Appointment.deleted.is_(False),
            Child.deleted.is_(False),
            Appointment.starts_at >= begin,
            Appointment.starts_at < end,
            Appointment.status.not_in(NOT_IN_DIARY),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    by_day: dict[date, list[DiaryVisit]] = {start + timedelta(days=n): [] for n in range(days)}
    for appointment, child in rows:
        local = appointment.starts_at.astimezone(SERVICE_TIMEZONE)
        ends = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
        earlier = by_day[local.date()]
        gap = None
        if earlier:
            gap = int((appointment.starts_at - earlier[-1].ends_at).total_seconds() // 60)
        where, postcode = _where(child, appointment.place)
        earlier.append(
            DiaryVisit(
                appointment_id=appointment.id,
                child_id=child.id,
                child_name=child.display_name,
                starts_at=appointment.starts_at,
                ends_at=ends,
                kind=appointment.kind,
                place=appointment.place,
                where=where,
                postcode=postcode,
                interpreter_booked=appointment.interpreter_booked,
                interpreter_language=appointment.interpreter_language,
                status=appointment.status,
                gap_before_minutes=gap,
            )
        )
    return [DiaryDay(day, tuple(visits)) for day, visits in by_day.items()]


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())
