"""Read view of the caseload's day list: one local day's appointments, earliest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Child


@dataclass(frozen=True, slots=True)
class TodayAppointment:
    """An appointment on the day list, with what the therapist needs to know before leaving."""

    appointment_id: str
    child_id: str
    child_name: str
    starts_at: datetime
    duration_minutes: int
    kind: str
    place: str
    interpreter_booked: bool
    interpreter_language: str
    status: str
    disrupted: bool


def local_day_bounds(day: date, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The UTC instants a local calendar day starts and ends (appointments are stored in UTC)."""
    tz = zone or datetime.now().astimezone().tzinfo
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def todays_appointments(
    session: Session, *, day: date, therapist_id: str | None = None
) -> list[TodayAppointment]:
    """The appointments on one local day, earliest first, with the child's name and interpreter."""
    start, end = local_day_bounds(day)
    query = (
        select(Appointment, Child)
        .join(Child, Child.id == Appointment.child_id)
        .where(
            Appointment.deleted.is_(False),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at)
    )
    if therapist_id:
        query = query.where(Appointment.therapist_id == therapist_id)
    return [
        TodayAppointment(
            appointment_id=appointment.id,
            child_id=child.id,
            child_name=child.display_name,
            starts_at=appointment.starts_at,
            duration_minutes=appointment.duration_minutes,
            kind=appointment.kind.value,
            place=appointment.place.value,
            interpreter_booked=appointment.interpreter_booked,
            interpreter_language=appointment.interpreter_language or child.interpreter_language,
            status=appointment.status.value,
            disrupted=appointment.disrupted,
        )
        for appointment, child in session.execute(query)
    ]
