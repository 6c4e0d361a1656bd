"""Referrals: received for a child (found or added by NHS number), then accepted or declined."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import Child, Episode, Referral, SessionNote, Team, new_id
from otvisit.models.vocabulary import (
    DischargeReason,
    EpisodeStatus,
    ReferralPriority,
    ReferralSource,
    ReferralStatus,
)
from otvisit.services import children, episodes
from otvisit.services.audit import record_change
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import check_date, get_live, optional_text, required_text

SOURCE_WORDS = {
    ReferralSource.GP: "GP",
    ReferralSource.HEALTH_VISITOR: "Health visitor",
    ReferralSource.SCHOOL_SENCO: "School or SENCO",
    ReferralSource.PARENT: "Parent or carer",
    ReferralSource.OTHER: "Other",
}


@dataclass(frozen=True)
class NewChild:
    """The child's details as the referral gives them; used when the team does not know them."""

    given_name: str
    family_name: str
    date_of_birth: date
    nhs_number: str
    #: Optional child fields (postcode, address, languages, GP…), as children.create_child takes.
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReferralDetails:
    """What the referral letter or form says."""

    received_on: date
    source: ReferralSource | str
    reason: str
    child: NewChild
    priority: ReferralPriority | str = ReferralPriority.ROUTINE
    referrer_name: str = ""
    referrer_address: str = ""
    #: The parents' or carers' agreement to the referral: True recorded, False refused,
    #: None not asked (a referral imported from another system).
    family_consent: bool | None = None


@dataclass(frozen=True)
class CheckedReferral:
    """A referral's details once every rule has passed, ready to be written."""

    received_on: date
    source: ReferralSource
    priority: ReferralPriority
    reason: str
    referrer_name: str
    referrer_address: str
    family_consent: bool | None
    nhs_number: str


@dataclass(frozen=True)
class ReceivedReferral:
    referral_id: str
    child_id: str
    #: False when the NHS number matched a child the team already knows.
    child_created: bool


def _choice(kind: type[Any], value: object, what: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value.replace("_", " ") for member in kind)
        raise ValidationError(f"The {what} must be one of: {choices}") from None


def check_referral(details: ReferralDetails, *, today: date) -> CheckedReferral:
    """Every rule of a new referral that needs no database, in the order of the form.

    The referral form checks with it before saving, so the therapist sees the first problem
    (a wrong NHS number, no consent) with the form still open; receive_referral checks again.
    """
    child = children.check_child(
        {
            "given_name": details.child.given_name,
            "family_name": details.child.family_name,
            "date_of_birth": details.child.date_of_birth,
            "nhs_number": str(details.child.nhs_number or ""),
            **details.child.details,
        },
        today=today,
    )
    received_on = check_date(details.received_on, what="the date the referral was received")
    if received_on > today:
        raise ValidationError("The referral cannot be received in the future")
    source = _choice(ReferralSource, details.source, "referral source")
    priority = _choice(ReferralPriority, details.priority, "priority")
    reason = required_text(details.reason, what="the reason for referral")
    referrer = optional_text(details.referrer_name, what="the referrer's name", max_length=200)
    address = optional_text(details.referrer_address, what="the referrer's address")
    consent = details.family_consent
    if consent is not None and not isinstance(consent, bool):
        raise ValidationError("The family's consent must be yes or no")
    if consent is False:
        raise ValidationError(
            "The parents or carers have not agreed to the referral, so it cannot be recorded. "
            "Ask the referrer to talk to the family first"
        )
    return CheckedReferral(
        received_on=received_on,
        source=source,
        priority=priority,
        reason=reason,
        referrer_name=referrer,
        referrer_address=address,
        family_consent=consent,
        nhs_number=child["nhs_number"],
    )


def receive_referral(
    session: Session,
    *,
    team_id: str,
    details: ReferralDetails,
    actor_id: str | None = None,
    today: date | None = None,
) -> ReceivedReferral:
    """Record a referral; the child is found by NHS number in the team or added.

    Everything is checked before anything is written, so a bad referral leaves nothing behind.
    """
    get_live(session, Team, team_id, what="team")
    today = today or date.today()
    checked = check_referral(details, today=today)
    nhs_number = checked.nhs_number
    existing = session.scalars(
        select(Child).where(
            Child.team_id == team_id, Child.nhs_number == nhs_number, Child.deleted.is_(False)
        )
    ).first()
    if existing is not None:
        child_id, created = existing.id, False
    else:
        child_id = children.create_child(
            session,
            team_id=team_id,
            given_name=details.child.given_name,
            family_name=details.child.family_name,
            date_of_birth=details.child.date_of_birth,
            nhs_number=nhs_number,
            actor_id=actor_id,
            today=today,
            **details.child.details,
        )
        created = True
    open_referral = session.scalars(
        select(Referral).where(
            Referral.child_id == child_id,
            Referral.deleted.is_(False),
            Referral.status == ReferralStatus.RECEIVED,
        )
    ).first()
    if open_referral is not None:
        raise RuleRefused(
            f"A referral received on {open_referral.received_on:%d %B %Y} is still waiting "
            "for a decision for this child: accept or decline it first"
        )
    referral = Referral(
        id=new_id(),
        child_id=child_id,
        received_on=checked.received_on,
        source=checked.source,
        referrer_name=checked.referrer_name,
        referrer_address=checked.referrer_address,
        reason=checked.reason,
        priority=checked.priority,
        family_consent=checked.family_consent,
    )
    session.add(referral)
    record_change(session, actor_id=actor_id, record=referral, created=True)
    return ReceivedReferral(referral.id, child_id, created)


