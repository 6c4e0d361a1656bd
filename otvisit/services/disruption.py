"""Service disruption (e.g. strike days): flag a day's appointments and list families to contact."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Carer, Child, DisruptionContact
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import AppointmentStatus, AppointmentType, ContactOutcome, Place
from otvisit.services.audit import record_change
from otvisit.services.errors import ValidationError
from otvisit.services.records import check_date, get_live, optional_text, required_text

#: The service's local time: "a day" is a London calendar day, whatever the clocks do.


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


# --- The list of families to phone: each family once, ticked as contacted with the outcome ---

#: Namespace of the contact records' ids: the same family on the same day is the same record
#: on every laptop.
CONTACT_IDS = uuid.UUID("6f1d2c4e-4b7a-4c35-9a57-2f0e8d1b7c10")


@dataclass(frozen=True)
class FamilyContact:
    """One family on the day's list: who to call, in which language, and what came of it."""

    contact_id: str
    day: date
    family_name: str
    phone: str
    language: str
    interpreter_language: str
    children: tuple[str, ...]
    appointment_count: int
    contacted: bool
    outcome: ContactOutcome | None
    note: str


def family_key(*, phone: str, address: str, postcode: str, child_id: str) -> str:
    """What makes two children one family to phone: the main carer's number, else the address."""
    digits = re.sub(r"\D", "", phone)
    if digits:
        return f"phone:{digits[-10:]}"
    where = " ".join(f"{address} {postcode}".lower().split())
    return f"address:{where}" if where else f"child:{child_id}"


def contact_id_for(*, team_id: str, day: date, key: str) -> str:
    """The same family on the same day has the same contact record on every laptop."""
    return str(uuid.uuid5(CONTACT_IDS, f"{team_id}:{day.isoformat()}:{key}"))


def build_contact_list(
    session: Session, *, day: date, team_id: str, actor_id: str | None = None
) -> list[FamilyContact]:
    """Make (or bring up to date) the day's list from its flagged appointments; returns it.

    Ticks already recorded are kept; a family gets one entry however many children or
    appointments it has that day.
    """
    day = check_date(day, what="the day")
    flagged = families_to_contact(session, day=day, team_id=team_id, include_contacted=True)
    children = {
        child.id: child
        for child in session.scalars(
            select(Child).where(Child.id.in_({row.child_id for row in flagged}))
        )
    }
    families: dict[str, list[FamilyToContact]] = {}
    for row in flagged:
        child = children[row.child_id]
        key = family_key(
            phone=next((c.phone for c in row.carers if c.phone), ""),
            address=child.address,
            postcode=child.postcode,
            child_id=child.id,
        )
        families.setdefault(key, []).append(row)
    for key, rows in families.items():
        contact_id = contact_id_for(team_id=team_id, day=day, key=key)
        child_ids = sorted({row.child_id for row in rows})
        first = children[child_ids[0]]
        carer = next((c for row in rows for c in row.carers if c.phone), None)
        values = {
            "child_ids": child_ids,
            "appointment_count": len(rows),
            "family_name": carer.name if carer else f"Family of {first.display_name}",
            "phone": carer.phone if carer else "",
            "language": first.spoken_language,
            "interpreter_language": next(
                (r.interpreter_language for r in rows if r.interpreter_language), ""
            ),
        }
        contact = session.get(DisruptionContact, contact_id)
        if contact is None:
            contact = DisruptionContact(
                id=contact_id, child_id=child_ids[0], day=day, family_key=key, **values
            )
            session.add(contact)
            record_change(session, actor_id=actor_id, record=contact, created=True)
            continue
        changed = {k: v for k, v in values.items() if getattr(contact, k) != v}
        for name, value in changed.items():
            setattr(contact, name, value)
        if changed:
            record_change(session, actor_id=actor_id, record=contact, detail="contact list updated")
    session.flush()
    return contact_list(session, day=day, team_id=team_id)


def contact_list(session: Session, *, day: date, team_id: str) -> list[FamilyContact]:
    """The day's families, not yet contacted first, then by name."""
    query = (
        select(DisruptionContact)
        .join(Child, Child.id == DisruptionContact.child_id)
        .where(
            DisruptionContact.day == check_date(day, what="the day"),
            DisruptionContact.deleted.is_(False),
            Child.team_id == team_id,
        )
    )
    contacts = session.scalars(query).all()
    ids = {child_id for contact in contacts for child_id in contact.child_ids}
    names = dict(session.execute(select(Child.id, Child.given_name).where(Child.id.in_(ids))).all())
    rows = [
        FamilyContact(
            contact_id=contact.id,
            day=contact.day,
            family_name=contact.family_name,
            phone=contact.phone,
            language=contact.language,
            interpreter_language=contact.interpreter_language,
            children=tuple(names.get(child_id, "") for child_id in contact.child_ids),
            appointment_count=contact.appointment_count,
            contacted=contact.contacted,
            outcome=contact.outcome,
            note=contact.note,
        )
        for contact in contacts
    ]
    rows.sort(key=lambda row: (row.contacted, row.family_name.lower(), row.contact_id))
    return rows


def record_family_contact(
    session: Session,
    *,
    contact_id: str,
    outcome: ContactOutcome | str,
    note: str = "",
    actor_id: str | None = None,
    today: date | None = None,
) -> None:
    """Tick a family as contacted with the outcome; their flagged appointments that day too.

    "No answer" keeps the family on the list to try again (it is not a contact).
    """
    contact = get_live(session, DisruptionContact, contact_id, what="family on the list")
    try:
        outcome = ContactOutcome(outcome)
    except ValueError:
        raise ValidationError("The outcome must be rebooked, to call back or no answer") from None
    contact.outcome = outcome
    contact.note = optional_text(note, what="the note", max_length=2000)
    reached = outcome is not ContactOutcome.NO_ANSWER
    contact.contacted = reached
    contact.contacted_on = (today or date.today()) if reached else None
    contact.contacted_by_id = actor_id if reached else None
    record_change(session, actor_id=actor_id, record=contact, detail=f"family {outcome.value}")
    if not reached:
        return
    start, end = _day_bounds(contact.day)
    appointments = session.scalars(
        select(Appointment).where(
            Appointment.child_id.in_(contact.child_ids),
            Appointment.disrupted.is_(True),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
    )
    for appointment in appointments:
        if not appointment.family_contacted:
            appointment.family_contacted = True
            record_change(session, actor_id=actor_id, record=appointment, detail="family contacted")


def families_not_contacted(session: Session, *, team_id: str, today: date) -> int:
    """Families on a list for today or later not yet reached (for the caseload)."""
    query = (
        select(DisruptionContact.id)
        .join(Child, Child.id == DisruptionContact.child_id)
        .where(
            DisruptionContact.deleted.is_(False),
            DisruptionContact.contacted.is_(False),
            DisruptionContact.day >= today,
            Child.team_id == team_id,
        )
    )
    return len(session.scalars(query).all())
