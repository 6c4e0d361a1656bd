"""The Kiresuk–Sherman GAS T-score with ρ = 0.3, checked against values worked by hand."""

from __future__ import annotations

import math

import pytest

from otvisit.services.errors import ValidationError
from otvisit.services.gas import gas_t_score


def test_one_goal_at_the_expected_level_scores_fifty() -> None:
    assert gas_t_score([(0, 1.0)]) == 50


def test_one_unweighted_goal_at_plus_two_scores_seventy() -> None:
    # 50 + 10·2 / √(0.7·1 + 0.3·1²) = 50 + 20 / 1
    assert gas_t_score([(2, 1.0)]) == pytest.approx(70)
    assert gas_t_score([2]) == pytest.approx(70)  # a bare level has weight 1


@pytest.mark.parametrize(("level", "expected"), [(-2, 30), (-1, 40), (0, 50), (1, 60), (2, 70)])
def test_one_goal_scores_fifty_plus_ten_per_level(level: int, expected: float) -> None:
    assert gas_t_score([level]) == pytest.approx(expected)


def test_one_goal_score_does_not_depend_on_its_weight() -> None:
    # 50 + 10·5·1 / √(0.7·25 + 0.3·25) = 50 + 50 / 5
    assert gas_t_score([(1, 5.0)]) == pytest.approx(60)


def test_two_unweighted_goals_at_plus_one() -> None:
    # 50 + 10·2 / √(0.7·2 + 0.3·4) = 50 + 20 / √2.6 = 62.4035…
    assert gas_t_score([1, 1]) == pytest.approx(50 + 20 / math.sqrt(2.6))
    assert gas_t_score([1, 1]) == pytest.approx(62.4035, abs=1e-4)


def test_goals_above_and_below_expected_cancel_out() -> None:
    assert gas_t_score([1, -1]) == pytest.approx(50)


def test_three_goals_all_at_baseline_minus_one() -> None:
    # 50 - 10·3 / √(0.7·3 + 0.3·9) = 50 - 30 / √4.8 = 36.3069…
    assert gas_t_score([-1, -1, -1]) == pytest.approx(50 - 30 / math.sqrt(4.8))
    assert gas_t_score([-1, -1, -1]) == pytest.approx(36.3069, abs=1e-4)


def test_weighted_goals() -> None:
    # (level, weight) = (2, 2), (-1, 1): Σwx = 3, Σw² = 5, (Σw)² = 9
    # 50 + 30 / √(0.7·5 + 0.3·9) = 50 + 30 / √6.2 = 62.0482…
    assert gas_t_score([(2, 2.0), (-1, 1.0)]) == pytest.approx(50 + 30 / math.sqrt(6.2))
    assert gas_t_score([(2, 2.0), (-1, 1.0)]) == pytest.approx(62.0482, abs=1e-4)


def test_fractional_weights() -> None:
    # (1, 0.5), (2, 1.5), (0, 1): Σwx = 3.5, Σw² = 0.25 + 2.25 + 1 = 3.5, Σw = 3
    # 50 + 35 / √(0.7·3.5 + 0.3·9) = 50 + 35 / √5.15
    assert gas_t_score([(1, 0.5), (2, 1.5), (0, 1)]) == pytest.approx(50 + 35 / math.sqrt(5.15))


def test_scaling_every_weight_leaves_the_score_unchanged() -> None:
    plain = gas_t_score([(1, 1.0), (-2, 2.0), (0, 3.0)])
    assert gas_t_score([(1, 10.0), (-2, 20.0), (0, 30.0)]) == pytest.approx(plain)


def test_many_goals_at_plus_two() -> None:
    # n goals at +2: 50 + 20n / √(0.7n + 0.3n²)
    for n in (5, 10, 20):
        expected = 50 + 20 * n / math.sqrt(0.7 * n + 0.3 * n * n)
        assert gas_t_score([2] * n) == pytest.approx(expected)


def test_no_goals_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one rated goal"):
        gas_t_score([])


@pytest.mark.parametrize("weight", [0, -1, 0.0, math.inf, math.nan])
def test_weights_must_be_positive_and_finite(weight: float) -> None:
    with pytest.raises(ValidationError, match="weight"):
        gas_t_score([(1, weight)])


@pytest.mark.parametrize("level", [3, -3, 1.5, True, "1", None])
def test_levels_must_be_whole_numbers_from_minus_two_to_two(level: object) -> None:
    with pytest.raises(ValidationError, match="from -2 to \\+2"):
        gas_t_score([(level, 1.0)])  # type: ignore[list-item]
