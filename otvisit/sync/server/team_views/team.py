"""Reading one team's facts: the children with their therapist, and the team's therapists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from otvisit.sync.server.schema import User
from otvisit.sync.server.team_views.facts import ChildFact, EpisodeFact

UNALLOCATED = "Unallocated"


@dataclass(frozen=True, slots=True)
class ChildRow:
    id: str
    therapist_id: str | None
    name: str
    nhs_number: str
    setting_type: str
    setting_name: str
    written_language: str
    interpreter_needed: bool
    interpreter_language: str


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    name: str
    role: str
    disabled: bool


def read(session: Session, statement: Any) -> list[Any]:
    """Plain rows fetched at once, without the ORM's loading step (thousands of tuples)."""
    return list(session.connection().execute(statement).all())


def team_children(session: Session, *, team_id: str) -> dict[str, ChildRow]:
    c = ChildFact
    rows = read(
        session,
        select(c.id, c.therapist_id, c.display_name, c.nhs_number, c.setting_type,
               c.setting_name, c.written_language, c.interpreter_needed,
               c.interpreter_language).where(c.team_id == team_id)
    )  # fmt: skip
    return {row[0]: ChildRow(*row) for row in rows}


def team_staff(session: Session, *, team_id: str) -> dict[str, Staff]:
    rows = session.execute(
        select(User.id, User.full_name, User.role, User.disabled)
        .where(User.team_id == team_id)
        .order_by(User.full_name)
    )
    return {row[0]: Staff(*row) for row in rows}


def therapist_name(staff: dict[str, Staff], therapist_id: str | None) -> str:
    if therapist_id is None:
        return UNALLOCATED
    found = staff.get(therapist_id)
    return found.name if found else "Not in this team"


def newest_episodes(session: Session, *, team_id: str) -> dict[str, str]:
    """Each child's newest episode's status (by date referred, then id)."""
    e = EpisodeFact
    rows = read(
        session, select(e.child_id, e.referred_on, e.id, e.status).where(e.team_id == team_id)
    )
    newest: dict[str, tuple[str, str, str]] = {}
    for child, referred, episode, status in rows:
        key = (referred.isoformat() if referred else "", episode, status)
        if child not in newest or key > newest[child]:
            newest[child] = key
    return {child: key[2] for child, key in newest.items()}
