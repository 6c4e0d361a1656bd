"""Group sessions and parent coaching: a programme, its sessions, and each family's place."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord, UTCDateTime, clinical_text
from otvisit.models.vocabulary import AppointmentType, Place

#: Fixed namespace of otvisit's deterministic ids (never change it: ids are on the server).
_NAMESPACE = uuid.UUID("6b1f3c3e-8d0a-4f53-9a39-7e2c0f1b9d21")


class PlaceStatus(enum.StrEnum):
    """A family's mark on a group session's register."""

    BOOKED = "booked"
    ATTENDED = "attended"
    CANCELLED = "cancelled"
    NOT_BROUGHT = "not_brought"
    #: The family asked for another session: their place moved there (see moved_to_session_id).
    MOVED = "moved"


def place_id(group_session_id: str, child_id: str) -> str:
    """One place per (group session, child) on every laptop: the same id everywhere."""
    return str(uuid.uuid5(_NAMESPACE, f"group_place/{group_session_id}/{child_id}"))


def programme_copm_id(programme_id: str, copm_problem_id: str) -> str:
    """The link of one COPM problem to a coaching programme, the same on every laptop."""
    return str(uuid.uuid5(_NAMESPACE, f"programme_copm/{programme_id}/{copm_problem_id}"))


class CoachingProgramme(SyncedRecord):
    """A series of group sessions (e.g. six weekly parent-coaching sessions)."""

    __tablename__ = "coaching_programme"
    __entity__ = "coaching_programme"
    __team_level__: ClassVar[bool] = True

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(200))
    therapist_id: Mapped[str | None] = mapped_column(String(36), default=None)
    starts_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")


class GroupSession(SyncedRecord):
    """One booking for many families, in person (a place) or virtual (a link), with one note."""

    __tablename__ = "group_session"
    __entity__ = "group_session"
    __team_level__: ClassVar[bool] = True

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    programme_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AppointmentType] = mapped_column(
        StrEnumType(AppointmentType), default=AppointmentType.PARENT_COACHING
    )
    place: Mapped[Place] = mapped_column(StrEnumType(Place))
    #: The room and address, or the video link for a virtual session.
    location: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    therapist_id: Mapped[str | None] = mapped_column(String(36), default=None)
    capacity: Mapped[int] = mapped_column(Integer, default=8)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The group note: written once for the whole group, shown in every child's record.
    note: Mapped[str] = clinical_text(type_=Text, default="")
    note_by_id: Mapped[str | None] = mapped_column(String(36), default=None)


class GroupPlace(SyncedRecord):
    """One family's place in one group session: its register mark and a short entry."""

    __tablename__ = "group_place"
    __entity__ = "group_place"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    group_session_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[PlaceStatus] = mapped_column(
        StrEnumType(PlaceStatus), default=PlaceStatus.BOOKED
    )
    marked_by_id: Mapped[str | None] = mapped_column(String(36), default=None)
    #: Family reschedules so far (carried to the new place): the service allows two.
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0, info={"counter": True})
    moved_to_session_id: Mapped[str | None] = mapped_column(String(36), default=None)
    #: Booked with an interpreter in this language ("" when none is needed).
    interpreter_language: Mapped[str] = mapped_column(String(40), default="")
    #: The short per-child entry that goes with the group note.
    entry: Mapped[str] = clinical_text(type_=Text, default="")


class ProgrammeCopm(SyncedRecord):
    """A family's COPM problem measured before and after a coaching programme."""

    __tablename__ = "programme_copm"
    __entity__ = "programme_copm"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    programme_id: Mapped[str] = mapped_column(String(36), index=True)
    copm_problem_id: Mapped[str] = mapped_column(String(36))
