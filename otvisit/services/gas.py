"""Goal Attainment Scaling: the Kiresuk–Sherman T-score with ρ = 0.3 and optional weights."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from otvisit.services.errors import ValidationError

#: The assumed correlation between goals' scores, as the team (and most of the literature) uses.
RHO = 0.3
GAS_LEVELS = (-2, -1, 0, 1, 2)
LEVEL_NAMES = {
    -2: "much less than expected",
    -1: "somewhat less than expected",
    0: "the expected outcome",
    1: "somewhat more than expected",
    2: "much more than expected",
}


@dataclass(frozen=True)
class GasScore:
    """A child's T-score and the (level, weight) pairs it was computed from."""

    t_score: float
    goals: int
    ratings: tuple[tuple[int, float], ...]


def check_level(level: object, *, what: str = "The GAS level") -> int:
    """An integer GAS level -2 … +2, or ValidationError."""
    if isinstance(level, bool) or not isinstance(level, int) or level not in GAS_LEVELS:
        raise ValidationError(f"{what} must be a whole number from -2 to +2 (not {level!r})")
    return level


def check_weight(weight: object) -> float:
    """A positive, finite goal weight, or ValidationError."""
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise ValidationError(f"A goal's weight must be a number (not {weight!r})")
    if not math.isfinite(weight) or weight <= 0:
        raise ValidationError(f"A goal's weight must be more than 0 (not {weight!r})")
    return float(weight)


def gas_t_score(ratings: Iterable[tuple[int, float] | int]) -> float:
    """T = 50 + 10·Σwᵢxᵢ / √((1−ρ)·Σwᵢ² + ρ·(Σwᵢ)²) over (level, weight) pairs.

    A bare level counts with weight 1. With one unweighted goal the formula
    reduces to 50 + 10·x, since the denominator is √(0.7 + 0.3) = 1.
    """
    pairs: list[tuple[int, float]] = []
    for item in ratings:
        if isinstance(item, tuple):
            level, weight = item
            pairs.append((check_level(level), check_weight(weight)))
        else:
            pairs.append((check_level(item), 1.0))
    if not pairs:
        raise ValidationError("A GAS T-score needs at least one rated goal")
    weighted_sum = math.fsum(weight * level for level, weight in pairs)
    sum_of_squares = math.fsum(weight * weight for _, weight in pairs)
    sum_of_weights = math.fsum(weight for _, weight in pairs)
    denominator = math.sqrt((1 - RHO) * sum_of_squares + RHO * sum_of_weights**2)
    return 50 + 10 * weighted_sum / denominator


def score_goals(ratings: Sequence[tuple[int, float]]) -> GasScore:
    """The T-score with what it was computed from, for showing beside the number."""
    return GasScore(t_score=gas_t_score(ratings), goals=len(ratings), ratings=tuple(ratings))
