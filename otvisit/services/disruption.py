"""Service disruption (e.g. strike days): flag a day's appointments and list families to contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Carer, Child
from otvisit.models.vocabulary import AppointmentStatus, AppointmentType, Place
from otvisit.services.audit import record_change
from otvisit.services.errors import ValidationError
from otvisit.services.records import check_date, get_live, required_text

#: The service's local time: "a day" is a London calendar day, whatever the clocks do.
SERVICE_TIMEZONE = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class CarerContact:
    """How to reach one parent or carer."""

    name: str
    relationship: str
    phone: str
    main_contact: bool


@dataclass(frozen=True)
class FamilyToContact:
    """One affected appointment and everything needed to phone the family about it."""

    appointment_id: str
    child_id: str
    child_name: str
    starts_at: datetime
    place: Place
    kind: AppointmentType
    therapist_id: str | None
    carers: tuple[CarerContact, ...]
    interpreter_language: str | None
    setting_name: str
    reason: str
    contacted: bool


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SERVICE_TIMEZONE)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=SERVICE_TIMEZONE)
    return start, end


def _day_query(
    day: date, team_id: str | None, therapist_id: str | None
) -> Select[Appointment, Child]:
    start, end = _day_bounds(day)
    query = (
        select(Appointment, Child)
        .join(Child, Child.id == Appointment.child_id)
        .where(
            Appointment.deleted.is_(False),
            Child.deleted.is_(False),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
    )
    if team_id is not None:
        query = query.where(Child.team_id == team_id)
    if therapist_id is not None:
        query = query.where(Appointment.therapist_id == therapist_id)
    return query.order_by(Appointment.starts_at)


def flag_disrupted_day(
    session: Session,
    *,
    day: date,
    reason: str,
    team_id: str | None = None,
    therapist_id: str | None = None,
    actor_id: str | None = None,
) -> list[str]:
    """Flag every booked appointment on the day (optionally one team's or therapist's).

    Returns the ids flagged now; appointments flagged earlier keep their first reason.
    """
    check_date(day, what="the day")
    why = required_text(reason, what="the reason (e.g. strike action)", max_length=200)
    flagged: list[str] = []
    query = _day_query(day, team_id, therapist_id).where(
        Appointment.status == AppointmentStatus.BOOKED, Appointment.disrupted.is_(False)
    )
    for appointment, _child in session.execute(query).all():
        appointment.disrupted = True
        appointment.disruption_reason = why
        appointment.family_contacted = False
        record_change(session, actor_id=actor_id, record=appointment, detail=f"disrupted: {why}")
        flagged.append(appointment.id)
    return flagged


def families_to_contact(
    session: Session,
    *,
    day: date | None = None,
    team_id: str | None = None,
    therapist_id: str | None = None,
    include_contacted: bool = False,
) -> list[FamilyToContact]:
    """The families whose booked appointments are flagged, earliest first."""
    if day is None:
        query = (
            select(Appointment, Child)
            .join(Child, Child.id == Appointment.child_id)
            .where(Appointment.deleted.is_(False), Child.deleted.is_(False))
            .order_by(Appointment.starts_at)
        )
        if team_id is not None:
            query = query.where(Child.team_id == team_id)
        if therapist_id is not None:
            query = query.where(Appointment.therapist_id == therapist_id)
    else:
        query = _day_query(check_date(day, what="the day"), team_id, therapist_id)
    query = query.where(
        Appointment.disrupted.is_(True), Appointment.status == AppointmentStatus.BOOKED
    )
    if not include_contacted:
        query = query.where(Appointment.family_contacted.is_(False))
    rows = session.execute(query).all()
    child_ids = {child.id for _, child in rows}
    carers: dict[str, list[CarerContact]] = {}
    if child_ids:
        carer_query = (
            select(Carer)
            .where(Carer.child_id.in_(child_ids), Carer.deleted.is_(False))
            .order_by(Carer.main_contact.desc(), Carer.full_name)
        )
        for carer in session.scalars(carer_query):
            carers.setdefault(carer.child_id, []).append(
                CarerContact(carer.full_name, carer.relationship, carer.phone, carer.main_contact)
            )
    return [
        FamilyToContact(
            appointment_id=appointment.id,
            child_id=child.id,
            child_name=child.display_name,
            starts_at=appointment.starts_at,
            place=appointment.place,
            kind=appointment.kind,
            therapist_id=appointment.therapist_id,
            carers=tuple(carers.get(child.id, [])),
            interpreter_language=child.interpreter_language if child.interpreter_needed else None,
            setting_name=child.setting_name,
            reason=appointment.disruption_reason,
            contacted=appointment.family_contacted,
        )
        for appointment, child in rows
    ]


def mark_family_contacted(
    session: Session, *, appointment_id: str, actor_id: str | None = None, note: str = ""
) -> None:
    """The family of a disrupted appointment has been told."""
    appointment = get_live(session, Appointment, appointment_id, what="appointment")
    if not appointment.disrupted:
        raise ValidationError("This appointment is not flagged as affected by disruption")
    appointment.family_contacted = True
    if note.strip():
        appointment.notes = f"{appointment.notes}\nFamily contacted: {note.strip()}".strip()
    record_change(session, actor_id=actor_id, record=appointment, detail="family contacted")
