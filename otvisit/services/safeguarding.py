"""The safeguarding check before a child who was not brought is discharged, and record prompts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import (
    Appointment,
    Episode,
    Referral,
    SafeguardingCheck,
    SessionNote,
    new_id,
    utcnow,
)
from otvisit.models.groups import GroupPlace, GroupSession, PlaceStatus
from otvisit.models.vocabulary import AppointmentStatus, EpisodeStatus, ReferralStatus
from otvisit.services.audit import record_change
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import check_date, get_live, optional_text

#: Outcomes that mean the child was not seen and nobody told us in time.
MISSED = frozenset(
    {
        AppointmentStatus.DID_NOT_ATTEND,
        AppointmentStatus.WAS_NOT_BROUGHT,
        AppointmentStatus.NO_ACCESS,
    }
)
#: Family reschedule requests across an episode that raise a prompt in the child's record.
RESCHEDULES_PROMPT = 3
#: Missed appointments in a row that raise a prompt.
MISSED_IN_A_ROW_PROMPT = 2


@dataclass(frozen=True)
class SafeguardingAnswers:
    """The therapist's answers. ``None`` for a question means not answered yet."""

    known_to_social_care: bool | None
    concern: bool | None
    concern_details: str = ""
    told_gp: bool = False
    told_health_visitor_or_school_nurse: bool = False
    told_referrer: bool = False


