"""Participation goals in the family's words, rated with GAS over time, scored per child."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Child, Episode, GasRating, Goal, new_id
from otvisit.models.base import agreed_order
from otvisit.models.vocabulary import GoalSetting, GoalStatus
from otvisit.services.audit import record_change
from otvisit.services.errors import ValidationError
from otvisit.services.gas import check_level, check_weight, gas_t_score
from otvisit.services.records import check_date, get_live, optional_text, required_text

_LEVEL_FIELDS = {-2: "gas_minus2", -1: "gas_minus1", 0: "gas_zero", 1: "gas_plus1", 2: "gas_plus2"}
_LEVEL_WORDS = {-2: "-2", -1: "-1", 0: "0 (the expected outcome)", 1: "+1", 2: "+2"}
EDITABLE_FIELDS = frozenset(
    {"wording", "family_wording", "area", "setting", "status", "levels", "baseline", "weight"}
)
_SETTING_WORDS = "home, nursery, school or all settings"


@dataclass(frozen=True)
class GoalAttainment:
    """One goal's place in a GAS score: its baseline, the level used and whether it was rated."""

    goal_id: str
    wording: str
    baseline: int
    level: int
    weight: float
    rated_on: date | None


@dataclass(frozen=True)
class ChildGasScore:
    """A child's T-score now and at baseline, with the goals it came from.

    A goal not rated yet counts at its baseline: it has not moved, and leaving it
    out would make the score look better than the child's progress is.
    """

    t_score: float
    baseline_t_score: float
    goals: tuple[GoalAttainment, ...]

    @property
    def rated_goals(self) -> int:
        return sum(1 for goal in self.goals if goal.rated_on is not None)


def _levels(levels: Mapping[int, str]) -> dict[str, str]:
    if set(levels) != set(_LEVEL_FIELDS):
        raise ValidationError("Describe all five GAS levels, from -2 to +2")
    return {
        _LEVEL_FIELDS[level]: required_text(
            levels[level], what=f"a description for GAS level {_LEVEL_WORDS[level]}"
        )
        for level in sorted(levels)
    }


def check_setting(value: object) -> GoalSetting:
    """Home, nursery, school or all, or ValidationError."""
    try:
        if isinstance(value, str):
            return GoalSetting(value)
    except ValueError:
        pass
    raise ValidationError(f"A goal is worked on at {_SETTING_WORDS}")


def family_wording_values(wording: object, language: object) -> dict[str, str]:
    """The goal in the family's written language and that language's code ("" and "" for none).

    The wording is clinical text as the English is: the interpreter's words, kept as typed.
    """
    text = optional_text(wording, what="the goal in the family's language")
    if not text:
        return {"family_wording": "", "family_language": ""}
    code = optional_text(language, what="the family's language", max_length=16).lower()
    if not code or code == "en" or not all(c.isalpha() or c in " -_" for c in code):
        raise ValidationError(
            "Say which language the family's wording is in (the family's written language "
            "on the child's record)"
        )
    return {"family_wording": text, "family_language": code}


def create_goal(
    session: Session,
    *,
    child_id: str,
    wording: str,
    levels: Mapping[int, str],
    set_on: date,
    baseline: int = -1,
    weight: float = 1.0,
    area: str = "",
    setting: GoalSetting | str = GoalSetting.ALL,
    family_wording: str = "",
    family_language: str = "",
    episode_id: str | None = None,
    actor_id: str | None = None,
) -> str:
    """A goal as the child and family said it, with its five GAS levels; returns its id."""
    get_live(session, Child, child_id, what="child")
    values = {
        "wording": required_text(wording, what="the goal, in the family's words"),
        **_levels(levels),
        "gas_baseline": check_level(baseline, what="The baseline level"),
        "gas_weight": check_weight(weight),
        "area": optional_text(area, what="the area", max_length=80),
        "set_on": check_date(set_on, what="the date the goal was set"),
        "setting": check_setting(setting),
        **family_wording_values(family_wording, family_language),
    }
    if episode_id is not None:
        episode = get_live(session, Episode, episode_id, what="episode of care")
        if episode.child_id != child_id:
            raise ValidationError("That episode of care belongs to another child")
    goal = Goal(id=new_id(), child_id=child_id, episode_id=episode_id, **values)
    session.add(goal)
    record_change(session, actor_id=actor_id, record=goal, created=True)
    return goal.id


