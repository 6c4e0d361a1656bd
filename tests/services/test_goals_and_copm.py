"""Goals with GAS levels and ratings, a child's T-score, and COPM change."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from otvisit.models.store import Store
from otvisit.services import copm, goals
from otvisit.services.copm import CopmScores, summarise_copm
from otvisit.services.errors import RuleRefused, ValidationError
from tests.factories import LEVELS, TODAY, make_child, make_copm_problem, make_goal, make_rating
from tests.services.conftest import Refusal


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"wording": " "}, "in the family's words"),
        ({"levels": {k: v for k, v in LEVELS.items() if k != 2}}, "all five GAS levels"),
        ({"levels": {**LEVELS, 0: ""}}, "GAS level 0"),
        ({"baseline": 3}, "baseline level must be a whole number from -2"),
        ({"baseline": -1.5}, "baseline level"),
        ({"weight": 0}, "more than 0"),
        ({"weight": -2}, "more than 0"),
    ],
)
def test_bad_goals_write_nothing(
    store: Store, refused: Refusal, overrides: dict[str, object], message: str
) -> None:
    with store.transaction() as session:
        child = make_child(session)
    values: dict[str, object] = {
        "wording": "Sam will eat with a fork",
        "levels": LEVELS,
        "set_on": TODAY,
    }
    refused(
        lambda s: goals.create_goal(s, child_id=child.id, **{**values, **overrides}),  # type: ignore[arg-type]
        ValidationError,
        message,
    )


def test_ratings_accumulate_and_the_latest_counts(session: Session) -> None:
    goal = make_goal(session, baseline=-2)
    assert goals.goal_gas_score(session, goal_id=goal.id).t_score == pytest.approx(30)
    make_rating(session, goal=goal, level=-1, rated_on=TODAY - timedelta(days=20))
    make_rating(session, goal=goal, level=1, rated_on=TODAY - timedelta(days=1))
    make_rating(session, goal=goal, level=0, rated_on=TODAY - timedelta(days=10))
    score = goals.goal_gas_score(session, goal_id=goal.id)
    assert score.t_score == pytest.approx(60)
    assert score.baseline_t_score == pytest.approx(30)


def test_a_childs_score_uses_the_latest_rating_per_goal_and_baseline_when_unrated(
    session: Session,
) -> None:
    child = make_child(session)
    coat = make_goal(session, child=child, baseline=-1)
    fork = make_goal(
        session, child=child, wording="Sam will eat with a fork", baseline=-2, weight=2.0
    )
    make_goal(session, child=child, wording="Sam will write his name", baseline=-1)
    make_rating(session, goal=coat, level=2)
    make_rating(session, goal=fork, level=0)
    score = goals.child_gas_score(session, child_id=child.id)
    # (2, 1), (0, 2), (-1, 1): Σwx = 1, Σw² = 6, Σw = 4 → 50 + 10 / √(4.2 + 4.8)
    assert score.t_score == pytest.approx(50 + 10 / math.sqrt(9.0))
    assert score.rated_goals == 2
    # Baseline (-1, 1), (-2, 2), (-1, 1): Σwx = -6 → 50 - 60 / 3
    assert score.baseline_t_score == pytest.approx(30)


def test_stopped_and_deleted_goals_are_left_out(session: Session) -> None:
    child = make_child(session)
    kept = make_goal(session, child=child)
    stopped = make_goal(session, child=child)
    gone = make_goal(session, child=child)
    make_rating(session, goal=kept, level=1)
    goals.update_goal(session, goal_id=stopped.id, changes={"status": "stopped"})
    goals.delete_goal(session, goal_id=gone.id)
    score = goals.child_gas_score(session, child_id=child.id)
    assert [g.goal_id for g in score.goals] == [kept.id]
    assert score.t_score == pytest.approx(60)


def test_a_child_without_goals_has_no_score(session: Session) -> None:
    with pytest.raises(ValidationError, match="no goals to score"):
        goals.child_gas_score(session, child_id=make_child(session).id)


def test_bad_ratings_write_nothing(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        goal = make_goal(session)
    for level, when, message in [
        (3, TODAY, "from -2 to \\+2"),
        (1, TODAY + timedelta(days=1), "future"),
        (1, goal.set_on - timedelta(days=1), "before the date it was set"),
    ]:
        refused(
            lambda s, level=level, when=when: goals.rate_goal(
                s, goal_id=goal.id, level=level, rated_on=when, today=TODAY
            ),
            ValidationError,
            message,
        )


def test_updating_a_goal_checks_what_changes(session: Session) -> None:
    goal = make_goal(session)
    assert goals.update_goal(session, goal_id=goal.id, changes={"weight": 3, "baseline": -1}) == [
        "gas_weight"
    ]
    with pytest.raises(ValidationError, match="cannot be changed"):
        goals.update_goal(session, goal_id=goal.id, changes={"child_id": "x"})


def test_copm_change_of_two_or_more_is_clinically_important() -> None:
    summary = summarise_copm(
        [
            CopmScores("Dressing", 3, 2, 5, 4),  # +2, +2: important
            CopmScores("Using cutlery", 4, 4, 5, 5),  # +1, +1: not important
            CopmScores("Handwriting", 6, 7, 3, 5),  # -3, -2: an important decline
            CopmScores("Scissors", 2, 2),  # not re-assessed yet
        ]
    )
    dressing, cutlery, handwriting, scissors = summary.changes
    assert dressing.clinically_important and not dressing.important_decline
    assert not cutlery.clinically_important
    assert handwriting.important_decline and not handwriting.clinically_important
    assert scissors.performance_change is None and not scissors.clinically_important
    assert summary.baseline_performance == pytest.approx((3 + 4 + 6 + 2) / 4)
    assert summary.reassessed_performance == pytest.approx((5 + 5 + 3) / 3)
    # Mean change over the three re-assessed: perf (2 + 1 - 3) / 3 = 0, sat (2 + 1 - 2) / 3
    assert summary.mean_change.performance_change == pytest.approx(0)
    assert summary.mean_change.satisfaction_change == pytest.approx(1 / 3)


def test_copm_mean_change_at_exactly_two_is_important() -> None:
    summary = summarise_copm([CopmScores("Dressing", 3, 3, 5, 4), CopmScores("Eating", 5, 5, 7, 6)])
    assert summary.mean_change.performance_change == pytest.approx(2)
    assert summary.mean_change.clinically_important


@pytest.mark.parametrize(
    "scores",
    [
        CopmScores("x", 0, 5),
        CopmScores("x", 5, 11),
        CopmScores("x", 5, 5, 11, 5),
        CopmScores("x", 5, 5, 5, 0),
    ],
)
def test_copm_ratings_out_of_range_are_refused(scores: CopmScores) -> None:
    with pytest.raises(ValidationError, match="from 1 to 10"):
        summarise_copm([scores])


def test_copm_problems_in_the_store(store: Store, refused: Refusal) -> None:
    with store.transaction() as session:
        problem = make_copm_problem(session, performance=3, satisfaction=2)
        change = copm.reassess_copm_problem(
            session, problem_id=problem.id, reassessed_on=TODAY, performance=6, satisfaction=3
        )
        assert (change.performance_change, change.satisfaction_change) == (3, 1)
        assert change.clinically_important
        summary = copm.child_copm_summary(session, child_id=problem.child_id)
        assert summary.reassessed_performance == 6
    refused(
        lambda s: copm.reassess_copm_problem(
            s, problem_id=problem.id, reassessed_on=TODAY, performance=11, satisfaction=3
        ),
        ValidationError,
        "from 1 to 10",
    )
    refused(
        lambda s: copm.reassess_copm_problem(
            s,
            problem_id=problem.id,
            reassessed_on=TODAY - timedelta(days=1),
            performance=5,
            satisfaction=5,
        ),
        RuleRefused,
        "later re-assessment",
    )
    refused(
        lambda s: copm.add_copm_problem(
            s,
            child_id=problem.child_id,
            occupation="Bathing",
            baseline_on=TODAY,
            performance=0,
            satisfaction=5,
        ),
        ValidationError,
        "Performance must be",
    )


def test_copm_mean_change_of_exactly_two_is_clinically_important() -> None:
    # 1→3, 1→3, 3→5: a mean change of exactly 2 (floating means would give 1.999…).
    problems = [
        copm.CopmScores("Dressing", 1, 1, 3, 3),
        copm.CopmScores("Cutlery", 1, 1, 3, 3),
        copm.CopmScores("Handwriting", 3, 3, 5, 5),
    ]
    mean = copm.summarise_copm(problems).mean_change
    assert mean.performance_change == 2 and mean.clinically_important


def test_a_goal_keeps_the_familys_wording_in_their_language_and_its_setting(
    session: Session,
) -> None:
    goal = make_goal(
        session,
        family_wording="  سام سيلبس معطفه بنفسه قبل اللعب في الخارج ",
        family_language="AR",
        setting="school",
    )
    assert goal.family_wording == "سام سيلبس معطفه بنفسه قبل اللعب في الخارج"
    assert goal.family_language == "ar"
    assert goal.setting.value == "school"
    changed = goals.update_goal(
        session,
        goal_id=goal.id,
        changes={"family_wording": "سام يلبس معطفه", "family_language": "ar", "setting": "home"},
    )
    assert changed == ["family_wording", "setting"]
    # Clearing the wording clears its language: no orphan language code is kept.
    goals.update_goal(session, goal_id=goal.id, changes={"family_wording": ""})
    assert (goal.family_wording, goal.family_language) == ("", "")
    plain = make_goal(session)
    assert (plain.setting.value, plain.family_wording) == ("all", "")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"family_wording": "سام", "family_language": ""}, "Say which language"),
        ({"family_wording": "Sam", "family_language": "en"}, "Say which language"),
        ({"family_wording": "سام", "family_language": "ar1"}, "Say which language"),
        ({"setting": "garden"}, "home, nursery, school or all"),
    ],
)
def test_bad_family_wording_or_setting_writes_nothing(
    store: Store, refused: Refusal, overrides: dict[str, object], message: str
) -> None:
    with store.transaction() as session:
        child = make_child(session)
    values: dict[str, object] = {"wording": "Sam will eat with a fork", "levels": LEVELS}
    refused(
        lambda s: goals.create_goal(
            s,
            child_id=child.id,
            set_on=TODAY,
            **{**values, **overrides},  # type: ignore[arg-type]
        ),
        ValidationError,
        message,
    )
