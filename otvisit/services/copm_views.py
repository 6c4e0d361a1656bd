"""Read view of the goals section's COPM: each problem the family named, rated then and now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import CopmProblem


@dataclass(frozen=True, slots=True)
class CopmProblemView:
    problem_id: str
    occupation: str
    importance: int | None
    baseline_on: date
    baseline_performance: int
    baseline_satisfaction: int
    reassessed_on: date | None
    reassessed_performance: int | None
    reassessed_satisfaction: int | None


def child_copm_problems(session: Session, *, child_id: str) -> list[CopmProblemView]:
    """The child's COPM problems in the order they were named."""
    rows = session.scalars(
        select(CopmProblem)
        .where(CopmProblem.child_id == child_id, CopmProblem.deleted.is_(False))
        .order_by(CopmProblem.baseline_on, CopmProblem.created_at)
    )
    return [
        CopmProblemView(
            p.id,
            p.occupation,
            p.importance,
            p.baseline_on,
            p.baseline_performance,
            p.baseline_satisfaction,
            p.reassessed_on,
            p.reassessed_performance,
            p.reassessed_satisfaction,
        )
        for p in rows
    ]
