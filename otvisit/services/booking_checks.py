"""What to warn about before a booking: a clash, a time in the past, a weekend, a bank holiday.

The rules warn and never refuse: a Saturday clinic or a Boxing Day home visit may be right,
and the therapist decides. Bank holidays are England and Wales's, from the maintained
``holidays`` package (never a list typed here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Child, Therapist
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import AppointmentStatus
from otvisit.services.appointments import LONGEST_MINUTES, SHORTEST_MINUTES
from otvisit.services.errors import ValidationError

if TYPE_CHECKING:
    from holidays import HolidayBase


class Concern(StrEnum):
    CLASH = "clash"
    PAST = "past"
    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank_holiday"


@dataclass(frozen=True)
class BookingWarning:
    """One thing the therapist should know before booking (it does not stop the booking)."""

    concern: Concern
    message: str
    #: The appointment it clashes with (clashes only).
    appointment_id: str | None = None


class ProposedBooking(BaseModel):
    """The time asked for, for whom, and with whom (what the booking form holds)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    child_id: str = Field(min_length=1)
    starts_at: AwareDatetime
    duration_minutes: int = Field(ge=SHORTEST_MINUTES, le=LONGEST_MINUTES, strict=True)
    therapist_id: str | None = None
    #: When moving an existing appointment: it does not clash with itself.
    moving_appointment_id: str | None = None


def check_booking(
    session: Session,
    *,
    child_id: str,
    starts_at: datetime,
    duration_minutes: int,
    therapist_id: str | None = None,
    moving_appointment_id: str | None = None,
    now: datetime | None = None,
) -> list[BookingWarning]:
    """Every warning for this booking: clashes first, then past, weekend, bank holiday."""
    try:
        proposed = ProposedBooking(
            child_id=child_id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            therapist_id=therapist_id,
            moving_appointment_id=moving_appointment_id,
        )
    except PydanticError as error:
        raise ValidationError(_first_problem(error)) from None
    return [*clashes(session, proposed), *calendar_warnings(proposed.starts_at, now=now)]


def _first_problem(error: PydanticError) -> str:
    problem = error.errors()[0]
    field = str(problem["loc"][0]).replace("_", " ") if problem["loc"] else "booking"
    if field == "duration minutes":
        return f"Appointments last {SHORTEST_MINUTES} minutes to one hour"
    if field == "starts at":
        return "The appointment time must be a date and time with its time zone"
    return f"The {field} of the booking is not valid: {problem['msg']}"


def clashes(session: Session, proposed: ProposedBooking) -> list[BookingWarning]:
    """Booked appointments of the same child or the same therapist that overlap this one."""
    start = proposed.starts_at
    end = start + timedelta(minutes=proposed.duration_minutes)
    whose = [Appointment.child_id == proposed.child_id]
    if proposed.therapist_id:
        whose.append(Appointment.therapist_id == proposed.therapist_id)
    query = (
        select(Appointment, Child, Therapist.full_name)
        .join(Child, Child.id == Appointment.child_id)
        .outerjoin(Therapist, Therapist.id == Appointment.therapist_id)
        .where(
            Appointment.deleted.is_(False),
            Appointment.status == AppointmentStatus.BOOKED.value,
            # An earlier start can still overlap: no appointment lasts longer than this.
            Appointment.starts_at > start - timedelta(minutes=LONGEST_MINUTES),
            Appointment.starts_at < end,
            or_(*whose),
        )
        .order_by(Appointment.starts_at)
    )
    if proposed.moving_appointment_id:
        query = query.where(Appointment.id != proposed.moving_appointment_id)
    warnings = []
    for other, child, therapist_name in session.execute(query):
        other_end = other.starts_at + timedelta(minutes=other.duration_minutes)
        if other_end <= start:
            continue
        when = _local(other.starts_at)
        if other.child_id == proposed.child_id:
            who = f"{child.display_name} already has an appointment"
        else:
            who = f"{therapist_name or 'This therapist'} is already seeing {child.display_name}"
        warnings.append(
            BookingWarning(
                Concern.CLASH,
                f"{who} at {when:%H:%M} on {when:%a %d %b %Y} "
                f"({other.duration_minutes} min): the times overlap.",
                other.id,
            )
        )
    return warnings


def calendar_warnings(starts_at: datetime, *, now: datetime | None = None) -> list[BookingWarning]:
    """A time already gone, a Saturday or Sunday, an England and Wales bank holiday."""
    warnings = []
    local = _local(starts_at)
    if starts_at < (now or datetime.now(starts_at.tzinfo)):
        warnings.append(
            BookingWarning(Concern.PAST, f"{local:%a %d %b %Y at %H:%M} is in the past.")
        )
    if local.weekday() >= 5:
        warnings.append(BookingWarning(Concern.WEEKEND, f"{local:%A %d %b %Y} is a weekend day."))
    holiday = bank_holiday(local.date())
    if holiday:
        warnings.append(
            BookingWarning(
                Concern.BANK_HOLIDAY, f"{local:%a %d %b %Y} is a bank holiday ({holiday})."
            )
        )
    return warnings


def bank_holiday(day: date) -> str | None:
    """The bank holiday's name in England and Wales on that day, or None."""
    name = _england_and_wales(day.year).get(day)
    return str(name) if name else None


@cache
def _england_and_wales(year: int) -> HolidayBase:
    import holidays  # loaded on the first check, not at start-up

    # England's and Wales's bank holidays are the same days (Scotland's and NI's differ).
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SERVICE_TIMEZONE)
