"""The team's strategy library and a child's home programme built from it."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from sqlalchemy import JSON, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import SyncedRecord, clinical_text


class LibraryStrategy(SyncedRecord):
    """A home or school strategy written by the team, with plain-language steps.

    The bundled library in resources/strategies seeds these; a team's own
    additions and edits sync like any other record.
    """

    __tablename__ = "library_strategy"
    __entity__ = "library_strategy"
    __team_level__: ClassVar[bool] = True

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    area: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    home_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    school_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: {"ar": {"title": …, "summary": …, "home_steps": […], "reviewed": false}, …}
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HomeProgramme(SyncedRecord):
    """A child's programme of strategies, tied to their goals, printed for family and school."""

    __tablename__ = "home_programme"
    __entity__ = "home_programme"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(200), default="Things to try at home")
    started_on: Mapped[date] = mapped_column(Date)
    #: What the family agreed to try this week, in plain words.
    this_week: Mapped[str] = clinical_text(type_=Text, default="")
    review_on: Mapped[date | None] = mapped_column(Date, default=None)


class ProgrammeStrategy(SyncedRecord):
    """One strategy chosen for a child's programme, and the goal it serves."""

    __tablename__ = "programme_strategy"
    __entity__ = "programme_strategy"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    programme_id: Mapped[str] = mapped_column(String(36), index=True)
    strategy_slug: Mapped[str] = mapped_column(String(80))
    goal_id: Mapped[str | None] = mapped_column(String(36), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    how_often: Mapped[str] = mapped_column(String(200), default="")
    personal_note: Mapped[str] = clinical_text(type_=Text, default="")
