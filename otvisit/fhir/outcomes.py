"""Participation goals with GAS, each GAS rating and the T-score, and COPM, as FHIR."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache, lru_cache

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.goal import GoalTarget
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity

from otvisit.fhir import codes
from otvisit.fhir.elements import (
    coding,
    concept,
    derived_id,
    ext,
    own_concept,
    record_identifier,
    ref,
)
from otvisit.fhir.json_out import shared
from otvisit.models import CopmProblem, GasRating, Goal
from otvisit.services.gas import gas_t_score


@lru_cache(maxsize=16)
def gas_level_concept(level: int) -> object:
    """A GAS level: LOINC's answer code where one exists, and always otvisit's own code.

    (Built and validated once per level, shared by every rating: nothing changes it.)
    """
    own = coding(codes.own_system("gas-level"), str(level), codes.GAS_LEVEL_NAMES[level])
    loinc = codes.GAS_ANSWERS.get(level)
    if loinc is None:
        return shared(concept(own, text=codes.GAS_LEVEL_NAMES[level]))
    return shared(concept(coding(codes.LOINC, *loinc), own, text=codes.GAS_LEVEL_NAMES[level]))


@cache
def _gas_rating_code() -> CodeableConcept:
    """What every GAS rating's Observation is (built once, shared)."""
    return shared(concept(coding(codes.LOINC, *codes.GAS_LOINC), text="GAS rating"))


def _gas_scale(goal: Goal) -> list[Extension]:
    """The five described levels, as the PCO IG's goal-attainment-scaling pairs (level, text)."""
    scale = []
    for level, text in sorted(goal.gas_levels().items()):
        if not text:
            continue
        scale.append(
            Extension(
                url=codes.own_extension("gas-level"),
                extension=[
                    Extension(url="level", valueInteger=level),
                    Extension(url="text", valueString=text),
                ],
            )
        )
    return scale


def goal(record: Goal, ratings: Sequence[GasRating]) -> FhirGoal:
    extensions = [
        *_gas_scale(record),
        ext("gas-baseline", valueInteger=record.gas_baseline),
        ext("gas-weight", valueDecimal=record.gas_weight),
    ]
    family_wording = getattr(record, "family_wording", "") or ""
    if family_wording:
        extensions.append(ext("family-wording", valueString=family_wording))
    return FhirGoal(
        id=record.id,
        identifier=[record_identifier(record.id)],
        lifecycleStatus=codes.GOAL_LIFECYCLE[record.status],
        achievementStatus=None,
        category=[own_concept("goal-area", record.area, record.area)] if record.area else None,
        description=concept(text=record.wording),
        subject=ref(record.child_id),
        startDate=record.set_on,
        target=[
            GoalTarget(
                measure=concept(coding(codes.LOINC, *codes.GAS_LOINC)),
                detailCodeableConcept=gas_level_concept(0),
            )
        ],
        outcomeReference=[ref(rating.id) for rating in ratings] or None,
        extension=extensions,
    )


def gas_rating(rating: GasRating) -> Observation:
    return Observation(
        id=rating.id,
        identifier=[record_identifier(rating.id)],
        status="final",
        category=[own_concept("observation-category", "gas", "Goal attainment scaling")],
        code=_gas_rating_code(),
        subject=ref(rating.child_id),
        focus=[ref(rating.goal_id)],
        effectiveDateTime=rating.rated_on,
        valueCodeableConcept=gas_level_concept(rating.level),
        note=[Annotation(text=rating.comment)] if rating.comment else None,
    )


def latest_ratings(ratings: Sequence[GasRating]) -> dict[str, GasRating]:
    """Each goal's latest rating (the order every laptop agrees on: date, then id)."""
    latest: dict[str, GasRating] = {}
    for rating in sorted(ratings, key=lambda r: (r.rated_on, r.id)):
        latest[rating.goal_id] = rating
    return latest


def t_score(
    child_id: str, goals: Sequence[Goal], ratings: Sequence[GasRating], *, on: date
) -> Observation | None:
    """The child's Kiresuk–Sherman T-score over each goal's latest rating."""
    latest = latest_ratings(ratings)
    weights = {g.id: g.gas_weight for g in goals}
    pairs = [(r.level, weights.get(goal_id, 1.0)) for goal_id, r in latest.items()]
    if not pairs:
        return None
    score = gas_t_score(pairs)
    return Observation(
        id=derived_id(child_id, "gas-t-score"),
        status="final",
        category=[own_concept("observation-category", "gas", "Goal attainment scaling")],
        code=own_concept("outcome", "gas-t-score", "GAS T-score (Kiresuk–Sherman, rho 0.3)"),
        subject=ref(child_id),
        effectiveDateTime=on,
        valueQuantity=Quantity(value=round(score, 1), unit="T-score"),
        derivedFrom=[ref(r.id) for r in latest.values()],
    )


def _score(name: str, value: int | None) -> ObservationComponent | None:
    if value is None:
        return None
    return ObservationComponent(code=own_concept("copm", name, name), valueInteger=value)


def copm(problem: CopmProblem) -> Observation:
    """One COPM problem: importance, performance and satisfaction before and after."""
    components = [
        _score("importance", problem.importance),
        _score("performance-before", problem.baseline_performance),
        _score("satisfaction-before", problem.baseline_satisfaction),
        _score("performance-after", problem.reassessed_performance),
        _score("satisfaction-after", problem.reassessed_satisfaction),
    ]
    return Observation(
        id=problem.id,
        identifier=[record_identifier(problem.id)],
        status="final" if problem.reassessed_on else "preliminary",
        category=[own_concept("observation-category", "copm", "COPM")],
        code=own_concept("copm", "problem", "Canadian Occupational Performance Measure problem"),
        subject=ref(problem.child_id),
        focus=[ref(problem.goal_id)] if problem.goal_id else None,
        effectivePeriod=Period(start=problem.baseline_on, end=problem.reassessed_on),
        valueString=problem.occupation,
        component=[c for c in components if c is not None],
    )
