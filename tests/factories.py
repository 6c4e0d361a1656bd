"""Test data factories: valid records made through the services, with overridable details.

Each ``make_*`` takes the session and keyword overrides, creates what it needs
(a team for a child, an episode for an appointment, ...) and returns the ORM
record, flushed so its defaults are visible. NHS numbers come from the 999
test range and always pass the check digit.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import (
    Appointment,
    AttachmentBlob,
    AuditEvent,
    Base,
    Carer,
    Child,
    CopmProblem,
    Episode,
    EquipmentRecommendation,
    GasRating,
    Goal,
    HomeProgramme,
    LibraryStrategy,
    NoteAddendum,
    OutboxOp,
    SessionNote,
    SyncedRecord,
    Team,
    Therapist,
    new_id,
)
from otvisit.models.registry import SYNCED_MODELS
from otvisit.models.vocabulary import AppointmentType, Place
from otvisit.services import (
    appointments,
    children,
    copm,
    episodes,
    equipment,
    goals,
    notes,
    programmes,
)
from otvisit.services import team as team_service
from otvisit.services.nhs_number import check_digit

R = TypeVar("R", bound=SyncedRecord)

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LEVELS = {
    -2: "Sam needs help with every step of putting his coat on",
    -1: "Sam puts his arms in the sleeves when the coat is held for him",
    0: "Sam puts his coat on by himself before outdoor play",
    1: "Sam puts his coat on and does the zip with a little help",
    2: "Sam puts his coat on and does the zip by himself",
}


def _nhs_numbers() -> Iterator[str]:
    for serial in itertools.count(1):
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield f"{first_nine}{digit}"


_NUMBERS = _nhs_numbers()


def next_nhs_number() -> str:
    """A fresh, valid NHS number from the 999 test range."""
    return next(_NUMBERS)


def _flushed(session: Session, model: type[R], record_id: str) -> R:
    session.flush()
    record = session.get(model, record_id)
    assert record is not None
    return record


def make_team(session: Session, **overrides: Any) -> Team:
    values: dict[str, Any] = {"name": "Riverside Children's OT", "phone": "020 3049 8181"}
    return _flushed(session, Team, team_service.create_team(session, **{**values, **overrides}))


def make_therapist(session: Session, *, team: Team | None = None, **overrides: Any) -> Therapist:
    owner = team or make_team(session)
    values: dict[str, Any] = {"full_name": "Priya Shah", "email": "priya.shah@nhs.example"}
    therapist_id = team_service.add_therapist(session, team_id=owner.id, **{**values, **overrides})
    return _flushed(session, Therapist, therapist_id)


def make_child(
    session: Session,
    *,
    team: Team | None = None,
    therapist: Therapist | None = None,
    **overrides: Any,
) -> Child:
    owner = team or (therapist and session.get(Team, therapist.team_id)) or make_team(session)
    values: dict[str, Any] = {
        "given_name": "Sam",
        "family_name": "Okafor",
        "date_of_birth": date(2019, 3, 1),
        "nhs_number": next_nhs_number(),
        "setting_type": "school",
        "setting_name": "Riverside Primary School",
        "setting_contact_name": "Ms Ade",
        "today": TODAY,
    }
    child_id = children.create_child(
        session,
        team_id=owner.id,
        therapist_id=therapist.id if therapist else None,
        **{**values, **overrides},
    )
    return _flushed(session, Child, child_id)


def make_carer(session: Session, *, child: Child | None = None, **overrides: Any) -> Carer:
    owner = child or make_child(session)
    values: dict[str, Any] = {
        "full_name": "Grace Okafor",
        "relationship": "Mother",
        "phone": "07700 900123",
        "main_contact": True,
    }
    return _flushed(
        session, Carer, children.add_carer(session, child_id=owner.id, **{**values, **overrides})
    )


def make_episode(
    session: Session, *, child: Child | None = None, accepted: bool = True, **overrides: Any
) -> Episode:
    owner = child or make_child(session)
    values: dict[str, Any] = {
        "referred_on": TODAY - timedelta(days=60),
        "referral_reason": "Dressing",
    }
    episode_id = episodes.open_referral(session, child_id=owner.id, **{**values, **overrides})
    if accepted:
        episodes.accept_referral(
            session, episode_id=episode_id, accepted_on=TODAY - timedelta(days=50)
        )
    return _flushed(session, Episode, episode_id)


def make_appointment(
    session: Session, *, child: Child | None = None, **overrides: Any
) -> Appointment:
    owner = child or make_child(session)
    if (
        episodes.current_episode(session, child_id=owner.id) is None
        and "episode_id" not in overrides
    ):
        make_episode(session, child=owner)
    values: dict[str, Any] = {
        "starts_at": NOW + timedelta(days=7),
        "kind": AppointmentType.INTERVENTION,
        "place": Place.HOME,
    }
    appointment_id = appointments.book_appointment(
        session, child_id=owner.id, **{**values, **overrides}
    )
    return _flushed(session, Appointment, appointment_id)


def make_goal(session: Session, *, child: Child | None = None, **overrides: Any) -> Goal:
    owner = child or make_child(session)
    values: dict[str, Any] = {
        "wording": "Sam will put his coat on by himself before outdoor play",
        "levels": LEVELS,
        "set_on": TODAY - timedelta(days=40),
        "baseline": -1,
    }
    return _flushed(
        session, Goal, goals.create_goal(session, child_id=owner.id, **{**values, **overrides})
    )


def make_rating(session: Session, *, goal: Goal | None = None, **overrides: Any) -> GasRating:
    target = goal or make_goal(session)
    values: dict[str, Any] = {"level": 0, "rated_on": TODAY, "today": TODAY}
    rating_id = goals.rate_goal(session, goal_id=target.id, **{**values, **overrides})
    return _flushed(session, GasRating, rating_id)


def make_copm_problem(
    session: Session, *, child: Child | None = None, **overrides: Any
) -> CopmProblem:
    owner = child or make_child(session)
    values: dict[str, Any] = {
        "occupation": "Getting dressed for school",
        "baseline_on": TODAY - timedelta(days=40),
        "performance": 3,
        "satisfaction": 2,
        "importance": 9,
    }
    problem_id = copm.add_copm_problem(session, child_id=owner.id, **{**values, **overrides})
    return _flushed(session, CopmProblem, problem_id)


def make_note(
    session: Session,
    *,
    child: Child | None = None,
    author: Therapist | None = None,
    signed: bool = False,
    **overrides: Any,
) -> SessionNote:
    owner = child or make_child(session)
    writer = author or make_therapist(session, team=session.get(Team, owner.team_id))
    values: dict[str, Any] = {
        "seen_on": TODAY,
        "place": Place.HOME,
        "attendees": [
            {"role": "child", "name": owner.given_name},
            {"role": "parent", "name": "Grace"},
        ],
        "body": "Practised the coat flip three times; Sam managed the last one alone.",
        "plan": "Family to practise before school each day.",
    }
    note_id = notes.create_note(
        session, child_id=owner.id, author_id=writer.id, **{**values, **overrides}
    )
    if signed:
        notes.sign_note(session, note_id=note_id, actor_id=writer.id, now=NOW)
    return _flushed(session, SessionNote, note_id)


def make_addendum(
    session: Session, *, note: SessionNote, text: str = "Mother phoned: going well."
) -> NoteAddendum:
    addendum_id = notes.add_addendum(
        session, note_id=note.id, author_id=note.author_id, text=text, now=NOW
    )
    return _flushed(session, NoteAddendum, addendum_id)


def make_equipment(
    session: Session, *, child: Child | None = None, **overrides: Any
) -> EquipmentRecommendation:
    owner = child or make_child(session)
    values: dict[str, Any] = {
        "item": "Height-adjustable chair with footrest",
        "setting": Place.SCHOOL,
        "functional_need": "Sits with feet supported to write at the table",
        "recommended_on": TODAY,
        "measurements": {"seat_height": 31.0, "footplate_height": 18.5, "table_height": 53.0},
    }
    rec_id = equipment.recommend_equipment(session, child_id=owner.id, **{**values, **overrides})
    return _flushed(session, EquipmentRecommendation, rec_id)


def make_library_strategy(session: Session, *, team: Team, **overrides: Any) -> LibraryStrategy:
    """A strategy in the team's library (written directly: seeding has its own tests)."""
    values: dict[str, Any] = {
        "slug": f"dressing-coat-flip-{new_id()[:6]}",
        "area": "dressing",
        "title": "The coat flip",
        "summary": "A simple way to put a coat on without help.",
        "home_steps": ["Lay the coat on the floor."],
    }
    strategy = LibraryStrategy(id=new_id(), team_id=team.id, **{**values, **overrides})
    session.add(strategy)
    session.flush()
    return strategy


def make_programme(
    session: Session, *, child: Child | None = None, **overrides: Any
) -> HomeProgramme:
    owner = child or make_child(session)
    values: dict[str, Any] = {"started_on": TODAY}
    programme_id = programmes.create_home_programme(
        session, child_id=owner.id, **{**values, **overrides}
    )
    return _flushed(session, HomeProgramme, programme_id)


def counts(session: Session) -> Mapping[str, int]:
    """Rows in each synced table, the outbox and the audit log (to prove nothing moved)."""
    models: list[type[Base]] = [*SYNCED_MODELS, OutboxOp, AuditEvent, AttachmentBlob]
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in models
    }


def outbox_ops(session: Session, record: SyncedRecord) -> list[OutboxOp]:
    """The outbox operations written for one record, oldest first."""
    session.flush()
    return list(
        session.scalars(
            select(OutboxOp).where(OutboxOp.record_id == record.id).order_by(OutboxOp.seq)
        )
    )
