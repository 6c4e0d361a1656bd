"""Appointments: booked, rescheduled (twice at most by the family), attended, missed, cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from otvisit.models import Appointment, Child, Episode, new_id, utcnow
from otvisit.models.vocabulary import (
    AppointmentStatus,
    AppointmentType,
    DischargeReason,
    EpisodeStatus,
    Place,
)
from otvisit.services.audit import record_change
from otvisit.services.episodes import current_episode
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import check_moment, get_live, optional_text
from otvisit.services.team import therapist_in_team

SHORTEST_MINUTES = 30
LONGEST_MINUTES = 60
#: The service's rule: "you can only reschedule your appointment twice".
FAMILY_RESCHEDULES_ALLOWED = 2

E = TypeVar("E", AppointmentType, Place)


@dataclass(frozen=True)
class DischargeProposal:
    """A did-not-attend without notice: policy says discharge; the therapist decides."""

    episode_id: str
    child_id: str
    child_name: str
    appointment_id: str
    missed_at: datetime
    reason: DischargeReason
    message: str


@dataclass(frozen=True)
class DidNotAttendOutcome:
    """The missed appointment, and the discharge proposal when no notice was given."""

    appointment_id: str
    notice_given: bool
    discharge_proposal: DischargeProposal | None


def _enum(kind: type[E], value: object, what: str) -> E:
    try:
        return kind(str(value))
    except ValueError:
        choices = ", ".join(member.value.replace("_", " ") for member in kind)
        raise ValidationError(f"The {what} must be one of: {choices}") from None


def _check_duration(minutes: object) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError("The length of an appointment must be a whole number of minutes")
    if not SHORTEST_MINUTES <= minutes <= LONGEST_MINUTES:
        raise ValidationError(
            f"Appointments last {SHORTEST_MINUTES} minutes to one hour (not {minutes} minutes)"
        )
    return minutes


def _whole_minute(moment: datetime, *, what: str) -> datetime:
    """Appointments are booked in whole minutes: the clock's seconds never reach the diary."""
    return check_moment(moment, what=what).replace(second=0, microsecond=0)


def _booked(session: Session, appointment_id: str, doing: str) -> Appointment:
    appointment = get_live(session, Appointment, appointment_id, what="appointment")
    if appointment.status is not AppointmentStatus.BOOKED:
        status = appointment.status.value.replace("_", " ")
        raise RuleRefused(f"This appointment is already marked {status}, so it cannot be {doing}")
    return appointment


def book_appointment(
    session: Session,
    *,
    child_id: str,
    starts_at: datetime,
    kind: AppointmentType,
    place: Place,
    duration_minutes: int = 45,
    therapist_id: str | None = None,
    episode_id: str | None = None,
    group_session: bool = False,
    interpreter_booked: bool | None = None,
    interpreter_language: str | None = None,
    notes: str = "",
    actor_id: str | None = None,
) -> str:
    """Book an appointment in the child's open episode; returns its id.

    When the child needs an interpreter, one is booked in their language unless
    the caller says otherwise (the service offers an interpreter for every appointment).
    """
    child = get_live(session, Child, child_id, what="child")
    starts_at = _whole_minute(starts_at, what="the appointment time")
    kind = _enum(AppointmentType, kind, "appointment type")
    place = _enum(Place, place, "place")
    minutes = _check_duration(duration_minutes)
    if therapist_id is not None:
        therapist_in_team(session, therapist_id=therapist_id, team_id=child.team_id)
    if episode_id is None:
        episode = current_episode(session, child_id=child_id)
        if episode is None:
            raise RuleRefused("Open a referral for this child before booking an appointment")
    else:
        episode = get_live(session, Episode, episode_id, what="episode of care")
        if episode.child_id != child_id:
            raise ValidationError("That episode of care belongs to another child")
    if episode.status is EpisodeStatus.DISCHARGED:
        raise RuleRefused("This child has been discharged; open a new referral to book")
    if episode.status is EpisodeStatus.REFERRED:
        raise RuleRefused("Accept the referral before booking appointments")
    booked = child.interpreter_needed if interpreter_booked is None else bool(interpreter_booked)
    language = (
        interpreter_language if interpreter_language is not None else child.interpreter_language
    )
    language = optional_text(language, what="the interpreter language", max_length=40)
    if booked and not language:
        raise ValidationError("Please say which language the interpreter should speak")
    appointment = Appointment(
        id=new_id(),
        child_id=child_id,
        episode_id=episode.id,
        therapist_id=therapist_id if therapist_id is not None else child.therapist_id,
        kind=kind,
        place=place,
        starts_at=starts_at,
        duration_minutes=minutes,
        group_session=bool(group_session),
        interpreter_booked=booked,
        interpreter_language=language if booked else "",
        notes=optional_text(notes, what="the appointment notes"),
    )
    session.add(appointment)
    record_change(session, actor_id=actor_id, record=appointment, created=True)
    return appointment.id


