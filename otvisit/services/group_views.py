"""What the Groups screen and a child's record read about group sessions (plain rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otvisit.models import Child, Therapist
from otvisit.models.groups import CoachingProgramme, GroupPlace, GroupSession, PlaceStatus
from otvisit.models.vocabulary import EpisodeStatus
from otvisit.services.episodes import current_episode
from otvisit.services.nhs_number import format_nhs_number
from otvisit.services.records import get_live


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One group session in the list."""

    group_session_id: str
    title: str
    programme: str
    starts_at: datetime
    place: str
    location: str
    therapist: str
    families: int
    capacity: int
    attended: int
    has_note: bool
    cancelled: bool


@dataclass(frozen=True, slots=True)
class InterpreterNeed:
    """One language needed in a group, and the families who need it."""

    language: str
    families: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegisterLine:
    """One family on a group session's register."""

    place_id: str
    child_id: str
    child_name: str
    nhs_display: str
    status: PlaceStatus
    interpreter_language: str
    reschedule_count: int
    entry: str


@dataclass(frozen=True, slots=True)
class GroupRegister:
    """A group session with its register and note."""

    group_session_id: str
    title: str
    starts_at: datetime
    place: str
    location: str
    note: str
    programme_id: str | None
    lines: tuple[RegisterLine, ...]
    interpreter_needs: tuple[InterpreterNeed, ...]
    #: Other sessions a family could move to: (id, title and time).
    other_sessions: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ChildGroupEntry:
    """A group session as a child's record shows it: the group note and their own entry."""

    group_session_id: str
    title: str
    starts_at: datetime
    status: PlaceStatus
    group_note: str
    entry: str


@dataclass(frozen=True, slots=True)
class FamilyChoice:
    """A child who may be booked into a group (accepted referral or in treatment)."""

    child_id: str
    name: str
    nhs_display: str
    interpreter_language: str


def list_group_sessions(session: Session) -> list[GroupRow]:
    """Every live group session on this laptop, soonest last-first (newest on top)."""
    programmes = dict(session.execute(select(CoachingProgramme.id, CoachingProgramme.title)).all())
    therapists = dict(session.execute(select(Therapist.id, Therapist.full_name)).all())
    counts: dict[str, dict[PlaceStatus, int]] = defaultdict(dict)
    for group_id, status, count in session.execute(
        select(GroupPlace.group_session_id, GroupPlace.status, func.count())
        .where(GroupPlace.deleted.is_(False))
        .group_by(GroupPlace.group_session_id, GroupPlace.status)
    ):
        counts[group_id][status] = count
    groups = session.scalars(
        select(GroupSession)
        .where(GroupSession.deleted.is_(False))
        .order_by(GroupSession.starts_at.desc(), GroupSession.id)
    )
    rows = []
    for group in groups:
        tally = counts.get(group.id, {})
        rows.append(
            GroupRow(
                group_session_id=group.id,
                title=group.title,
                programme=programmes.get(group.programme_id or "", ""),
                starts_at=group.starts_at,
                place=group.place.value,
                location=group.location,
                therapist=therapists.get(group.therapist_id or "", ""),
                families=sum(n for s, n in tally.items() if s is not PlaceStatus.MOVED),
                capacity=group.capacity,
                attended=tally.get(PlaceStatus.ATTENDED, 0),
                has_note=bool(group.note),
                cancelled=group.cancelled,
            )
        )
    return rows


def needs_by_language(families: Iterable[tuple[str, str]]) -> list[InterpreterNeed]:
    """(family name, interpreter language or "") pairs as the interpreters to book, by language."""
    by_language: dict[str, list[str]] = defaultdict(list)
    for name, language in families:
        if language:
            by_language[language].append(name)
    return [
        InterpreterNeed(language, tuple(sorted(names)))
        for language, names in sorted(by_language.items())
    ]


def interpreter_needs(session: Session, *, child_ids: list[str]) -> list[InterpreterNeed]:
    """The interpreters a group needs, by language, each with the families who need one."""
    if not child_ids:
        return []
    children = session.scalars(
        select(Child).where(Child.id.in_(child_ids), Child.deleted.is_(False))
    )
    return needs_by_language(
        (c.display_name, (c.interpreter_language or "language not recorded"))
        for c in children
        if c.interpreter_needed
    )


def list_programmes(session: Session) -> list[tuple[str, str]]:
    """The coaching programmes on this laptop: (id, title), newest first."""
    rows = session.execute(
        select(CoachingProgramme.id, CoachingProgramme.title)
        .where(CoachingProgramme.deleted.is_(False))
        .order_by(CoachingProgramme.starts_on.desc(), CoachingProgramme.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def family_choices(session: Session) -> list[FamilyChoice]:
    """Children who can be booked into a group, by name."""
    children = session.scalars(
        select(Child).where(Child.deleted.is_(False)).order_by(Child.family_name, Child.given_name)
    )
    found = []
    for child in children:
        episode = current_episode(session, child_id=child.id)
        if episode is None or episode.status not in (EpisodeStatus.ACCEPTED, EpisodeStatus.OPEN):
            continue
        found.append(
            FamilyChoice(
                child.id,
                child.display_name,
                format_nhs_number(child.nhs_number),
                child.interpreter_language if child.interpreter_needed else "",
            )
        )
    return found


def group_register(session: Session, *, group_session_id: str) -> GroupRegister:
    """A group session's register, families by name, with the interpreters it needs."""
    group = get_live(session, GroupSession, group_session_id, what="group session")
    rows = session.execute(
        select(GroupPlace, Child)
        .join(Child, Child.id == GroupPlace.child_id)
        .where(GroupPlace.group_session_id == group.id, GroupPlace.deleted.is_(False))
        .order_by(Child.family_name, Child.given_name, Child.id)
    ).all()
    lines = tuple(
        RegisterLine(
            place.id,
            child.id,
            child.display_name,
            format_nhs_number(child.nhs_number),
            place.status,
            place.interpreter_language,
            place.reschedule_count,
            place.entry,
        )
        for place, child in rows
    )
    needs = interpreter_needs(
        session, child_ids=[line.child_id for line in lines if line.status is not PlaceStatus.MOVED]
    )
    others = session.scalars(
        select(GroupSession)
        .where(
            GroupSession.deleted.is_(False),
            GroupSession.cancelled.is_(False),
            GroupSession.id != group.id,
            GroupSession.team_id == group.team_id,
        )
        .order_by(GroupSession.starts_at)
    )
    return GroupRegister(
        group_session_id=group.id,
        title=group.title,
        starts_at=group.starts_at,
        place=group.place.value,
        location=group.location,
        note=group.note,
        programme_id=group.programme_id,
        lines=lines,
        interpreter_needs=tuple(needs),
        other_sessions=tuple(
            (other.id, f"{other.title} — {other.starts_at.astimezone():%d %b %Y %H:%M}")
            for other in others
        ),
    )


def child_group_entries(session: Session, *, child_id: str) -> list[ChildGroupEntry]:
    """The group sessions a child had a place in, newest first, with the group note."""
    rows = session.execute(
        select(GroupPlace, GroupSession)
        .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .where(
            GroupPlace.child_id == child_id,
            GroupPlace.deleted.is_(False),
            GroupSession.deleted.is_(False),
        )
        .order_by(GroupSession.starts_at.desc(), GroupSession.id)
    ).all()
    return [
        ChildGroupEntry(
            group.id, group.title, group.starts_at, place.status, group.note, place.entry
        )
        for place, group in rows
    ]
