"""Episodes of care: referral accepted, discharge with a reason, proposals from missed visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Child, Episode, new_id, utcnow
from otvisit.models.vocabulary import AppointmentStatus, DischargeReason, EpisodeStatus
from otvisit.services import safeguarding
from otvisit.services.audit import record_change
from otvisit.services.errors import NotFound, RuleRefused, ValidationError
from otvisit.services.records import check_date, get_live, optional_text, required_text

REASON_WORDS = {
    DischargeReason.GOALS_MET: "goals met",
    DischargeReason.FAMILY_REQUEST: "at the family's request",
    DischargeReason.DID_NOT_ATTEND: "did not attend without letting us know",
    DischargeReason.MOVED_AWAY: "moved away",
    DischargeReason.OTHER: "other reason",
}


@dataclass(frozen=True)
class DischargeResult:
    """A discharge done: when, why, and the future appointments it cancelled."""

    episode_id: str
    reason: DischargeReason
    discharged_on: date
    cancelled_appointment_ids: tuple[str, ...]


def open_referral(
    session: Session,
    *,
    child_id: str,
    referred_on: date,
    referral_reason: str = "",
    actor_id: str | None = None,
) -> str:
    """A new episode in the referred state; a child has at most one episode not discharged."""
    get_live(session, Child, child_id, what="child")
    check_date(referred_on, what="the referral date")
    reason = optional_text(referral_reason, what="the reason for referral")
    if current_episode(session, child_id=child_id) is not None:
        raise RuleRefused(
            "This child already has an open episode of care — discharge it before a new referral"
        )
    episode = Episode(
        id=new_id(), child_id=child_id, referred_on=referred_on, referral_reason=reason
    )
    session.add(episode)
    record_change(session, actor_id=actor_id, record=episode, created=True)
    return episode.id


def accept_referral(
    session: Session, *, episode_id: str, accepted_on: date, actor_id: str | None = None
) -> None:
    """The team accepts the referral: appointments can now be booked."""
    episode = get_live(session, Episode, episode_id, what="episode of care")
    check_date(accepted_on, what="the date accepted")
    if episode.status is not EpisodeStatus.REFERRED:
        raise RuleRefused("This referral has already been accepted")
    if accepted_on < episode.referred_on:
        raise ValidationError("A referral cannot be accepted before it was made")
    episode.status = EpisodeStatus.ACCEPTED
    episode.accepted_on = accepted_on
    record_change(session, actor_id=actor_id, record=episode, detail="referral accepted")


def current_episode(session: Session, *, child_id: str) -> Episode | None:
    """The child's episode that is not discharged, if any."""
    query = select(Episode).where(
        Episode.child_id == child_id,
        Episode.deleted.is_(False),
        Episode.status != EpisodeStatus.DISCHARGED,
    )
    return session.scalars(query.order_by(Episode.referred_on.desc())).first()


def discharge_episode(
    session: Session,
    *,
    episode_id: str,
    reason: DischargeReason,
    summary: str,
    actor_id: str | None = None,
    discharged_on: date | None = None,
    now: datetime | None = None,
) -> DischargeResult:
    """Discharge with a reason and summary; future booked appointments are cancelled.

    An episode is discharged once: a second discharge is refused, not recorded over the first.
    """
    episode = get_live(session, Episode, episode_id, what="episode of care")
    if episode.status is EpisodeStatus.DISCHARGED:
        raise RuleRefused("This episode of care has already been discharged")
    try:
        reason = DischargeReason(reason)
    except ValueError:
        raise ValidationError(f"The reason {reason!r} is not a discharge reason") from None
    text = required_text(summary, what="a discharge summary")
    moment = now or utcnow()
    on = check_date(discharged_on or moment.date(), what="the discharge date")
    if on < episode.referred_on:
        raise ValidationError("The discharge date cannot be before the referral")
    future = session.scalars(
        select(Appointment).where(
            Appointment.episode_id == episode.id,
            Appointment.deleted.is_(False),
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > moment,
        )
    ).all()
    for appointment in future:
        appointment.status = AppointmentStatus.CANCELLED
        appointment.notes = _append_line(appointment.notes, "Cancelled at discharge.")
        record_change(
            session, actor_id=actor_id, record=appointment, detail="cancelled at discharge"
        )
    episode.status = EpisodeStatus.DISCHARGED
    episode.discharged_on = on
    episode.discharge_reason = reason
    episode.discharge_summary = text
    episode.discharged_by_id = actor_id
    episode.discharge_proposed_reason = None
    record_change(session, actor_id=actor_id, record=episode, detail=f"discharged: {reason.value}")
    return DischargeResult(episode.id, reason, on, tuple(a.id for a in future))


def confirm_discharge(
    session: Session,
    *,
    episode_id: str,
    actor_id: str | None = None,
    summary: str = "",
    now: datetime | None = None,
) -> DischargeResult:
    """The therapist confirms a proposed discharge (after a child was not brought or not seen).

    Refused until the episode's safeguarding check is complete.
    """
    episode = get_live(session, Episode, episode_id, what="episode of care")
    reason = episode.discharge_proposed_reason
    if reason is None:
        raise RuleRefused("There is no discharge waiting to be confirmed for this episode")
    safeguarding.require_complete_check(session, episode_id=episode_id)
    text = summary.strip() or f"Discharged: {REASON_WORDS[reason]}."
    return discharge_episode(
        session, episode_id=episode_id, reason=reason, summary=text, actor_id=actor_id, now=now
    )


def withdraw_discharge_proposal(
    session: Session, *, episode_id: str, actor_id: str | None = None, why: str = ""
) -> None:
    """The therapist keeps the child open (e.g. the family explained); the proposal is cleared."""
    episode = get_live(session, Episode, episode_id, what="episode of care")
    if episode.discharge_proposed_reason is None:
        raise NotFound("There is no discharge proposal to withdraw for this episode")
    episode.discharge_proposed_reason = None
    record_change(
        session,
        actor_id=actor_id,
        record=episode,
        detail=f"discharge proposal withdrawn {why}".strip(),
    )


def _append_line(existing: str, line: str) -> str:
    return f"{existing}\n{line}" if existing else line