def _yes_no(value: object, what: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError(f"{what} must be yes, no or not answered yet")


def _told(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"Whether {what} was told must be yes or no")
    return value


def check_for_episode(session: Session, *, episode_id: str) -> SafeguardingCheck | None:
    """The episode's safeguarding check (the newest, if there were several synced)."""
    query = (
        select(SafeguardingCheck)
        .where(SafeguardingCheck.episode_id == episode_id, SafeguardingCheck.deleted.is_(False))
        .order_by(SafeguardingCheck.updated_at.desc(), SafeguardingCheck.id)
    )
    return session.scalars(query).first()


def missing_answers(check: SafeguardingCheck | None) -> list[str]:
    """What is still to do before the check is complete, in words for the therapist."""
    if check is None:
        return ["the safeguarding check has not been started"]
    missing: list[str] = []
    if check.known_to_social_care is None:
        missing.append("say whether the child is known to social care")
    if check.concern is None:
        missing.append("say whether there is a safeguarding concern")
    elif check.concern and not check.concern_details.strip():
        missing.append("describe the concern")
    if not check.told_gp:
        missing.append("tell the GP")
    if not check.told_health_visitor_or_school_nurse:
        missing.append("tell the health visitor or school nurse")
    if not check.told_referrer:
        missing.append("tell the referrer")
    return missing


def record_safeguarding_check(
    session: Session,
    *,
    episode_id: str,
    answers: SafeguardingAnswers,
    appointment_id: str | None = None,
    actor_id: str | None = None,
    today: date | None = None,
) -> str:
    """Record (or update) the episode's check; may be saved part-done. Returns its id."""
    episode = get_live(session, Episode, episode_id, what="episode of care")
    if episode.status is EpisodeStatus.DISCHARGED:
        raise RuleRefused("This child has already been discharged")
    known = _yes_no(answers.known_to_social_care, "Known to social care")
    concern = _yes_no(answers.concern, "A safeguarding concern")
    details = optional_text(answers.concern_details, what="the concern")
    if concern and not details:
        raise ValidationError("Please describe the safeguarding concern and what was done")
    told = (
        _told(answers.told_gp, "the GP"),
        _told(answers.told_health_visitor_or_school_nurse, "the health visitor or school nurse"),
        _told(answers.told_referrer, "the referrer"),
    )
    day = check_date(today or utcnow().date(), what="the date of the check")
    check = check_for_episode(session, episode_id=episode_id)
    created = check is None
    if check is None:
        check = SafeguardingCheck(id=new_id(), child_id=episode.child_id, episode_id=episode.id)
        session.add(check)
    if appointment_id is not None:
        check.appointment_id = get_live(session, Appointment, appointment_id, what="appointment").id
    check.known_to_social_care = known
    check.concern = concern
    check.concern_details = details
    check.told_gp, check.told_health_visitor_or_school_nurse, check.told_referrer = told
    complete = not missing_answers(check)
    check.checked_on = day if complete else None
    check.checked_by_id = actor_id if complete else None
    words = {True: "yes", False: "no", None: "not answered"}
    record_change(
        session,
        actor_id=actor_id,
        record=check,
        created=created,
        detail=(
            f"safeguarding check {'complete' if complete else 'in progress'}: known to social care "
            f"{words[known]}, concern {words[concern]}, GP told {words[told[0]]}, health visitor "
            f"or school nurse told {words[told[1]]}, referrer told {words[told[2]]}"
        ),
    )
    return check.id


def require_complete_check(session: Session, *, episode_id: str) -> None:
    """Refuse (RuleRefused) unless the episode's safeguarding check is complete."""
    missing = missing_answers(check_for_episode(session, episode_id=episode_id))
    if missing:
        raise RuleRefused(
            "A child who was not brought is discharged only after the safeguarding check. "
            f"Still to do: {'; '.join(missing)}."
        )


def record_prompts(session: Session, *, child_id: str, now: datetime | None = None) -> list[str]:
    """Prompts for the child's record: many family reschedules, or missed visits in a row."""
    moment = now or utcnow()
    rows = session.execute(
        select(Appointment.starts_at, Appointment.status, Appointment.reschedule_count)
        .where(
            Appointment.child_id == child_id,
            Appointment.deleted.is_(False),
            Appointment.starts_at <= moment,
        )
        .order_by(Appointment.starts_at)
    ).all()
    future_moves = session.scalars(
        select(Appointment.reschedule_count).where(
            Appointment.child_id == child_id,
            Appointment.deleted.is_(False),
            Appointment.starts_at > moment,
        )
    ).all()
    prompts: list[str] = []
    requests = sum(int(count or 0) for *_, count in rows) + sum(int(c or 0) for c in future_moves)
    if requests >= RESCHEDULES_PROMPT:
        prompts.append(
            f"The family has asked to reschedule {requests} times. Talk with them about what "
            "would make appointments easier (time, place, virtual, interpreter)."
        )
    in_a_row = _missed_in_a_row(
        session, child_id=child_id, moment=moment, appointments=[(at, s) for at, s, _ in rows]
    )
    if in_a_row >= MISSED_IN_A_ROW_PROMPT:
        prompts.append(
            f"{in_a_row} appointments missed in a row (not brought, no access or did not "
            "attend). Consider a safeguarding discussion and contact the GP and the referrer."
        )
    prompts += _declined_with_notes(session, child_id=child_id)
    return prompts


def _missed_in_a_row(
    session: Session,
    *,
    child_id: str,
    moment: datetime,
    appointments: list[tuple[datetime, AppointmentStatus]],
) -> int:
    """Missed contacts at the end of the child's history, individual and group alike.

    Only what happened counts: attended or missed, in the order they took place (cancelled,
    moved, and booked-but-unmarked places or appointments are skipped). A family marked not
    brought on a group register missed a contact just as at an individual appointment.
    """
    group_marks = session.execute(
        select(GroupSession.starts_at, GroupPlace.status)
        .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .where(
            GroupPlace.child_id == child_id,
            GroupPlace.deleted.is_(False),
            GroupSession.deleted.is_(False),
            GroupSession.cancelled.is_(False),
            GroupSession.starts_at <= moment,
            GroupPlace.status.in_((PlaceStatus.ATTENDED, PlaceStatus.NOT_BROUGHT)),
        )
    ).all()
    history = [(at, status in MISSED) for at, status in appointments
               if status is AppointmentStatus.ATTENDED or status in MISSED]  # fmt: skip
    history += [(at, status is PlaceStatus.NOT_BROUGHT) for at, status in group_marks]
    history.sort(key=lambda contact: contact[0])
    in_a_row = 0
    for _at, missed in reversed(history):
        if not missed:
            break
        in_a_row += 1
    return in_a_row


def _declined_with_notes(session: Session, *, child_id: str) -> list[str]:
    """A referral declined after a colleague had already seen the child under it."""
    rows = session.execute(
        select(Episode.id, func.count(SessionNote.id))
        .join(Referral, Referral.episode_id == Episode.id)
        .join(SessionNote, SessionNote.episode_id == Episode.id)
        .where(
            Episode.child_id == child_id,
            Episode.deleted.is_(False),
            Referral.deleted.is_(False),
            Referral.status == ReferralStatus.DECLINED,
            SessionNote.deleted.is_(False),
        )
        .group_by(Episode.id)
    ).all()
    return [
        f"The referral was declined after work had begun: {count} session "
        f"note{'s' if count != 1 else ''} written under it {'are' if count != 1 else 'is'} kept. "
        "Check with the team and tell the family and the referrer."
        for _episode, count in rows
    ]
