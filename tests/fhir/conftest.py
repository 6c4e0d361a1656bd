"""A child with a full record (goals rated at every level, COPM, signed notes, equipment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from otvisit.models import Child, Team, Therapist
from otvisit.models.store import Store
from otvisit.models.vocabulary import EquipmentStatus
from otvisit.services import equipment, programmes
from otvisit.services.copm import reassess_copm_problem
from tests.factories import (
    TODAY,
    make_addendum,
    make_appointment,
    make_carer,
    make_child,
    make_copm_problem,
    make_equipment,
    make_goal,
    make_note,
    make_rating,
    make_therapist,
)


@dataclass(frozen=True)
class FullRecord:
    child_id: str
    therapist_id: str
    nhs_number: str


def build_full_record(
    session: Session, *, team: Team, therapist: Therapist, nhs_number: str | None = None
) -> FullRecord:
    """The full record of one child of ``team`` (also on a laptop signed in to a real server)."""
    child: Child = make_child(
        session,
        team=team,
        therapist=therapist,
        preferred_name="Sammy",
        address="4 Park Row\nLondon",
        postcode="SE1 7EH",
        written_language="ar",
        spoken_language="ar",
        interpreter_needed=True,
        interpreter_language="ar",
        gp_name="Dr Hale",
        gp_practice="Borough Surgery",
        **({"nhs_number": nhs_number} if nhs_number else {}),
    )
    make_carer(session, child=child)
    make_appointment(session, child=child, therapist_id=therapist.id)
    goal = make_goal(session, child=child, area="dressing", weight=2.0)
    other = make_goal(
        session, child=child, wording="Sam will cut along a line to make a card", baseline=-2
    )
    for days, level in ((30, -2), (20, -1), (10, 0), (5, 1), (1, 2)):
        make_rating(session, goal=goal, level=level, rated_on=TODAY - timedelta(days=days))
    make_rating(session, goal=other, level=-1, rated_on=TODAY - timedelta(days=3))
    problem = make_copm_problem(session, child=child, goal_id=goal.id)
    reassess_copm_problem(
        session, problem_id=problem.id, reassessed_on=TODAY, performance=6, satisfaction=7
    )
    note = make_note(session, child=child, author=therapist, signed=True, goals_addressed=[goal.id])
    make_addendum(session, note=note)
    make_note(session, child=child, author=therapist, body="Draft, never signed")
    item = make_equipment(
        session,
        child=child,
        goal_id=goal.id,
        safety_notes="Check the footrest each morning",
        therapist_id=therapist.id,
    )
    equipment.advance_equipment_status(
        session, recommendation_id=item.id, status=EquipmentStatus.ORDERED
    )
    programmes.create_home_programme(session, child_id=child.id, started_on=TODAY)
    return FullRecord(child.id, therapist.id, child.nhs_number)


@pytest.fixture
def full_record(store: Store) -> FullRecord:
    with store.transaction() as session:
        therapist: Therapist = make_therapist(session)
        team = session.get(Team, therapist.team_id)
        assert team is not None
        return build_full_record(session, team=team, therapist=therapist)
