"""Families' experience surveys: kept apart from the clinical record, never linked to a child."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from otvisit.models import FeedbackSurvey, Team, new_id
from otvisit.models.vocabulary import AuditAction, SurveyArrival
from otvisit.services.audit import record_access
from otvisit.services.errors import ValidationError
from otvisit.services.records import check_date, get_live, optional_text, required_text

#: The questions of the team's survey, each answered 1 (not at all) to 5 (very much).
QUESTIONS = {
    "felt_listened_to": "We felt listened to",
    "goals_mattered": "The goals mattered to our family",
    "explained_clearly": "Things were explained clearly",
    "language_needs_met": "Our language needs were met",
    "would_recommend": "We would recommend the service",
}

#: How a survey reached the team, in the words of the form and the results.
ARRIVAL_WORDS = {
    SurveyArrival.POST: "By post",
    SurveyArrival.CLINIC: "In clinic",
    SurveyArrival.ONLINE: "Online or QR code",
    SurveyArrival.PHONE: "By phone",
}


def check_arrival(value: object) -> SurveyArrival | None:
    """How the survey arrived, or None when it was not recorded (surveys entered before)."""
    if value is None:
        return None
    try:
        return SurveyArrival(str(value))
    except ValueError:
        raise ValidationError(
            "Say how the survey arrived: by post, in clinic, online (QR code) or by phone"
        ) from None


def record_feedback(
    session: Session,
    *,
    team_id: str,
    received_on: date,
    ratings: Mapping[str, int],
    comments: str = "",
    language: str = "en",
    arrived_by: SurveyArrival | str | None = None,
    actor_id: str | None = None,
) -> str:
    """A survey received by the team (anonymous: no child, no carer); returns its id."""
    get_live(session, Team, team_id, what="team")
    clean: dict[str, int] = {}
    for question, answer in ratings.items():
        if question not in QUESTIONS:
            raise ValidationError(f"{question!r} is not a question of the survey")
        if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= 5:
            raise ValidationError(f"The answer to “{QUESTIONS[question]}” must be 1 to 5")
        clean[question] = answer
    arrival = check_arrival(arrived_by)
    if not clean and not comments.strip():
        raise ValidationError("The survey has no answers and no comments")
    survey = FeedbackSurvey(
        id=new_id(),
        team_id=team_id,
        received_on=check_date(received_on, what="the date received"),
        ratings=clean,
        comments=optional_text(comments, what="the comments"),
        language=required_text(language, what="the language", max_length=40),
        arrived_by=arrival,
    )
    session.add(survey)
    # Audited without a child: the survey must not be traceable to a family through the log.
    record_access(
        session,
        actor_id=actor_id,
        action=AuditAction.CREATE,
        entity="feedback_survey",
        record_id=survey.id,
        child_id=None,
    )
    return survey.id
