"""Family experience: the team's survey results per question, and the families' comments.

The summary is the laptop's own (``otvisit.services.survey_results``), fed the surveys
the server holds for the team.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.services.errors import ValidationError
from otvisit.services.survey_results import SurveyAnswers, answers_from_fields, summarise_surveys
from otvisit.sync.server.team_views.facts import SurveyFact
from otvisit.sync.server.team_views.models import (
    Count,
    Experience,
    FamilyComment,
    QuestionAnswers,
)


def _answers(
    session: Session, team_id: str, start: date | None, end: date | None
) -> list[SurveyAnswers]:
    s = SurveyFact
    query = (
        select(s.received_on, s.ratings, s.comments, s.language)
        .where(s.team_id == team_id)
        .order_by(s.received_on, s.id)
    )
    if start is not None:
        query = query.where(s.received_on >= start)
    if end is not None:
        query = query.where(s.received_on <= end)
    found = []
    for received_on, ratings, comments, language in session.execute(query):
        fields = {
            "received_on": received_on.isoformat() if received_on else None,
            "ratings": json.loads(ratings),
            "comments": comments,
            "language": language,
        }
        try:
            found.append(answers_from_fields(fields))
        except ValidationError:
            continue  # a survey without its date: not in any period
    return found


def team_experience(
    session: Session, *, team_id: str, start: date | None = None, end: date | None = None
) -> Experience:
    """Results of the surveys received between two dates (inclusive; None: open-ended)."""
    if start is not None and end is not None and end < start:
        raise ValidationError("The end of the period is before its start")
    results = summarise_surveys(_answers(session, team_id, start, end))
    return Experience(
        period_from=start,
        period_to=end,
        surveys=results.surveys,
        questions=[
            QuestionAnswers(
                key=q.key,
                question=q.question,
                answered=q.answered,
                counts=list(q.counts),
                mean=q.mean,
            )
            for q in results.questions
        ],
        comments=[
            FamilyComment(received_on=c.received_on, language=c.language, text=c.text)
            for c in results.comments
        ],
        languages=[Count(label=language, n=n) for language, n in results.languages],
    )
