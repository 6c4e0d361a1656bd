"""The team's family-experience survey results: counts, the mean per question and the comments.

The summary works on plain answers, so the team server's console can feed it the
surveys it holds, and the laptop the ones in its store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import FeedbackSurvey
from otvisit.models.vocabulary import SurveyArrival
from otvisit.services.errors import ValidationError
from otvisit.services.feedback import ARRIVAL_WORDS, QUESTIONS

#: The line for surveys entered before the form asked how they arrived.
NOT_RECORDED = "Not recorded"

SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class SurveyAnswers:
    """One survey as received: no child, no carer."""

    received_on: date
    ratings: Mapping[str, int]
    comments: str
    language: str
    #: post, clinic, online or phone; None when it was not recorded.
    arrived_by: str | None = None


def answers_from_fields(fields: Mapping[str, object]) -> SurveyAnswers:
    """A survey as the server stores it (a feedback_survey record's wire fields)."""
    received = fields.get("received_on")
    ratings = fields.get("ratings")
    if not isinstance(received, str) or not isinstance(ratings, Mapping):
        raise ValidationError("A survey record needs its date received and its ratings")
    try:
        day = date.fromisoformat(received)
    except ValueError:
        raise ValidationError(f"{received!r} is not a date") from None
    return SurveyAnswers(
        received_on=day,
        ratings={str(k): v for k, v in ratings.items() if isinstance(v, int)},
        comments=str(fields.get("comments") or ""),
        language=str(fields.get("language") or "en"),
        arrived_by=str(fields["arrived_by"]) if fields.get("arrived_by") else None,
    )


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """How families answered one question."""

    key: str
    question: str
    answered: int
    #: How many answered 1, 2, 3, 4 and 5.
    counts: tuple[int, int, int, int, int]
    mean: float | None


@dataclass(frozen=True, slots=True)
class SurveyComment:
    received_on: date
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class SurveyResults:
    """The team's results over a period."""

    surveys: int
    first_received: date | None
    last_received: date | None
    questions: tuple[QuestionResult, ...]
    comments: tuple[SurveyComment, ...]
    #: Surveys by the language they were filled in, most first.
    languages: tuple[tuple[str, int], ...]
    #: Surveys by how they arrived, in the form's order (words, count); "Not recorded" last.
    arrivals: tuple[tuple[str, int], ...] = ()


def summarise_surveys(surveys: Iterable[SurveyAnswers]) -> SurveyResults:
    """Counts, the mean per question (of those who answered it) and the comments, newest first."""
    kept = list(surveys)
    questions = []
    for key, question in QUESTIONS.items():
        answers = [s.ratings[key] for s in kept if s.ratings.get(key) in SCALE]
        tally = Counter(answers)
        counts = (tally[1], tally[2], tally[3], tally[4], tally[5])
        mean = sum(answers) / len(answers) if answers else None
        questions.append(QuestionResult(key, question, len(answers), counts, mean))
    comments = tuple(
        SurveyComment(s.received_on, s.language, s.comments.strip())
        for s in sorted(kept, key=lambda s: s.received_on, reverse=True)
        if s.comments.strip()
    )
    languages = Counter(s.language for s in kept).most_common()
    days = [s.received_on for s in kept]
    by_arrival = Counter(s.arrived_by for s in kept)
    arrivals = [(ARRIVAL_WORDS[way], by_arrival[way.value]) for way in SurveyArrival]
    unknown = sum(n for way, n in by_arrival.items() if way not in set(SurveyArrival))
    if unknown:
        arrivals.append((NOT_RECORDED, unknown))
    return SurveyResults(
        surveys=len(kept),
        first_received=min(days) if days else None,
        last_received=max(days) if days else None,
        questions=tuple(questions),
        comments=comments,
        languages=tuple(sorted(languages, key=lambda pair: (-pair[1], pair[0]))),
        arrivals=tuple(arrivals),
    )


def survey_results(
    session: Session, *, since: date | None = None, until: date | None = None
) -> SurveyResults:
    """The results of the surveys on this laptop received between two dates (inclusive)."""
    if since is not None and until is not None and until < since:
        raise ValidationError("The end of the period is before its start")
    query = select(FeedbackSurvey).where(FeedbackSurvey.deleted.is_(False))
    if since is not None:
        query = query.where(FeedbackSurvey.received_on >= since)
    if until is not None:
        query = query.where(FeedbackSurvey.received_on <= until)
    return summarise_surveys(
        SurveyAnswers(
            row.received_on,
            dict(row.ratings),
            row.comments,
            row.language,
            row.arrived_by.value if row.arrived_by else None,
        )
        for row in session.scalars(query)
    )


def results_table(results: SurveyResults) -> list[list[str]]:
    """The results as rows (a header first): question, answered, 1…5 counts, mean."""
    rows = [["Question", "Answered", "1", "2", "3", "4", "5", "Mean"]]
    for q in results.questions:
        mean = "" if q.mean is None else f"{q.mean:.2f}"
        rows.append([q.question, str(q.answered), *(str(n) for n in q.counts), mean])
    return rows


def arrival_table(results: SurveyResults) -> list[list[str]]:
    """How the surveys arrived, as rows (a header first): way, surveys."""
    return [["How it arrived", "Surveys"], *([way, str(n)] for way, n in results.arrivals)]
