"""The waiting list: accepted children not yet seen, on the 18-week clock from receipt.

No Qt and no device state: the team's server computes the same list from the same models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Appointment, Child, Episode, Referral
from otvisit.models.base import SERVICE_TIMEZONE
from otvisit.models.vocabulary import (
    AppointmentStatus,
    EpisodeStatus,
    ReferralPriority,
    ReferralStatus,
)
from otvisit.services.errors import ValidationError
from otvisit.services.records import check_date, get_live

#: The referral-to-treatment standard: seen within 18 weeks of the referral's receipt.
CLOCK_WEEKS = 18

#: NHS England's community waiting-list bands, as (label, last day in the band).
#: Each band includes its upper edge: a wait of exactly 18 weeks (126 days) is "12–18",
#: one more day is "18–52". Day 0 (received today) is "0–1".
BANDS: tuple[tuple[str, int | None], ...] = (
    ("0–1", 7),
    ("1–2", 14),
    ("2–4", 28),
    ("4–12", 84),
    ("12–18", 126),
    ("18–52", 364),
    ("52+", None),
)
BAND_LABELS = tuple(label for label, _ in BANDS)

PRIORITY_ORDER = {
    ReferralPriority.URGENT: 0,
    ReferralPriority.SOON: 1,
    ReferralPriority.ROUTINE: 2,
}


def band_for_days(days: int) -> str:
    """The waiting-list band of a wait of ``days`` whole days."""
    if days < 0:
        raise ValidationError("A wait cannot be negative")
    for label, last_day in BANDS:
        if last_day is None or days <= last_day:
            return label
    raise AssertionError("the last band is open-ended")  # pragma: no cover


@dataclass(frozen=True)
class Clock:
    """One referral's 18-week clock: started on receipt, stopped at the first attended visit."""

    started_on: date
    stopped_on: date | None
    days: int
    band: str

    @property
    def weeks(self) -> int:
        """Whole weeks waited."""
        return self.days // 7

    @property
    def breached(self) -> bool:
        return self.days > CLOCK_WEEKS * 7


@dataclass(frozen=True)
class WaitingChild:
    """One row of the waiting list."""

    referral_id: str
    episode_id: str
    child_id: str
    child_name: str
    nhs_number: str
    received_on: date
    priority: ReferralPriority
    days_waited: int
    band: str
    #: The booked initial appointment, if there is one.
    next_appointment: datetime | None
    #: Times the family asked to move an appointment while waiting (the clock keeps running).
    family_reschedules: int
    interpreter_language: str | None

    @property
    def weeks_waited(self) -> int:
        return self.days_waited // 7


def _service_day(moment: datetime) -> date:
    return moment.astimezone(SERVICE_TIMEZONE).date()


def _make_clock(received_on: date, first_seen: datetime | None, today: date) -> Clock:
    stopped_on = _service_day(first_seen) if first_seen is not None else None
    end = stopped_on if stopped_on is not None else today
    days = max(0, (end - received_on).days)
    return Clock(received_on, stopped_on, days, band_for_days(days))


@dataclass
class _Visits:
    """What the waiting list needs from one episode's appointments."""

    first_attended: datetime | None = None
    first_booked: datetime | None = None
    family_moves: int = 0


def _episode_visits(session: Session, episode_ids: list[str]) -> dict[str, _Visits]:
    """One pass over the episodes' appointments (through the episode index, not the status one)."""
    found: dict[str, _Visits] = {}
    if not episode_ids:
        return found
    columns = (
        Appointment.episode_id,
        Appointment.status,
        Appointment.starts_at,
        Appointment.reschedule_count,
    )
    query = select(*columns).where(
        Appointment.episode_id.in_(episode_ids), Appointment.deleted.is_(False)
    )
    for episode_id, status, starts_at, count in session.execute(query):
        if episode_id is None:
            continue
        visits = found.setdefault(episode_id, _Visits())
        visits.family_moves += int(count or 0)
        if status is AppointmentStatus.ATTENDED and (
            visits.first_attended is None or starts_at < visits.first_attended
        ):
            visits.first_attended = starts_at
        if status is AppointmentStatus.BOOKED and (
            visits.first_booked is None or starts_at < visits.first_booked
        ):
            visits.first_booked = starts_at
    return found


def referral_clock(session: Session, *, referral_id: str, today: date) -> Clock:
    """The clock of one accepted referral (running, or stopped at the first attended visit)."""
    referral = get_live(session, Referral, referral_id, what="referral")
    check_date(today, what="today")
    if referral.status is not ReferralStatus.ACCEPTED or referral.episode_id is None:
        raise ValidationError("Only an accepted referral has a waiting-time clock")
    visits = _episode_visits(session, [referral.episode_id]).get(referral.episode_id)
    return _make_clock(referral.received_on, visits.first_attended if visits else None, today)


def waiting_list(
    session: Session,
    *,
    today: date,
    team_id: str | None = None,
    therapist_id: str | None = None,
) -> list[WaitingChild]:
    """Accepted children still waiting for their first appointment to take place.

    Ordered by priority (urgent first), then the longest wait first.
    """
    check_date(today, what="today")
    query = (
        select(Referral, Child)
        .join(Child, Child.id == Referral.child_id)
        .join(Episode, Episode.id == Referral.episode_id)
        .where(
            Referral.deleted.is_(False),
            Referral.status == ReferralStatus.ACCEPTED,
            Child.deleted.is_(False),
            Episode.deleted.is_(False),
            Episode.status == EpisodeStatus.ACCEPTED,
        )
    )
    if team_id is not None:
        query = query.where(Child.team_id == team_id)
    if therapist_id is not None:
        query = query.where(Child.therapist_id == therapist_id)
    rows = session.execute(query).all()
    episode_ids = [referral.episode_id for referral, _ in rows if referral.episode_id]
    visits = _episode_visits(session, episode_ids)
    waiting: list[WaitingChild] = []
    for referral, child in rows:
        episode_id = referral.episode_id or ""
        seen = visits.get(episode_id, _Visits())
        if seen.first_attended is not None:
            continue  # the clock stopped: the child has been seen
        clock = _make_clock(referral.received_on, None, today)
        waiting.append(
            WaitingChild(
                referral_id=referral.id,
                episode_id=episode_id,
                child_id=child.id,
                child_name=child.display_name,
                nhs_number=child.nhs_number,
                received_on=referral.received_on,
                priority=referral.priority,
                days_waited=clock.days,
                band=clock.band,
                next_appointment=seen.first_booked,
                family_reschedules=seen.family_moves,
                interpreter_language=(
                    child.interpreter_language if child.interpreter_needed else None
                ),
            )
        )
    waiting.sort(key=lambda row: (PRIORITY_ORDER[row.priority], -row.days_waited, row.nhs_number))
    return waiting


def band_counts(rows: list[WaitingChild]) -> dict[str, int]:
    """How many children wait in each band (every band present, zero included)."""
    counts = dict.fromkeys(BAND_LABELS, 0)
    for row in rows:
        counts[row.band] += 1
    return counts
