"""The team's survey results: counts, mean per question, comments; anonymous as kept."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.models import FeedbackSurvey
from otvisit.models.store import Store
from otvisit.services import feedback
from otvisit.services.errors import ValidationError
from otvisit.services.survey_results import (
    SurveyAnswers,
    answers_from_fields,
    arrival_table,
    results_table,
    summarise_surveys,
    survey_results,
)
from tests.factories import make_team


def test_counts_and_means_are_per_question_over_those_who_answered_it() -> None:
    results = summarise_surveys(
        [
            SurveyAnswers(
                date(2026, 10, 1), {"felt_listened_to": 5, "goals_mattered": 4}, "", "en"
            ),
            SurveyAnswers(date(2026, 10, 3), {"felt_listened_to": 4}, "Kind staff.", "ur"),
            SurveyAnswers(date(2026, 10, 2), {"felt_listened_to": 2}, "  ", "ur"),
        ]
    )
    listened, goals, explained = results.questions[:3]
    assert results.surveys == 3
    assert (listened.answered, listened.counts, listened.mean) == (3, (0, 1, 0, 1, 1), 11 / 3)
    assert (goals.answered, goals.mean) == (1, 4.0)
    assert (explained.answered, explained.mean) == (0, None)
    assert [c.text for c in results.comments] == ["Kind staff."]  # blank comments are not listed
    assert results.languages == (("ur", 2), ("en", 1))
    assert (results.first_received, results.last_received) == (date(2026, 10, 1), date(2026, 10, 3))
    table = results_table(results)
    assert table[1] == ["We felt listened to", "3", "0", "1", "0", "1", "1", "3.67"]
    assert table[3][-1] == ""


def test_no_surveys_gives_empty_results_not_an_error() -> None:
    results = summarise_surveys([])
    assert results.surveys == 0 and all(q.mean is None for q in results.questions)


def test_results_read_the_surveys_entered_in_a_period(session: Session) -> None:
    team = make_team(session)
    for day, answer in ((date(2026, 9, 1), 1), (date(2026, 10, 1), 5), (date(2026, 11, 1), 4)):
        feedback.record_feedback(
            session, team_id=team.id, received_on=day, ratings={"would_recommend": answer},
            comments=f"Survey of {day:%B}", language="pl",
        )  # fmt: skip
    results = survey_results(session, since=date(2026, 10, 1), until=date(2026, 11, 30))
    recommend = {q.key: q for q in results.questions}["would_recommend"]
    assert results.surveys == 2 and recommend.mean == 4.5
    assert [c.text for c in results.comments] == ["Survey of November", "Survey of October"]
    with pytest.raises(ValidationError, match="before its start"):
        survey_results(session, since=date(2026, 11, 1), until=date(2026, 10, 1))


def test_the_server_can_summarise_the_records_it_holds() -> None:
    wire = [
        {"team_id": "t", "received_on": "2026-10-01", "ratings": {"would_recommend": 5},
         "comments": "Lovely team", "language": "so"},
        {"team_id": "t", "received_on": "2026-10-02", "ratings": {"would_recommend": 3},
         "comments": "", "language": "en"},
    ]  # fmt: skip
    results = summarise_surveys(answers_from_fields(fields) for fields in wire)
    assert {q.key: q.mean for q in results.questions}["would_recommend"] == 4.0
    assert [c.language for c in results.comments] == ["so"]
    with pytest.raises(ValidationError, match="not a date"):
        answers_from_fields({"received_on": "yesterday", "ratings": {}})
    with pytest.raises(ValidationError, match="date received and its ratings"):
        answers_from_fields({"ratings": {}})


def test_surveys_are_counted_by_how_they_arrived(session: Session) -> None:
    team = make_team(session)
    for day, way in ((1, "post"), (2, "clinic"), (3, "online"), (4, "online"), (5, None)):
        feedback.record_feedback(
            session, team_id=team.id, received_on=date(2026, 10, day),
            ratings={"felt_listened_to": 4}, arrived_by=way,
        )  # fmt: skip
    results = survey_results(session)
    assert results.arrivals == (
        ("By post", 1), ("In clinic", 1), ("Online or QR code", 2), ("By phone", 0),
        ("Not recorded", 1),
    )  # fmt: skip
    assert arrival_table(results)[0] == ["How it arrived", "Surveys"]
    assert arrival_table(results)[3] == ["Online or QR code", "2"]
    in_october = survey_results(session, since=date(2026, 10, 3), until=date(2026, 10, 4))
    assert in_october.arrivals == (
        ("By post", 0), ("In clinic", 0), ("Online or QR code", 2), ("By phone", 0),
    )  # fmt: skip
    server_side = answers_from_fields(
        {"received_on": "2026-10-06", "ratings": {}, "comments": "", "arrived_by": "phone"}
    )
    assert summarise_surveys([server_side]).arrivals[3] == ("By phone", 1)


def test_an_unknown_way_of_arriving_is_refused_and_nothing_is_kept(store: Store) -> None:
    with store.transaction() as session:
        team_id = make_team(session).id
    refused = pytest.raises(ValidationError, match="how the survey arrived")
    with refused, store.transaction() as session:
        feedback.record_feedback(
            session, team_id=team_id, received_on=date(2026, 10, 1),
            ratings={"felt_listened_to": 4}, arrived_by="carrier pigeon",
        )  # fmt: skip
    with store.read_session() as session:
        assert session.scalars(select(FeedbackSurvey)).all() == []
