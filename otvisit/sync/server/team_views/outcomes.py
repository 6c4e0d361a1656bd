"""Outcomes over a period: GAS T-scores, COPM change, missed appointments and waits.

Every figure is computed on read from the fact tables (kept up to date on write), with the
laptop's own domain functions: ``gas_t_score``, ``problem_change``, ``band_for_days``.
The same figures are given for the team, by therapist, by setting, by the family's
written language and by interpreter need, each with its counts (n), small groups included.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from otvisit.services.copm import CLINICALLY_IMPORTANT_CHANGE, CopmScores, problem_change
from otvisit.services.errors import ValidationError
from otvisit.services.gas import gas_t_score
from otvisit.services.waiting_list import BAND_LABELS, band_for_days
from otvisit.sync.server.team_views.facts import (
    AppointmentFact,
    CopmFact,
    EpisodeFact,
    GasRatingFact,
    GoalFact,
    ReferralFact,
)
from otvisit.sync.server.team_views.models import (
    AttendanceFigures,
    CopmFigures,
    Count,
    Figures,
    GasFigures,
    GroupFigures,
    Outcomes,
    WaitFigures,
)
from otvisit.sync.server.team_views.team import (
    ChildRow,
    read,
    team_children,
    team_staff,
    therapist_name,
)

#: Appointment outcomes that count: the child came, or did not (cancellations do not count).
ATTENDED = "attended"
DID_NOT_ATTEND = ("did_not_attend",)
#: Not brought to a clinic or virtual appointment, or nobody in at a home visit.
WAS_NOT_BROUGHT = ("was_not_brought", "no_access")
COUNTED = (ATTENDED, *DID_NOT_ATTEND, *WAS_NOT_BROUGHT)

#: T-score bands of the distribution: (label, lowest T in it).
T_BANDS: tuple[tuple[str, float], ...] = (
    ("under 30", float("-inf")),
    ("30 to 39", 30.0),
    ("40 to 49", 40.0),
    ("50 to 59", 50.0),
    ("60 to 69", 60.0),
    ("70 and over", 70.0),
)
SETTING_LABELS = {"nursery": "Nursery", "school": "School", "none": "No nursery or school"}


def t_band(t_score: float) -> str:
    """The distribution band of a T-score (rounded to one decimal first, as shown)."""
    shown = round(t_score, 1)
    label = T_BANDS[0][0]
    for name, low in T_BANDS:
        if shown >= low:
            label = name
    return label


@dataclass
class _Contributions:
    """What each child adds to the figures of any group the child is in."""

    gas_latest: dict[str, float] = field(default_factory=dict)
    gas_discharge: list[tuple[str, float]] = field(default_factory=list)
    #: (child, performance change, satisfaction change or None)
    copm: list[tuple[str, float, float | None]] = field(default_factory=list)
    #: child -> appointments in the period by outcome
    appointments: dict[str, Counter[str]] = field(default_factory=dict)
    waits: list[tuple[str, int]] = field(default_factory=list)


def _t_score(pairs: list[tuple[int, float]]) -> float | None:
    try:
        return gas_t_score(pairs)
    except ValidationError:
        return None  # a level outside -2 … +2 from a broken laptop: not scored


def _gas(session: Session, team_id: str, start: date, end: date, out: _Contributions) -> None:
    """T-scores over each goal's latest rating on or before the day scored.

    The latest rating of each goal is picked in SQL (a window function, on SQLite and
    PostgreSQL alike): only one row per goal scored comes back.
    """
    g, r, e = GoalFact, GasRatingFact, EpisodeFact
    newest_first = (r.rated_on.desc(), r.id.desc())
    last_day = (
        select(g.child_id.label("child_id"), func.max(r.rated_on).label("day"))
        .join(g, g.id == r.goal_id)
        .where(r.team_id == team_id, g.team_id == team_id, r.rated_on <= end)
        .group_by(g.child_id)
        .having(func.max(r.rated_on) >= start)
        .subquery()
    )
    ranked = (
        select(g.child_id, r.level, g.weight,
               func.row_number().over(partition_by=g.id, order_by=newest_first).label("n"))
        .join(g, g.id == r.goal_id)
        .join(last_day, last_day.c.child_id == g.child_id)
        .where(r.team_id == team_id, g.team_id == team_id, r.rated_on <= last_day.c.day)
        .subquery()
    )  # fmt: skip
    latest: dict[str, list[tuple[int, float]]] = {}
    for child, level, weight in read(
        session, select(ranked.c.child_id, ranked.c.level, ranked.c.weight).where(ranked.c.n == 1)
    ):
        latest.setdefault(child, []).append((level, weight))
    for child, pairs in latest.items():
        if (t := _t_score(pairs)) is not None:
            out.gas_latest[child] = t
    episodes = (
        select(e.id, e.child_id, e.discharged_on)
        .where(e.team_id == team_id, e.status == "discharged", e.discharged_on.between(start, end))
        .subquery()
    )
    at_discharge = (
        select(episodes.c.id, episodes.c.child_id, r.level, g.weight,
               func.row_number().over(partition_by=(episodes.c.id, g.id),
                                      order_by=newest_first).label("n"))
        .select_from(episodes)
        .join(g, and_(g.child_id == episodes.c.child_id, g.team_id == team_id,
                      or_(g.episode_id == episodes.c.id, g.episode_id.is_(None))))
        .join(r, and_(r.goal_id == g.id, r.team_id == team_id,
                      r.rated_on <= episodes.c.discharged_on))
        .subquery()
    )  # fmt: skip
    scored: dict[tuple[str, str], list[tuple[int, float]]] = {}
    c = at_discharge.c
    for episode, child, level, weight in read(
        session, select(c.id, c.child_id, c.level, c.weight).where(c.n == 1)
    ):
        scored.setdefault((episode, child), []).append((level, weight))
    for (_episode, child), pairs in sorted(scored.items()):
        if (t := _t_score(pairs)) is not None:
            out.gas_discharge.append((child, t))


def _copm(session: Session, team_id: str, start: date, end: date, out: _Contributions) -> None:
    c = CopmFact
    rows = read(
        session,
        select(c.child_id, c.baseline_performance, c.baseline_satisfaction,
               c.reassessed_performance, c.reassessed_satisfaction)
        .where(c.team_id == team_id, c.reassessed_on.between(start, end))
    )  # fmt: skip
    for child, bp, bs, rp, rs in rows:
        if rp is None:
            continue
        try:
            change = problem_change(CopmScores("", bp, bs, rp, rs))
        except ValidationError:
            continue  # a rating outside 1 … 10: not counted
        assert change.performance_change is not None
        out.copm.append((child, change.performance_change, change.satisfaction_change))


def _visits(session: Session, team_id: str, start: date, end: date, out: _Contributions) -> None:
    a, r, e = AppointmentFact, ReferralFact, EpisodeFact
    counted = read(
        session,
        select(a.child_id, a.status, func.count())
        .where(a.team_id == team_id, a.status.in_(COUNTED), a.service_day.between(start, end))
        .group_by(a.child_id, a.status),
    )
    for child, status, n in counted:
        out.appointments.setdefault(child, Counter())[status] += int(n)
    first_seen = read(
        session,
        select(a.episode_id, a.child_id, func.min(a.service_day))
        .where(a.team_id == team_id, a.status == ATTENDED, a.episode_id.is_not(None))
        .group_by(a.episode_id, a.child_id),
    )
    received = {
        episode: day
        for episode, day in read(
            session,
            select(r.episode_id, r.received_on).where(
                r.team_id == team_id, r.status == "accepted", r.episode_id.is_not(None)
            ),
        )
        if day is not None
    }
    referred = dict(read(session, select(e.id, e.referred_on).where(e.team_id == team_id)))
    for episode, child, seen_on in first_seen:
        began = received.get(episode) or referred.get(episode)
        if began is not None and seen_on is not None and start <= seen_on <= end:
            out.waits.append((child, max(0, (seen_on - began).days)))


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _gas_figures(scores: list[float]) -> GasFigures:
    counts = dict.fromkeys((label for label, _ in T_BANDS), 0)
    for t in scores:
        counts[t_band(t)] += 1
    return GasFigures(
        children=len(scores),
        median=_median(scores),
        distribution=[Count(label=k, n=v) for k, v in counts.items()],
    )


def _figures(found: _Contributions, children: set[str]) -> Figures:
    copm = [(p, s) for child, p, s in found.copm if child in children]
    satisfaction = [s for _, s in copm if s is not None]
    seen: Counter[str] = Counter()
    for child in children & found.appointments.keys():
        seen.update(found.appointments[child])
    counted = sum(seen.values())
    dna = sum(seen[s] for s in DID_NOT_ATTEND)
    wnb = sum(seen[s] for s in WAS_NOT_BROUGHT)
    waits = [days for child, days in found.waits if child in children]
    bands = dict.fromkeys(BAND_LABELS, 0)
    for days in waits:
        bands[band_for_days(days)] += 1
    improved = sum(p >= CLINICALLY_IMPORTANT_CHANGE for p, _ in copm)
    satisfied = sum(s >= CLINICALLY_IMPORTANT_CHANGE for s in satisfaction)
    return Figures(
        children=len(children),
        gas_latest=_gas_figures([t for c, t in found.gas_latest.items() if c in children]),
        gas_discharge=_gas_figures([t for c, t in found.gas_discharge if c in children]),
        copm=CopmFigures(
            problems=len(copm),
            performance_improved=improved,
            performance_share=_share(improved, len(copm)),
            satisfaction_problems=len(satisfaction),
            satisfaction_improved=satisfied,
            satisfaction_share=_share(satisfied, len(satisfaction)),
        ),
        attendance=AttendanceFigures(
            appointments=counted,
            attended=seen[ATTENDED],
            did_not_attend=dna,
            was_not_brought=wnb,
            did_not_attend_rate=_share(dna, counted),
            was_not_brought_rate=_share(wnb, counted),
        ),
        waits=WaitFigures(
            children=len(waits),
            median_days=_median([float(d) for d in waits]),
            distribution=[Count(label=k, n=v) for k, v in bands.items()],
        ),
    )


def _groups(
    found: _Contributions,
    children: dict[str, ChildRow],
    key: Callable[[ChildRow], str],
    label: Callable[[str], str],
) -> list[GroupFigures]:
    members: dict[str, set[str]] = {}
    for child in children.values():
        members.setdefault(key(child), set()).add(child.id)
    return [
        GroupFigures(key=k, label=label(k), figures=_figures(found, ids))
        for k, ids in sorted(members.items(), key=lambda kv: (label(kv[0]), kv[0]))
    ]


def team_outcomes(session: Session, *, team_id: str, start: date, end: date) -> Outcomes:
    """The team's figures over ``start`` … ``end`` (both days included)."""
    if end < start:
        raise ValidationError("The end of the period is before its start")
    children = team_children(session, team_id=team_id)
    staff = team_staff(session, team_id=team_id)
    found = _Contributions()
    _gas(session, team_id, start, end, found)
    _copm(session, team_id, start, end, found)
    _visits(session, team_id, start, end, found)
    return Outcomes(
        team_id=team_id,
        period_from=start,
        period_to=end,
        team=_figures(found, set(children)),
        by_therapist=_groups(
            found,
            children,
            lambda c: c.therapist_id or "",
            lambda k: therapist_name(staff, k or None),
        ),
        by_setting=_groups(
            found, children, lambda c: c.setting_type, lambda k: SETTING_LABELS.get(k, k)
        ),
        by_written_language=_groups(found, children, lambda c: c.written_language, lambda k: k),
        by_interpreter_need=_groups(
            found,
            children,
            lambda c: "yes" if c.interpreter_needed else "no",
            lambda k: "Interpreter needed" if k == "yes" else "No interpreter needed",
        ),
    )
