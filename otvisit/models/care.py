"""Episodes of care and appointments: referral to discharge, booked to attended."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord, UTCDateTime, clinical_text
from otvisit.models.vocabulary import (
    AppointmentStatus,
    AppointmentType,
    DischargeReason,
    EpisodeStatus,
    Place,
)


class Episode(SyncedRecord):
    """An episode of care: referral accepted, appointments, discharge with a reason."""

    __tablename__ = "episode"
    __entity__ = "episode"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    referral_reason: Mapped[str] = clinical_text(type_=Text, default="")
    accepted_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[EpisodeStatus] = mapped_column(
        StrEnumType(EpisodeStatus), default=EpisodeStatus.REFERRED
    )
    #: Set when a did-not-attend proposes discharge; the therapist confirms or withdraws it.
    discharge_proposed_reason: Mapped[DischargeReason | None] = mapped_column(
        StrEnumType(DischargeReason), default=None
    )
    discharged_on: Mapped[date | None] = mapped_column(Date, default=None)
    discharge_reason: Mapped[DischargeReason | None] = mapped_column(
        StrEnumType(DischargeReason), default=None
    )
    discharge_summary: Mapped[str] = clinical_text(type_=Text, default="")
    discharged_by_id: Mapped[str | None] = mapped_column(String(36), default=None)


class Appointment(SyncedRecord):
    """A booked contact with the child or family, at home, nursery, school, clinic or online."""

    __tablename__ = "appointment"
    __entity__ = "appointment"
    # The caseload's "next appointment" reads only booked, future rows through this index.
    __table_args__ = (Index("ix_appointment_status_starts_at", "status", "starts_at"),)

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    episode_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    therapist_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    kind: Mapped[AppointmentType] = mapped_column(StrEnumType(AppointmentType))
    place: Mapped[Place] = mapped_column(StrEnumType(Place))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=45)
    group_session: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreter_booked: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreter_language: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[AppointmentStatus] = mapped_column(
        StrEnumType(AppointmentStatus), default=AppointmentStatus.BOOKED
    )
    #: How many times the family has moved this appointment (the service allows two).
    #: A counter: concurrent moves on two laptops add up when synced, never overwrite.
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0, info={"counter": True})
    #: Flagged as affected by service disruption (e.g. a strike day): the family must be contacted.
    disrupted: Mapped[bool] = mapped_column(Boolean, default=False)
    disruption_reason: Mapped[str] = mapped_column(String(200), default="")
    family_contacted: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = clinical_text(type_=Text, default="")
