"""Read views of the appointments section: a child's appointments and the booking form's choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Child, Therapist
from otvisit.services.errors import NotFound


@dataclass(frozen=True, slots=True)
class AppointmentView:
    appointment_id: str
    starts_at: datetime
    duration_minutes: int
    kind: str
    place: str
    status: str
    reschedule_count: int
    interpreter_booked: bool
    interpreter_language: str
    disrupted: bool
    family_contacted: bool
    notes: str
    therapist_id: str | None = None
    therapist_name: str = ""


@dataclass(frozen=True, slots=True)
class BookingChoices:
    """What the booking form starts from: the child's interpreter need and the team's therapists."""

    interpreter_needed: bool
    interpreter_language: str
    #: The child's own therapist (the booking's default when nobody is signed in).
    therapist_id: str | None
    #: (therapist id, full name) of everyone in the child's team, by name.
    therapists: tuple[tuple[str, str], ...]


def child_appointments(session: Session, *, child_id: str) -> list[AppointmentView]:
    """The child's appointments, newest first, with whom each is booked."""
    rows = session.execute(
        select(Appointment, Therapist.full_name)
        .outerjoin(Therapist, Therapist.id == Appointment.therapist_id)
        .where(Appointment.child_id == child_id, Appointment.deleted.is_(False))
        .order_by(Appointment.starts_at.desc())
    )
    return [
        AppointmentView(
            a.id,
            a.starts_at,
            a.duration_minutes,
            a.kind.value,
            a.place.value,
            a.status.value,
            a.reschedule_count,
            a.interpreter_booked,
            a.interpreter_language,
            a.disrupted,
            a.family_contacted,
            a.notes,
            a.therapist_id,
            therapist_name or "",
        )
        for a, therapist_name in rows
    ]


def booking_choices(session: Session, *, child_id: str) -> BookingChoices:
    """The child's interpreter need and the therapists an appointment can be booked with."""
    child = session.get(Child, child_id)
    if child is None or child.deleted:
        raise NotFound("This child is not on this laptop. Sync, or check with your team lead.")
    therapists = session.execute(
        select(Therapist.id, Therapist.full_name)
        .where(Therapist.team_id == child.team_id, Therapist.deleted.is_(False))
        .order_by(Therapist.full_name)
    )
    return BookingChoices(
        interpreter_needed=child.interpreter_needed,
        interpreter_language=child.interpreter_language,
        therapist_id=child.therapist_id,
        therapists=tuple((tid, name) for tid, name in therapists),
    )
