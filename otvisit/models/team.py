"""The team and its staff: who holds which child's caseload."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord
from otvisit.models.vocabulary import StaffRole


class Team(SyncedRecord):
    """A community OT team; every child belongs to one team's caseload."""

    __tablename__ = "team"
    __entity__ = "team"
    __team_level__: ClassVar[bool] = True

    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    language_line_phone: Mapped[str] = mapped_column(String(40), default="020 7188 8815")
    #: The team's logo for letterheads: a small PNG (at most 600 × 240 px) as base64, or "".
    #: Set in the team console (``otvisit/services/team_logo.py`` cleans it); laptops only read it.
    logo_png: Mapped[str] = mapped_column(Text, default="")


class Therapist(SyncedRecord):
    """A member of staff: occupational therapist, assistant or team lead."""

    __tablename__ = "therapist"
    __entity__ = "therapist"
    __team_level__: ClassVar[bool] = True

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    username: Mapped[str] = mapped_column(String(80), default="")
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(StrEnumType(StaffRole), default=StaffRole.THERAPIST)
    job_title: Mapped[str] = mapped_column(String(200), default="Occupational Therapist")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
