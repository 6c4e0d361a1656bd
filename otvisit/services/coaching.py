"""A coaching programme's outcomes: each family's COPM before and after the series of sessions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, CopmProblem
from otvisit.models.groups import CoachingProgramme, ProgrammeCopm, programme_copm_id
from otvisit.services.audit import record_change
from otvisit.services.copm import CopmScores, CopmSummary, add_copm_problem, summarise_copm
from otvisit.services.errors import ValidationError
from otvisit.services.records import get_live


@dataclass(frozen=True)
class ProgrammeProblem:
    """One family's COPM problem in the programme, as the Groups screen lists it."""

    problem_id: str
    child_id: str
    occupation: str
    before: tuple[int, int]
    after: tuple[int, int] | None


@dataclass(frozen=True)
class FamilyOutcome:
    """One family's COPM in the programme: baseline, re-assessment and change."""

    child_id: str
    child_name: str
    summary: CopmSummary


def add_programme_copm(
    session: Session,
    *,
    programme_id: str,
    child_id: str,
    occupation: str,
    baseline_on: date,
    performance: int,
    satisfaction: int,
    importance: int | None = None,
    actor_id: str | None = None,
) -> str:
    """A problem the family named at the programme's start, rated before it; returns its id.

    The problem is an ordinary COPM problem of the child (re-assessed the usual
    way after the programme), linked to the programme.
    """
    programme = get_live(session, CoachingProgramme, programme_id, what="coaching programme")
    child = get_live(session, Child, child_id, what="child")
    if child.team_id != programme.team_id:
        raise ValidationError(f"{child.display_name} is not on this programme's team")
    problem_id = add_copm_problem(
        session,
        child_id=child_id,
        occupation=occupation,
        baseline_on=baseline_on,
        performance=performance,
        satisfaction=satisfaction,
        importance=importance,
        actor_id=actor_id,
    )
    link = ProgrammeCopm(
        id=programme_copm_id(programme_id, problem_id),
        child_id=child_id,
        programme_id=programme_id,
        copm_problem_id=problem_id,
    )
    session.add(link)
    record_change(session, actor_id=actor_id, record=link, created=True)
    return problem_id


def programme_outcomes(session: Session, *, programme_id: str) -> list[FamilyOutcome]:
    """Each family's COPM before and after the programme, by the child's name."""
    get_live(session, CoachingProgramme, programme_id, what="coaching programme")
    rows = session.execute(
        select(Child, CopmProblem)
        .join(ProgrammeCopm, ProgrammeCopm.child_id == Child.id)
        .join(CopmProblem, CopmProblem.id == ProgrammeCopm.copm_problem_id)
        .where(
            ProgrammeCopm.programme_id == programme_id,
            ProgrammeCopm.deleted.is_(False),
            CopmProblem.deleted.is_(False),
            Child.deleted.is_(False),
        )
        .order_by(Child.family_name, Child.given_name, CopmProblem.baseline_on, CopmProblem.id)
    ).all()
    by_child: dict[str, list[CopmScores]] = defaultdict(list)
    names: dict[str, str] = {}
    for child, problem in rows:
        names[child.id] = child.display_name
        by_child[child.id].append(
            CopmScores(
                problem.occupation,
                problem.baseline_performance,
                problem.baseline_satisfaction,
                problem.reassessed_performance,
                problem.reassessed_satisfaction,
            )
        )
    return [
        FamilyOutcome(child_id, names[child_id], summarise_copm(problems))
        for child_id, problems in by_child.items()
    ]


def programme_problems(session: Session, *, programme_id: str) -> list[ProgrammeProblem]:
    """Every family's COPM problems in the programme: before, and after once re-assessed."""
    rows = session.scalars(
        select(CopmProblem)
        .join(ProgrammeCopm, ProgrammeCopm.copm_problem_id == CopmProblem.id)
        .where(
            ProgrammeCopm.programme_id == programme_id,
            ProgrammeCopm.deleted.is_(False),
            CopmProblem.deleted.is_(False),
        )
        .order_by(CopmProblem.baseline_on, CopmProblem.id)
    )
    return [
        ProgrammeProblem(
            p.id,
            p.child_id,
            p.occupation,
            (p.baseline_performance, p.baseline_satisfaction),
            None
            if p.reassessed_performance is None or p.reassessed_satisfaction is None
            else (p.reassessed_performance, p.reassessed_satisfaction),
        )
        for p in rows
    ]