def update_goal(
    session: Session, *, goal_id: str, changes: Mapping[str, Any], actor_id: str | None = None
) -> list[str]:
    """Change wording, levels, baseline, weight, area, setting or status; returns fields changed.

    ``family_wording`` comes with ``family_language`` (the language it is written in).
    """
    goal = get_live(session, Goal, goal_id, what="goal")
    unknown = sorted(set(changes) - EDITABLE_FIELDS - {"family_language"})
    if unknown:
        raise ValidationError(f"The detail {unknown[0]!r} cannot be changed on a goal")
    values: dict[str, Any] = {}
    if "wording" in changes:
        values["wording"] = required_text(
            changes["wording"], what="the goal, in the family's words"
        )
    if "family_wording" in changes:
        values.update(
            family_wording_values(changes["family_wording"], changes.get("family_language", ""))
        )
    if "setting" in changes:
        values["setting"] = check_setting(changes["setting"])
    if "levels" in changes:
        values.update(_levels(changes["levels"]))
    if "baseline" in changes:
        values["gas_baseline"] = check_level(changes["baseline"], what="The baseline level")
    if "weight" in changes:
        values["gas_weight"] = check_weight(changes["weight"])
    if "area" in changes:
        values["area"] = optional_text(changes["area"], what="the area", max_length=80)
    if "status" in changes:
        try:
            values["status"] = GoalStatus(changes["status"])
        except ValueError:
            raise ValidationError("A goal is active, achieved or stopped") from None
    changed = sorted(name for name, value in values.items() if getattr(goal, name) != value)
    for name in changed:
        setattr(goal, name, values[name])
    if changed:
        record_change(session, actor_id=actor_id, record=goal, detail=", ".join(changed))
    return changed


def rate_goal(
    session: Session,
    *,
    goal_id: str,
    level: int,
    rated_on: date,
    comment: str = "",
    actor_id: str | None = None,
    today: date | None = None,
) -> str:
    """Record the GAS level reached on a date; ratings accumulate. Returns the rating's id."""
    goal = get_live(session, Goal, goal_id, what="goal")
    check_level(level)
    check_date(rated_on, what="the rating date")
    if rated_on > (today or date.today()):
        raise ValidationError("A goal cannot be rated on a future date")
    if rated_on < goal.set_on:
        raise ValidationError("A goal cannot be rated before the date it was set")
    rating = GasRating(
        id=new_id(),
        child_id=goal.child_id,
        goal_id=goal.id,
        rated_on=rated_on,
        level=level,
        comment=optional_text(comment, what="the comment"),
    )
    session.add(rating)
    record_change(session, actor_id=actor_id, record=rating, created=True)
    return rating.id


def _latest_ratings(session: Session, goal_ids: list[str]) -> dict[str, GasRating]:
    query = (
        select(GasRating)
        .where(GasRating.goal_id.in_(goal_ids), GasRating.deleted.is_(False))
        .order_by(GasRating.rated_on, *agreed_order(GasRating))
    )
    # Later rows overwrite earlier ones: the last rating per goal wins.
    return {rating.goal_id: rating for rating in session.scalars(query)}


def _attainment(goal: Goal, latest: GasRating | None) -> GoalAttainment:
    return GoalAttainment(
        goal_id=goal.id,
        wording=goal.wording,
        baseline=goal.gas_baseline,
        level=latest.level if latest is not None else goal.gas_baseline,
        weight=goal.gas_weight,
        rated_on=latest.rated_on if latest is not None else None,
    )


def _score(goals: tuple[GoalAttainment, ...]) -> ChildGasScore:
    return ChildGasScore(
        t_score=gas_t_score([(g.level, g.weight) for g in goals]),
        baseline_t_score=gas_t_score([(g.baseline, g.weight) for g in goals]),
        goals=goals,
    )


def goal_gas_score(session: Session, *, goal_id: str) -> ChildGasScore:
    """The T-score of one goal (its latest rating, else its baseline)."""
    goal = get_live(session, Goal, goal_id, what="goal")
    latest = _latest_ratings(session, [goal.id]).get(goal.id)
    return _score((_attainment(goal, latest),))


def child_gas_score(
    session: Session, *, child_id: str, episode_id: str | None = None
) -> ChildGasScore:
    """The T-score over the child's goals (stopped goals left out), latest rating per goal."""
    get_live(session, Child, child_id, what="child")
    query = select(Goal).where(
        Goal.child_id == child_id, Goal.deleted.is_(False), Goal.status != GoalStatus.STOPPED
    )
    if episode_id is not None:
        query = query.where(Goal.episode_id == episode_id)
    goals = session.scalars(query.order_by(Goal.set_on, Goal.created_at)).all()
    if not goals:
        raise ValidationError("This child has no goals to score yet")
    latest = _latest_ratings(session, [goal.id for goal in goals])
    return _score(tuple(_attainment(goal, latest.get(goal.id)) for goal in goals))


def delete_goal(session: Session, *, goal_id: str, actor_id: str | None = None) -> None:
    """Tombstone a goal set in error (its ratings stay, unreachable from the child's score)."""
    goal = get_live(session, Goal, goal_id, what="goal")
    goal.deleted = True
    record_change(session, actor_id=actor_id, record=goal, deleted=True)
