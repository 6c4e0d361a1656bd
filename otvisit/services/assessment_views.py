"""A child's assessments as the record and the progress report read them, and scores typed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import Assessment
from otvisit.models.vocabulary import AssessmentKind
from otvisit.services.errors import ValidationError

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """One assessment: the tool, when, its scores by part, and the summary."""

    assessment_id: str
    name: str
    kind: AssessmentKind
    assessed_on: date
    scores: dict[str, dict[str, Any]]
    summary: str

    def scores_text(self) -> str:
        """The scores on one line each: ``Manual dexterity: standard score 6; percentile 9``."""
        return "\n".join(
            f"{part}: " + "; ".join(f"{measure} {value}" for measure, value in measures.items())
            for part, measures in self.scores.items()
        )


def child_assessments(session: Session, *, child_id: str) -> list[AssessmentView]:
    """The child's assessments, newest first."""
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.child_id == child_id, Assessment.deleted.is_(False))
        .order_by(Assessment.assessed_on.desc(), Assessment.id)
    )
    return [
        AssessmentView(a.id, a.name, a.kind, a.assessed_on, dict(a.scores), a.summary) for a in rows
    ]


def _value(text: str) -> int | float | str:
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def scores_from_text(text: str) -> dict[str, dict[str, Any]]:
    """Scores typed one part a line, ``Part: measure value; measure value`` (or ``Part: value``).

    ``Manual dexterity: standard score 6; percentile 9`` gives
    ``{"Manual dexterity": {"standard score": 6, "percentile": 9}}``.
    """
    scores: dict[str, dict[str, Any]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        part, colon, rest = line.partition(":")
        if not colon or not part.strip() or not rest.strip():
            raise ValidationError(
                f"Line {number} of the scores needs the part, a colon and its score "
                "(e.g. “Manual dexterity: standard score 6; percentile 9”)"
            )
        measures: dict[str, Any] = {}
        for piece in rest.split(";"):
            words = piece.strip().rsplit(" ", 1)
            if not piece.strip():
                continue
            if len(words) == 1:
                measures["score"] = _value(words[0])
            else:
                measures[words[0].strip()] = _value(words[1])
        if part.strip() in scores:
            raise ValidationError(f"{part.strip()} is scored twice")
        scores[part.strip()] = measures
    return scores
