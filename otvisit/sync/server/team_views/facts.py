"""The console's projection: typed copies of the synced fields its figures need, one row a record.

Written by ``projection`` in the transaction that writes the record (push, allocation, a
child moved between teams), so they always agree with the ``record`` table. Deleted records
have no row. Every table is scoped by ``team_id`` and read through a (team_id, …) index.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import UTCDateTime
from otvisit.sync.server.schema import ServerBase


class ChildFact(ServerBase):
    """A child on a team's caseload: who holds them, where they are, the family's language."""

    __tablename__ = "child_fact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), index=True)
    therapist_id: Mapped[str | None] = mapped_column(String(36), default=None)
    display_name: Mapped[str] = mapped_column(String(210), default="")
    nhs_number: Mapped[str] = mapped_column(String(10), default="")
    setting_type: Mapped[str] = mapped_column(String(20), default="none")
    setting_name: Mapped[str] = mapped_column(String(200), default="")
    written_language: Mapped[str] = mapped_column(String(40), default="en")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreter_language: Mapped[str] = mapped_column(String(40), default="")


class EpisodeFact(ServerBase):
    __tablename__ = "episode_fact"
    __table_args__ = (Index("ix_episode_fact_team_id_child_id", "team_id", "child_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[str] = mapped_column(String(36))
    referred_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="referred")
    discharged_on: Mapped[date | None] = mapped_column(Date, default=None)


class ReferralFact(ServerBase):
    __tablename__ = "referral_fact"
    __table_args__ = (Index("ix_referral_fact_team_id_status", "team_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[str] = mapped_column(String(36))
    received_on: Mapped[date | None] = mapped_column(Date, default=None)
    priority: Mapped[str] = mapped_column(String(20), default="routine")
    status: Mapped[str] = mapped_column(String(20), default="received")
    episode_id: Mapped[str | None] = mapped_column(String(36), default=None)


class AppointmentFact(ServerBase):
    """An appointment, with the service day (Europe/London) it falls on, worked out on write."""

    __tablename__ = "appointment_fact"
    __table_args__ = (
        Index("ix_appointment_fact_team_id_service_day", "team_id", "service_day"),
        Index("ix_appointment_fact_team_id_episode_id", "team_id", "episode_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[str] = mapped_column(String(36))
    episode_id: Mapped[str | None] = mapped_column(String(36), default=None)
    status: Mapped[str] = mapped_column(String(20), default="booked")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    service_day: Mapped[date | None] = mapped_column(Date, default=None)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)


class GoalFact(ServerBase):
    __tablename__ = "goal_fact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), index=True)
    child_id: Mapped[str] = mapped_column(String(36))
    episode_id: Mapped[str | None] = mapped_column(String(36), default=None)
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class GasRatingFact(ServerBase):
    __tablename__ = "gas_rating_fact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), index=True)
    child_id: Mapped[str] = mapped_column(String(36))
    goal_id: Mapped[str] = mapped_column(String(36))
    rated_on: Mapped[date | None] = mapped_column(Date, default=None)
    level: Mapped[int] = mapped_column(Integer, default=0)


class CopmFact(ServerBase):
    __tablename__ = "copm_fact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), index=True)
    child_id: Mapped[str] = mapped_column(String(36))
    baseline_performance: Mapped[int] = mapped_column(Integer)
    baseline_satisfaction: Mapped[int] = mapped_column(Integer)
    reassessed_on: Mapped[date | None] = mapped_column(Date, default=None)
    reassessed_performance: Mapped[int | None] = mapped_column(Integer, default=None)
    reassessed_satisfaction: Mapped[int | None] = mapped_column(Integer, default=None)


class SurveyFact(ServerBase):
    """A family-experience survey (no child): its ratings kept as the wire's JSON text."""

    __tablename__ = "survey_fact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), index=True)
    received_on: Mapped[date | None] = mapped_column(Date, default=None)
    ratings: Mapped[str] = mapped_column(Text, default="{}")
    comments: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(40), default="en")


#: The fact table of each projected entity.
FACT_TABLES: dict[str, type[ServerBase]] = {
    "child": ChildFact,
    "episode": EpisodeFact,
    "referral": ReferralFact,
    "appointment": AppointmentFact,
    "goal": GoalFact,
    "gas_rating": GasRatingFact,
    "copm_problem": CopmFact,
    "feedback_survey": SurveyFact,
}
