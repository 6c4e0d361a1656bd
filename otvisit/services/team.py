"""The team and its therapists: who works here and who may hold a caseload."""

from __future__ import annotations

from sqlalchemy.orm import Session

from otvisit.models import Team, Therapist, new_id
from otvisit.models.vocabulary import StaffRole
from otvisit.services.audit import record_change
from otvisit.services.errors import ValidationError
from otvisit.services.records import get_live, optional_text, required_text


def create_team(
    session: Session,
    *,
    name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    actor_id: str | None = None,
) -> str:
    """A new team; returns its id."""
    team = Team(
        id=new_id(),
        name=required_text(name, what="the team's name", max_length=200),
        phone=optional_text(phone, what="the team's phone number", max_length=40),
        email=optional_text(email, what="the team's email", max_length=200),
        address=optional_text(address, what="the team's address", max_length=400),
    )
    session.add(team)
    record_change(session, actor_id=actor_id, record=team, created=True)
    return team.id


def add_therapist(
    session: Session,
    *,
    team_id: str,
    full_name: str,
    role: StaffRole = StaffRole.THERAPIST,
    job_title: str = "Occupational Therapist",
    username: str = "",
    phone: str = "",
    email: str = "",
    actor_id: str | None = None,
) -> str:
    """A member of staff in the team; returns their id."""
    get_live(session, Team, team_id, what="team")
    try:
        role = StaffRole(role)
    except ValueError:
        raise ValidationError(f"The role {role!r} is not a staff role") from None
    therapist = Therapist(
        id=new_id(),
        team_id=team_id,
        full_name=required_text(full_name, what="the therapist's name", max_length=200),
        role=role,
        job_title=optional_text(job_title, what="the job title", max_length=200),
        username=optional_text(username, what="the user name", max_length=80),
        phone=optional_text(phone, what="the phone number", max_length=40),
        email=optional_text(email, what="the email", max_length=200),
    )
    session.add(therapist)
    record_change(session, actor_id=actor_id, record=therapist, created=True)
    return therapist.id


def therapist_in_team(session: Session, *, therapist_id: str, team_id: str) -> Therapist:
    """The therapist, checked to be a live member of the team."""
    therapist = get_live(session, Therapist, therapist_id, what="therapist")
    if therapist.team_id != team_id:
        raise ValidationError(f"{therapist.full_name} is not a member of this child's team")
    return therapist