def reschedule_appointment(
    session: Session,
    *,
    appointment_id: str,
    new_starts_at: datetime,
    by_family: bool = True,
    actor_id: str | None = None,
) -> int:
    """Move the appointment to a new time; returns how many family reschedules it has had.

    The appointment is moved in place (one record per appointment, not one per
    slot): its earlier times stay in the audit trail and the sync history. Only
    the family's requests count toward the limit of two; a move by the service
    (e.g. around a strike day) does not.
    """
    appointment = _booked(session, appointment_id, "rescheduled")
    new_starts_at = _whole_minute(new_starts_at, what="the new appointment time")
    if new_starts_at == appointment.starts_at:
        raise ValidationError("The new time is the same as the current one")
    if by_family and appointment.reschedule_count >= FAMILY_RESCHEDULES_ALLOWED:
        raise RuleRefused(
            "This appointment has already been rescheduled twice at the family's request. "
            "The service allows two changes: keep this time, or cancel it and discuss "
            "next steps with the family."
        )
    old = appointment.starts_at
    appointment.starts_at = new_starts_at
    if by_family:
        appointment.reschedule_count += 1
    who = "family" if by_family else "service"
    record_change(
        session,
        actor_id=actor_id,
        record=appointment,
        detail=f"rescheduled by {who} from {old.isoformat()} to {new_starts_at.isoformat()}",
    )
    return appointment.reschedule_count


def cancel_appointment(
    session: Session, *, appointment_id: str, reason: str = "", actor_id: str | None = None
) -> None:
    """Cancel a booked appointment, keeping the record with the reason."""
    appointment = _booked(session, appointment_id, "cancelled")
    appointment.status = AppointmentStatus.CANCELLED
    why = optional_text(reason, what="the reason")
    if why:
        appointment.notes = f"{appointment.notes}\nCancelled: {why}".strip()
    record_change(session, actor_id=actor_id, record=appointment, detail=f"cancelled {why}".strip())


def mark_attended(
    session: Session,
    *,
    appointment_id: str,
    actor_id: str | None = None,
    now: datetime | None = None,
) -> None:
    """The child was seen; an accepted episode becomes open (in treatment)."""
    appointment = _booked(session, appointment_id, "marked attended")
    if appointment.starts_at > (now or utcnow()):
        raise RuleRefused("An appointment cannot be marked attended before it starts")
    appointment.status = AppointmentStatus.ATTENDED
    if appointment.episode_id is not None:
        episode = session.get(Episode, appointment.episode_id)
        if episode is not None and episode.status is EpisodeStatus.ACCEPTED:
            episode.status = EpisodeStatus.OPEN
    record_change(session, actor_id=actor_id, record=appointment, detail="attended")


