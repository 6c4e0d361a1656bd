"""Participation goals in the family's words, measured with GAS and COPM."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord, clinical_text
from otvisit.models.vocabulary import GoalSetting, GoalStatus


class Goal(SyncedRecord):
    """A participation goal with its five GAS levels (-2 … +2), baseline and weight."""

    __tablename__ = "goal"
    __entity__ = "goal"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    episode_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    #: The goal as the child and family said it.
    wording: Mapped[str] = clinical_text(type_=Text)
    #: The goal in the family's written language, entered with the interpreter ("" if none).
    family_wording: Mapped[str] = clinical_text(type_=Text, default="")
    #: The language code of ``family_wording`` (e.g. "ar"), "" when there is none.
    family_language: Mapped[str] = mapped_column(String(16), default="")
    #: Where the goal is worked on; a school's letter carries school goals and "all" goals.
    setting: Mapped[GoalSetting] = mapped_column(StrEnumType(GoalSetting), default=GoalSetting.ALL)
    area: Mapped[str] = mapped_column(String(80), default="")
    set_on: Mapped[date] = mapped_column(Date)
    status: Mapped[GoalStatus] = mapped_column(StrEnumType(GoalStatus), default=GoalStatus.ACTIVE)
    gas_minus2: Mapped[str] = clinical_text(type_=Text, default="")
    gas_minus1: Mapped[str] = clinical_text(type_=Text, default="")
    gas_zero: Mapped[str] = clinical_text(type_=Text, default="")
    gas_plus1: Mapped[str] = clinical_text(type_=Text, default="")
    gas_plus2: Mapped[str] = clinical_text(type_=Text, default="")
    #: The level at the start, usually -1 or -2.
    gas_baseline: Mapped[int] = mapped_column(Integer, default=-1)
    gas_weight: Mapped[float] = mapped_column(Float, default=1.0)

    def gas_levels(self) -> dict[int, str]:
        """The five described levels, keyed -2 … +2."""
        return {
            -2: self.gas_minus2,
            -1: self.gas_minus1,
            0: self.gas_zero,
            1: self.gas_plus1,
            2: self.gas_plus2,
        }


class GasRating(SyncedRecord):
    """One GAS rating of a goal on a date (ratings accumulate over the episode)."""

    __tablename__ = "gas_rating"
    __entity__ = "gas_rating"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    goal_id: Mapped[str] = mapped_column(String(36), index=True)
    rated_on: Mapped[date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")


class CopmProblem(SyncedRecord):
    """A COPM occupational performance problem with ratings 1–10 at baseline and re-assessment."""

    __tablename__ = "copm_problem"
    __entity__ = "copm_problem"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    goal_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    occupation: Mapped[str] = clinical_text(type_=Text)
    importance: Mapped[int | None] = mapped_column(Integer, default=None)
    baseline_on: Mapped[date] = mapped_column(Date)
    baseline_performance: Mapped[int] = mapped_column(Integer)
    baseline_satisfaction: Mapped[int] = mapped_column(Integer)
    reassessed_on: Mapped[date | None] = mapped_column(Date, default=None)
    reassessed_performance: Mapped[int | None] = mapped_column(Integer, default=None)
    reassessed_satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)
