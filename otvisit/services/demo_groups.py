"""The demo's parent-coaching group (sessions, registers, notes, COPM before/after) and surveys."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from otvisit.models import Child, CopmProblem, Episode, FeedbackSurvey, SyncedRecord
from otvisit.models.groups import (
    CoachingProgramme,
    GroupPlace,
    GroupSession,
    PlaceStatus,
    ProgrammeCopm,
    place_id,
    programme_copm_id,
)
from otvisit.models.vocabulary import SurveyArrival
from otvisit.services.feedback import QUESTIONS

FAMILIES = 8
SESSIONS = 6  # the programme, all in the past; then one follow-up still to come
SURVEYS = 24
TOPICS = (
    "Getting dressed: breaking it into steps",
    "Mealtimes and cutlery",
    "Bedtime and sleep routines",
    "Play that builds hand skills",
    "Calm bodies: sensory strategies",
    "Looking back and next steps",
)
OCCUPATIONS = (
    "Putting on shoes and socks", "Using a knife and fork", "Getting ready for bed",
    "Brushing teeth", "Doing up a coat", "Drawing and colouring",
)  # fmt: skip
COMMENTS = (
    "The group helped us see we are not the only family finding mornings hard.",
    "Having an interpreter at every session made a big difference.",
    "We would have liked the sessions after school hours.",
    "The video sessions were easier with a baby at home.",
    "Clear handouts; we put the picture steps on the fridge.",
    "",
    "",
)
LANGUAGES = ("en", "en", "en", "ur", "bn", "ar", "so", "pl", "tr", "pt", "ro", "es")


class Rows(Protocol):
    """What the demo caseload's row builder offers (services/demo_caseload.py)."""

    rng: random.Random
    today: date
    rows: dict[type[SyncedRecord], list[dict[str, Any]]]

    def add(self, model: type[SyncedRecord], **values: Any) -> str: ...

    def moment(self, day: date, hour: int, minute: int = 0) -> datetime: ...


def rows_wanted(children: int) -> int:
    """How many rows the group and surveys add at most, so the visits leave room for them."""
    families = min(FAMILIES, children)
    return 1 + (SESSIONS + 1) * (1 + families) + 2 * families + 1 + SURVEYS


def _families(b: Rows) -> list[dict[str, Any]]:
    open_children = {e["child_id"] for e in b.rows.get(Episode, []) if e["status"] == "open"}
    return [c for c in b.rows.get(Child, []) if c["id"] in open_children][:FAMILIES]


def _mark(b: Rows) -> PlaceStatus:
    roll = b.rng.random()
    if roll < 0.78:
        return PlaceStatus.ATTENDED
    return PlaceStatus.NOT_BROUGHT if roll < 0.9 else PlaceStatus.CANCELLED


def add_coaching_group(b: Rows, *, team_id: str, therapist_id: str) -> None:
    """Six weekly parent-coaching sessions, marked, with notes, COPM before and after."""
    families = _families(b)
    if not families:
        return
    start = b.today - timedelta(weeks=SESSIONS + 1)
    programme = b.add(
        CoachingProgramme, team_id=team_id, title="Parent coaching: everyday routines",
        therapist_id=therapist_id, starts_on=start,
        description="Six weekly group sessions for parents and carers, in the clinic or online.",
    )  # fmt: skip
    sessions = []
    for week in range(SESSIONS + 1):
        day = start + timedelta(weeks=week)
        done = week < SESSIONS
        virtual = week % 2 == 1
        topic = TOPICS[week] if done else "Follow-up: how are the routines going?"
        group_id = b.add(
            GroupSession, team_id=team_id, programme_id=programme, title=topic,
            kind="parent_coaching", place="virtual" if virtual else "clinic",
            location="https://meet.nhs.example/riverside-coaching" if virtual
            else "Riverside Health Centre, Room 3, London SE1 7EH",
            starts_at=b.moment(day, 10), duration_minutes=90, therapist_id=therapist_id,
            capacity=FAMILIES, cancelled=False,
            note=(f"{topic}. Families shared what worked this week; we practised one routine "
                  "step by step and agreed one thing to try at home.") if done else "",
            note_by_id=therapist_id if done else None,
        )  # fmt: skip
        sessions.append((group_id, done))
    moved_family = families[-1]["id"]
    for group_id, done in sessions:
        for family in families:
            status = _mark(b) if done else PlaceStatus.BOOKED
            count = 0
            if family["id"] == moved_family and group_id == sessions[1][0]:
                status = PlaceStatus.MOVED  # the family asked for the next week instead
            elif family["id"] == moved_family and done and group_id != sessions[0][0]:
                count = 1
            entry = ""
            if status is PlaceStatus.ATTENDED and b.rng.random() < 0.4:
                entry = f"{family['given_name']}'s parent will try one step at home this week."
            b.add(
                GroupPlace, id=place_id(group_id, family["id"]), child_id=family["id"],
                group_session_id=group_id, status=status.value,
                marked_by_id=therapist_id if done else None, reschedule_count=count,
                moved_to_session_id=sessions[2][0] if status is PlaceStatus.MOVED else None,
                interpreter_language=family["interpreter_language"]
                if family["interpreter_needed"] else "",
                entry=entry,
            )  # fmt: skip
    end = start + timedelta(weeks=SESSIONS - 1)
    for family in families:
        performance, satisfaction = b.rng.randint(2, 5), b.rng.randint(1, 5)
        problem = b.add(
            CopmProblem, child_id=family["id"], goal_id=None, occupation=b.rng.choice(OCCUPATIONS),
            importance=b.rng.randint(7, 10), baseline_on=start,
            baseline_performance=performance, baseline_satisfaction=satisfaction,
            reassessed_on=end, reassessed_performance=min(10, performance + b.rng.randint(0, 4)),
            reassessed_satisfaction=min(10, satisfaction + b.rng.randint(1, 5)),
        )  # fmt: skip
        b.add(
            ProgrammeCopm, id=programme_copm_id(programme, problem), child_id=family["id"],
            programme_id=programme, copm_problem_id=problem,
        )  # fmt: skip


def add_surveys(b: Rows, *, team_id: str) -> None:
    """Filled-in paper surveys over the last months, in the families' languages."""
    # How they arrived, in turn (no draw from the generator: the rest of the demo stays the same).
    arrivals = (SurveyArrival.CLINIC, SurveyArrival.POST, SurveyArrival.ONLINE,
                SurveyArrival.CLINIC, SurveyArrival.PHONE)  # fmt: skip
    for number in range(SURVEYS):
        ratings = {
            key: b.rng.choice((3, 4, 4, 5, 5, 5)) if key != "language_needs_met"
            else b.rng.choice((2, 3, 4, 5, 5))
            for key in QUESTIONS
            if b.rng.random() < 0.92
        }  # fmt: skip
        b.add(
            FeedbackSurvey, team_id=team_id,
            received_on=b.today - timedelta(days=b.rng.randint(1, 200)),
            ratings=ratings, comments=b.rng.choice(COMMENTS), language=b.rng.choice(LANGUAGES),
            arrived_by=arrivals[number % len(arrivals)],
        )  # fmt: skip


def add_demo_groups(b: Rows, *, team_id: str, therapist_id: str) -> None:
    """Everything issue 14's group and survey screens show in the demo."""
    add_coaching_group(b, team_id=team_id, therapist_id=therapist_id)
    add_surveys(b, team_id=team_id)
