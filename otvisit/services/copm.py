"""COPM arithmetic: performance and satisfaction 1–10, averages, and clinically important change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, CopmProblem, Goal, new_id
from otvisit.services.audit import record_change
from otvisit.services.errors import RuleRefused, ValidationError
from otvisit.services.records import check_date, get_live, required_text

#: A change of two points or more is clinically important (Law et al.).
CLINICALLY_IMPORTANT_CHANGE = 2


def check_rating(value: object, *, what: str) -> int:
    """A COPM rating, a whole number 1 … 10, or ValidationError naming what was rated."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValidationError(f"{what} must be a whole number from 1 to 10 (not {value!r})")
    return value


def check_importance(value: object) -> int | None:
    """The importance rating 1 … 10, or None when the family did not rate it."""
    if value is None:
        return None
    return check_rating(value, what="Importance")


@dataclass(frozen=True)
class CopmScores:
    """One problem's ratings at baseline and (if done) re-assessment."""

    occupation: str
    baseline_performance: int
    baseline_satisfaction: int
    reassessed_performance: int | None = None
    reassessed_satisfaction: int | None = None


@dataclass(frozen=True)
class CopmChange:
    """The change of one problem, or of the mean over problems."""

    occupation: str
    performance_change: float | None
    satisfaction_change: float | None

    @property
    def performance_important(self) -> bool:
        return _important(self.performance_change)

    @property
    def satisfaction_important(self) -> bool:
        return _important(self.satisfaction_change)

    @property
    def clinically_important(self) -> bool:
        """Either score improved by two points or more."""
        return self.performance_important or self.satisfaction_important

    @property
    def important_decline(self) -> bool:
        """Either score fell by two points or more: worth a conversation with the family."""
        return any(
            change is not None and change <= -CLINICALLY_IMPORTANT_CHANGE
            for change in (self.performance_change, self.satisfaction_change)
        )


@dataclass(frozen=True)
class CopmSummary:
    """Mean scores at baseline and re-assessment, per-problem change and mean change."""

    baseline_performance: float
    baseline_satisfaction: float
    reassessed_performance: float | None
    reassessed_satisfaction: float | None
    changes: tuple[CopmChange, ...]
    mean_change: CopmChange


def _important(change: float | None) -> bool:
    return change is not None and change >= CLINICALLY_IMPORTANT_CHANGE


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values)


def _mean_change(pairs: Sequence[tuple[int, int]]) -> float | None:
    """Mean of (after − before) from whole-number sums: 2 stays exactly 2, never 1.9999…"""
    if not pairs:
        return None
    return (sum(after for _, after in pairs) - sum(before for before, _ in pairs)) / len(pairs)


def problem_change(scores: CopmScores) -> CopmChange:
    """Re-assessment minus baseline for one problem (None until it is re-assessed)."""
    for value, what in (
        (scores.baseline_performance, "Performance at baseline"),
        (scores.baseline_satisfaction, "Satisfaction at baseline"),
    ):
        check_rating(value, what=what)
    performance = satisfaction = None
    if scores.reassessed_performance is not None:
        performance = (
            check_rating(scores.reassessed_performance, what="Performance at re-assessment")
            - scores.baseline_performance
        )
    if scores.reassessed_satisfaction is not None:
        satisfaction = (
            check_rating(scores.reassessed_satisfaction, what="Satisfaction at re-assessment")
            - scores.baseline_satisfaction
        )
    return CopmChange(scores.occupation, performance, satisfaction)


def summarise_copm(problems: Sequence[CopmScores]) -> CopmSummary:
    """Averages over the problems; re-assessment means only over the problems re-assessed.

    The mean change compares the same problems at both times (those re-assessed),
    so a problem not yet re-scored does not drag the change down.
    """
    if not problems:
        raise ValidationError("COPM needs at least one occupational performance problem")
    changes = tuple(problem_change(problem) for problem in problems)
    perf_pairs = [
        (p.baseline_performance, p.reassessed_performance)
        for p in problems
        if p.reassessed_performance is not None
    ]
    sat_pairs = [
        (p.baseline_satisfaction, p.reassessed_satisfaction)
        for p in problems
        if p.reassessed_satisfaction is not None
    ]
    re_perf = _mean([after for _, after in perf_pairs]) if perf_pairs else None
    re_sat = _mean([after for _, after in sat_pairs]) if sat_pairs else None
    mean_perf = _mean_change(perf_pairs)
    mean_sat = _mean_change(sat_pairs)
    return CopmSummary(
        baseline_performance=_mean([p.baseline_performance for p in problems]),
        baseline_satisfaction=_mean([p.baseline_satisfaction for p in problems]),
        reassessed_performance=re_perf,
        reassessed_satisfaction=re_sat,
        changes=changes,
        mean_change=CopmChange("All problems", mean_perf, mean_sat),
    )


def add_copm_problem(
    session: Session,
    *,
    child_id: str,
    occupation: str,
    baseline_on: date,
    performance: int,
    satisfaction: int,
    importance: int | None = None,
    goal_id: str | None = None,
    actor_id: str | None = None,
) -> str:
    """A problem the family named, rated at baseline; returns its id."""
    get_live(session, Child, child_id, what="child")
    problem = CopmProblem(
        id=new_id(),
        child_id=child_id,
        goal_id=goal_id,
        occupation=required_text(occupation, what="the occupation the family named"),
        importance=check_importance(importance),
        baseline_on=check_date(baseline_on, what="the baseline date"),
        baseline_performance=check_rating(performance, what="Performance"),
        baseline_satisfaction=check_rating(satisfaction, what="Satisfaction"),
    )
    if goal_id is not None:
        goal = get_live(session, Goal, goal_id, what="goal")
        if goal.child_id != child_id:
            raise ValidationError("That goal belongs to another child")
    session.add(problem)
    record_change(session, actor_id=actor_id, record=problem, created=True)
    return problem.id


def reassess_copm_problem(
    session: Session,
    *,
    problem_id: str,
    reassessed_on: date,
    performance: int,
    satisfaction: int,
    actor_id: str | None = None,
) -> CopmChange:
    """Record the re-assessment ratings; returns the change with its clinical importance."""
    problem = get_live(session, CopmProblem, problem_id, what="COPM problem")
    on = check_date(reassessed_on, what="the re-assessment date")
    if on < problem.baseline_on:
        raise ValidationError("The re-assessment cannot be before the baseline")
    if problem.reassessed_on is not None and on < problem.reassessed_on:
        raise RuleRefused("A later re-assessment is already recorded for this problem")
    change = problem_change(
        CopmScores(
            problem.occupation,
            problem.baseline_performance,
            problem.baseline_satisfaction,
            check_rating(performance, what="Performance"),
            check_rating(satisfaction, what="Satisfaction"),
        )
    )
    problem.reassessed_on = on
    problem.reassessed_performance = performance
    problem.reassessed_satisfaction = satisfaction
    record_change(session, actor_id=actor_id, record=problem, detail="re-assessed")
    return change


def child_copm_summary(session: Session, *, child_id: str) -> CopmSummary:
    """Averages and changes over the child's COPM problems."""
    get_live(session, Child, child_id, what="child")
    rows = session.scalars(
        select(CopmProblem)
        .where(CopmProblem.child_id == child_id, CopmProblem.deleted.is_(False))
        .order_by(CopmProblem.baseline_on, CopmProblem.created_at)
    ).all()
    return summarise_copm(
        [
            CopmScores(
                row.occupation,
                row.baseline_performance,
                row.baseline_satisfaction,
                row.reassessed_performance,
                row.reassessed_satisfaction,
            )
            for row in rows
        ]
    )