def mark_did_not_attend(
    session: Session,
    *,
    appointment_id: str,
    notice_given: bool,
    actor_id: str | None = None,
    now: datetime | None = None,
) -> DidNotAttendOutcome:
    """Record a missed appointment. Without notice, propose discharge on the open episode.

    The proposal is stored on the episode (so every device sees it) and returned
    for the screen to show; nothing is discharged until the therapist confirms.
    """
    if not isinstance(notice_given, bool):
        raise ValidationError("Please say whether the family let us know in advance")
    appointment = _booked(session, appointment_id, "marked as not attended")
    if appointment.starts_at > (now or utcnow()):
        raise RuleRefused("An appointment cannot be marked as missed before it starts")
    appointment.status = AppointmentStatus.DID_NOT_ATTEND
    line = (
        "Did not attend; the family let us know." if notice_given else "Did not attend; no notice."
    )
    appointment.notes = f"{appointment.notes}\n{line}".strip()
    record_change(session, actor_id=actor_id, record=appointment, detail=line)
    if notice_given:
        return DidNotAttendOutcome(appointment.id, notice_given, None)
    child = session.get(Child, appointment.child_id)
    name = child.display_name if child is not None else "This child"
    return _propose_discharge(
        session,
        appointment,
        name=name,
        detail="discharge proposed: did not attend",
        message=(
            f"{name} did not attend on {appointment.starts_at:%d %B %Y} and the family did not "
            "let us know. The service's policy is to discharge. Confirm the discharge, or "
            "withdraw it if there is a reason to keep the child open."
        ),
        actor_id=actor_id,
    )


def _propose_discharge(
    session: Session,
    appointment: Appointment,
    *,
    name: str,
    detail: str,
    message: str,
    actor_id: str | None,
) -> DidNotAttendOutcome:
    """A missed appointment without notice proposes discharge on the child's open episode.

    The proposal is stored on the episode (every device sees it) and returned for the
    screen; nothing is discharged until the therapist confirms.
    """
    episode = session.get(Episode, appointment.episode_id) if appointment.episode_id else None
    if episode is None or episode.deleted or episode.status is EpisodeStatus.DISCHARGED:
        return DidNotAttendOutcome(appointment.id, False, None)
    episode.discharge_proposed_reason = DischargeReason.DID_NOT_ATTEND
    record_change(session, actor_id=actor_id, record=episode, detail=detail)
    proposal = DischargeProposal(
        episode_id=episode.id,
        child_id=appointment.child_id,
        child_name=name,
        appointment_id=appointment.id,
        missed_at=appointment.starts_at,
        reason=DischargeReason.DID_NOT_ATTEND,
        message=message,
    )
    return DidNotAttendOutcome(appointment.id, False, proposal)


#: The outcomes worded for a child: children do not "fail to attend", they are not brought.
NOT_SEEN_WORDS = {
    AppointmentStatus.WAS_NOT_BROUGHT: "was not brought to the appointment",
    AppointmentStatus.NO_ACCESS: "was not seen: nobody answered the door at the home visit",
}


def mark_not_brought(
    session: Session,
    *,
    appointment_id: str,
    outcome: AppointmentStatus,
    actor_id: str | None = None,
    now: datetime | None = None,
) -> DidNotAttendOutcome:
    """Record "was not brought" or "no access" (home visit, nobody answered); propose discharge.

    The service's policy discharges a child not brought without notice, but only after the
    therapist's safeguarding check (services.safeguarding); the proposal waits on the episode.
    """
    try:
        outcome = AppointmentStatus(outcome)
    except ValueError:
        raise ValidationError("The outcome must be was not brought or no access") from None
    if outcome not in NOT_SEEN_WORDS:
        raise ValidationError("The outcome must be was not brought or no access")
    appointment = _booked(session, appointment_id, "recorded as missed")
    if appointment.starts_at > (now or utcnow()):
        raise RuleRefused("An appointment cannot be recorded as missed before it starts")
    if outcome is AppointmentStatus.NO_ACCESS and appointment.place is not Place.HOME:
        raise ValidationError("No access is for a home visit where nobody answered the door")
    child = session.get(Child, appointment.child_id)
    name = child.display_name if child is not None else "The child"
    words = NOT_SEEN_WORDS[outcome]
    appointment.status = outcome
    appointment.notes = f"{appointment.notes}\n{name} {words}.".strip()
    record_change(session, actor_id=actor_id, record=appointment, detail=words)
    return _propose_discharge(
        session,
        appointment,
        name=name,
        detail=f"discharge proposed: {words}",
        message=(
            f"{name} {words} on {appointment.starts_at:%d %B %Y}, and the family did not let us "
            "know. The service's policy is to discharge: complete the safeguarding check "
            "first, then confirm the discharge, or keep the child open."
        ),
        actor_id=actor_id,
    )
