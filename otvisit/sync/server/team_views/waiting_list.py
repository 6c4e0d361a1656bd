"""The team's waiting list from synced referrals, with the laptop's bands and 18-week clock.

The same rules as ``otvisit.services.waiting_list`` (which the laptop shows): an accepted
referral whose episode is still "accepted" and whose child has had no attended appointment
in it waits; weeks are counted from the referral's receipt.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models.vocabulary import ReferralPriority
from otvisit.services.waiting_list import (
    BAND_LABELS,
    CLOCK_WEEKS,
    PRIORITY_ORDER,
    Clock,
    band_for_days,
)
from otvisit.sync.server.team_views.facts import AppointmentFact, EpisodeFact, ReferralFact
from otvisit.sync.server.team_views.models import (
    BandCount,
    ReferralToDecideRow,
    WaitingChildRow,
    WaitingList,
)
from otvisit.sync.server.team_views.team import read, team_children

#: NHS England's community health services waiting-list return (CHS SitRep): the columns
#: of one provider's service line (docs/console-figures.md says why these).
RETURN_SERVICE_LINE = "Children and young people: occupational therapy"


@dataclass
class _Visits:
    first_attended: datetime | None = None
    first_booked: datetime | None = None


def _visits(session: Session, team_id: str, episodes: set[str]) -> dict[str, _Visits]:
    """The first attended and first booked appointment of each episode (grouped in SQL)."""
    a = AppointmentFact
    found: dict[str, _Visits] = {}
    rows = read(
        session,
        select(a.episode_id, a.status, func.min(a.starts_at))
        .where(a.team_id == team_id, a.status.in_(("attended", "booked")),
               a.episode_id.is_not(None))
        .group_by(a.episode_id, a.status),
    )  # fmt: skip
    for episode, status, first in rows:
        if episode not in episodes or first is None:
            continue
        first = _aware(first)
        v = found.setdefault(episode, _Visits())
        if status == "attended":
            v.first_attended = first
        else:
            v.first_booked = first
    return found


def _aware(moment: datetime) -> datetime:
    """min() of a UTC column comes back without its zone on SQLite."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _priority_rank(priority: str) -> int:
    try:
        return PRIORITY_ORDER[ReferralPriority(priority)]
    except ValueError:
        return len(PRIORITY_ORDER)


def team_waiting_list(session: Session, *, team_id: str, today: date) -> WaitingList:
    """Urgent first, then the longest wait; every band counted, zero included."""
    r, e = ReferralFact, EpisodeFact
    referrals = read(
        session,
        select(r.id, r.child_id, r.received_on, r.priority, r.episode_id).where(
            r.team_id == team_id, r.status == "accepted", r.episode_id.is_not(None)
        ),
    )
    waiting_episodes = set(
        row[0]
        for row in read(session, select(e.id).where(e.team_id == team_id, e.status == "accepted"))
    )
    children = team_children(session, team_id=team_id)
    visits = _visits(session, team_id, waiting_episodes)
    rows: list[WaitingChildRow] = []
    for referral_id, child_id, received_on, priority, episode in referrals:
        child = children.get(child_id)
        if child is None or episode not in waiting_episodes or received_on is None:
            continue
        seen = visits.get(episode, _Visits())
        if seen.first_attended is not None:
            continue  # the clock stopped: the child has been seen
        days = max(0, (today - received_on).days)
        clock = Clock(received_on, None, days, band_for_days(days))
        rows.append(
            WaitingChildRow(
                referral_id=referral_id, child_id=child_id, name=child.name,
                nhs_number=child.nhs_number, received_on=received_on, priority=priority,
                days_waited=clock.days, weeks_waited=clock.weeks, band=clock.band,
                breached=clock.breached, next_appointment=seen.first_booked,
                interpreter_language=(
                    child.interpreter_language if child.interpreter_needed else None
                ),
            )
        )  # fmt: skip
    rows.sort(key=lambda w: (_priority_rank(w.priority), -w.days_waited, w.nhs_number))
    counts = dict.fromkeys(BAND_LABELS, 0)
    for row in rows:
        counts[row.band] += 1
    return WaitingList(
        today=today,
        clock_weeks=CLOCK_WEEKS,
        children=rows,
        bands=[BandCount(band=label, children=n) for label, n in counts.items()],
        breaches=sum(row.breached for row in rows),
    )


def referrals_to_decide(session: Session, *, team_id: str) -> list[ReferralToDecideRow]:
    """Referrals received and waiting for a decision, oldest first (as the laptop lists them)."""
    r = ReferralFact
    received = read(
        session,
        select(r.id, r.child_id, r.received_on, r.priority).where(
            r.team_id == team_id, r.status == "received"
        ),
    )
    children = team_children(session, team_id=team_id)
    found = [
        ReferralToDecideRow(
            referral_id=referral_id, child_id=child_id, name=children[child_id].name,
            nhs_number=children[child_id].nhs_number, received_on=received_on, priority=priority,
        )
        for referral_id, child_id, received_on, priority in received
        if child_id in children
    ]  # fmt: skip
    return sorted(found, key=lambda row: (row.received_on or date.max, row.referral_id))


def _weeks_heading(label: str) -> str:
    if label.endswith("+"):
        return f"Waiting over {label[:-1]} weeks"
    low, high = label.split("–")
    return f"Waiting {low}-{high} weeks"


RETURN_COLUMNS = (
    "Period end", "Organisation", "Service line", "Total waiting",
    *(_weeks_heading(label) for label in BAND_LABELS),
    "Waiting over 18 weeks",
)  # fmt: skip


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def waiting_list_return(listing: WaitingList, *, team_name: str) -> str:
    """The list as one line of the CHS SitRep return: the total and the count in each band."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RETURN_COLUMNS)
    writer.writerow(
        [listing.today.isoformat(), _cell(team_name), RETURN_SERVICE_LINE, len(listing.children),
         *(band.children for band in listing.bands), listing.breaches]
    )  # fmt: skip
    return out.getvalue()
