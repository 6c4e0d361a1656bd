"""Standardised and informal assessments with their scores and a summary."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from otvisit.models import Assessment, Child, Episode, new_id
from otvisit.models.vocabulary import AssessmentKind
from otvisit.services.audit import record_change
from otvisit.services.errors import ValidationError
from otvisit.services.records import check_date, get_live, optional_text, required_text


def check_scores(value: object) -> dict[str, dict[str, Any]]:
    """Scores by part, e.g. {"Manual dexterity": {"standard_score": 6, "percentile": 9}}."""
    if not isinstance(value, Mapping):
        raise ValidationError("Scores must be listed by the part of the assessment")
    clean: dict[str, dict[str, Any]] = {}
    for part, measures in value.items():
        name = required_text(part, what="the name of each part scored", max_length=200)
        if not isinstance(measures, Mapping) or not measures:
            raise ValidationError(f"Please give at least one score for {name}")
        clean[name] = {}
        for measure, score in measures.items():
            label = required_text(measure, what=f"the kind of score for {name}", max_length=80)
            if isinstance(score, bool) or not isinstance(score, int | float | str):
                raise ValidationError(f"The {label} for {name} must be a number or short text")
            if isinstance(score, float) and not math.isfinite(score):
                raise ValidationError(f"The {label} for {name} must be a number")
            clean[name][label] = score.strip() if isinstance(score, str) else score
    return clean


def record_assessment(
    session: Session,
    *,
    child_id: str,
    name: str,
    assessed_on: date,
    kind: AssessmentKind = AssessmentKind.INFORMAL,
    scores: Mapping[str, Mapping[str, Any]] | None = None,
    summary: str = "",
    episode_id: str | None = None,
    actor_id: str | None = None,
    today: date | None = None,
) -> str:
    """An assessment done with the child; returns its id."""
    get_live(session, Child, child_id, what="child")
    on = check_date(assessed_on, what="the assessment date")
    if on > (today or date.today()):
        raise ValidationError("An assessment cannot be dated in the future")
    try:
        kind = AssessmentKind(kind)
    except ValueError:
        raise ValidationError("An assessment is standardised or informal") from None
    if (
        episode_id is not None
        and get_live(session, Episode, episode_id, what="episode").child_id != child_id
    ):
        raise ValidationError("That episode of care belongs to another child")
    assessment = Assessment(
        id=new_id(),
        child_id=child_id,
        episode_id=episode_id,
        name=required_text(name, what="the assessment's name", max_length=200),
        kind=kind,
        assessed_on=on,
        scores=check_scores(scores or {}),
        summary=optional_text(summary, what="the summary"),
    )
    session.add(assessment)
    record_change(session, actor_id=actor_id, record=assessment, created=True)
    return assessment.id