def _undecided(session: Session, referral_id: str) -> Referral:
    referral = get_live(session, Referral, referral_id, what="referral")
    if referral.status is not ReferralStatus.RECEIVED:
        raise RuleRefused(f"This referral has already been {referral.status.value}")
    return referral


def _decision_date(referral: Referral, on: object) -> date:
    day = check_date(on, what="the date of the decision")
    if day < referral.received_on:
        raise ValidationError("A referral cannot be decided before it was received")
    return day


def accept_referral(
    session: Session, *, referral_id: str, accepted_on: date, actor_id: str | None = None
) -> str:
    """Accept: an episode of care opens and the child joins the waiting list. Returns its id.

    The episode is dated from the referral's receipt: the 18-week clock starts there.
    """
    referral = _undecided(session, referral_id)
    day = _decision_date(referral, accepted_on)
    episode_id = episodes.open_referral(
        session,
        child_id=referral.child_id,
        referred_on=referral.received_on,
        referral_reason=referral.reason,
        actor_id=actor_id,
    )
    episodes.accept_referral(session, episode_id=episode_id, accepted_on=day, actor_id=actor_id)
    referral.status = ReferralStatus.ACCEPTED
    referral.decided_on = day
    referral.decided_by_id = actor_id
    referral.episode_id = episode_id
    record_change(session, actor_id=actor_id, record=referral, detail="referral accepted")
    return episode_id


def decline_referral(
    session: Session,
    *,
    referral_id: str,
    declined_on: date,
    reason: str,
    actor_id: str | None = None,
) -> None:
    """Decline with a reason; the letter to the referrer and the family is printed from it."""
    referral = _undecided(session, referral_id)
    day = _decision_date(referral, declined_on)
    why = required_text(reason, what="the reason the referral is declined")
    referral.status = ReferralStatus.DECLINED
    referral.decided_on = day
    referral.decided_by_id = actor_id
    referral.decline_reason = why
    record_change(session, actor_id=actor_id, record=referral, detail="referral declined")


def referral_for_episode(session: Session, *, episode_id: str) -> Referral | None:
    """The accepted referral that opened this episode, if it came through a referral."""
    query = select(Referral).where(Referral.episode_id == episode_id, Referral.deleted.is_(False))
    return session.scalars(query).first()


@dataclass(frozen=True)
class ReferralToDecide:
    """A referral received and not yet accepted or declined, as the triage list shows it."""

    referral_id: str
    child_id: str
    child_name: str
    nhs_number: str
    received_on: date
    source: ReferralSource
    referrer_name: str
    priority: ReferralPriority
    reason: str


def referrals_to_decide(session: Session, *, team_id: str | None = None) -> list[ReferralToDecide]:
    """Referrals waiting for a decision, oldest first."""
    query = (
        select(Referral, Child)
        .join(Child, Child.id == Referral.child_id)
        .where(
            Referral.deleted.is_(False),
            Child.deleted.is_(False),
            Referral.status == ReferralStatus.RECEIVED,
        )
        .order_by(Referral.received_on, Referral.id)
    )
    if team_id is not None:
        query = query.where(Child.team_id == team_id)
    return [
        ReferralToDecide(
            referral_id=referral.id,
            child_id=child.id,
            child_name=child.display_name,
            nhs_number=child.nhs_number,
            received_on=referral.received_on,
            source=referral.source,
            referrer_name=referral.referrer_name,
            priority=referral.priority,
            reason=referral.reason,
        )
        for referral, child in session.execute(query).all()
    ]


#: How an episode closed because its referral ended up declined is summed up.
DECLINED_SUMMARY = (
    "Closed without treatment: the referral was declined. Two laptops decided it differently "
    "and the team's decision was to decline."
)


def close_declined_episodes(
    session: Session,
    *,
    referral_id: str,
    episode_ids: tuple[str, ...] = (),
    actor_id: str | None = None,
    today: date | None = None,
) -> list[str]:
    """After a referral's decision is settled as declined, close what an accept opened.

    ``episode_ids`` are episodes an accept on another laptop (or this one) may have opened,
    beyond the one the referral names. Each still open is discharged (reason other, booked
    appointments cancelled); nothing in it is deleted: its notes stay, counted in the summary,
    and the child's record shows a prompt. Returns the ids of the episodes closed.
    """
    referral = session.get(Referral, referral_id)
    if referral is None or referral.deleted or referral.status is not ReferralStatus.DECLINED:
        return []
    closed: list[str] = []
    named = {referral.episode_id} if referral.episode_id else set()
    for episode_id in sorted(named | set(episode_ids)):
        episode = session.get(Episode, episode_id)
        if (
            episode is None
            or episode.deleted
            or episode.child_id != referral.child_id
            or episode.status is EpisodeStatus.DISCHARGED
        ):
            continue
        written = session.scalars(
            select(func.count(SessionNote.id)).where(
                SessionNote.episode_id == episode_id, SessionNote.deleted.is_(False)
            )
        ).one()
        summary = DECLINED_SUMMARY
        if written:
            summary += (
                f" {written} session note{'s' if written != 1 else ''} written in this episode "
                "are kept in the child's record."
            )
        on = max(referral.decided_on or today or date.today(), episode.referred_on)
        episodes.discharge_episode(
            session,
            episode_id=episode_id,
            reason=DischargeReason.OTHER,
            summary=summary,
            actor_id=actor_id,
            discharged_on=on,
        )
        closed.append(episode_id)
    if referral.episode_id is None and closed:
        # The referral keeps the link to what its accept opened: where those notes came from.
        referral.episode_id = closed[0]
        record_change(session, actor_id=actor_id, record=referral, detail="episode closed")
    return closed
