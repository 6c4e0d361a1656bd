"""The child's way into the service and the checks before a missed child leaves it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord, clinical_text
from otvisit.models.vocabulary import (
    ContactOutcome,
    ReferralPriority,
    ReferralSource,
    ReferralStatus,
)

#: Column info marking a decision: two laptops deciding differently is a conflict, never
#: last-write-wins (a referral accepted on one laptop and declined on another).
DECISION = {"decision": True}


class Referral(SyncedRecord):
    """A referral received for a child: accepted (an episode of care opens) or declined."""

    __tablename__ = "referral"
    __entity__ = "referral"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    source: Mapped[ReferralSource] = mapped_column(StrEnumType(ReferralSource))
    referrer_name: Mapped[str] = mapped_column(String(200), default="")
    #: Where the referrer's letter goes (practice or school address).
    referrer_address: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = clinical_text(type_=Text, default="")
    priority: Mapped[ReferralPriority] = mapped_column(
        StrEnumType(ReferralPriority), default=ReferralPriority.ROUTINE
    )
    status: Mapped[ReferralStatus] = mapped_column(
        StrEnumType(ReferralStatus), default=ReferralStatus.RECEIVED, info=DECISION
    )
    decided_on: Mapped[date | None] = mapped_column(Date, default=None, info=DECISION)
    decided_by_id: Mapped[str | None] = mapped_column(String(36), default=None, info=DECISION)
    decline_reason: Mapped[str] = clinical_text(type_=Text, default="", info=DECISION)
    #: The parents' or carers' agreement to the referral: None when it was not asked
    #: (imported, or received before the form asked).
    family_consent: Mapped[bool | None] = mapped_column(Boolean, default=None)
    #: The episode of care opened when the referral was accepted.
    episode_id: Mapped[str | None] = mapped_column(
        String(36), index=True, default=None, info=DECISION
    )


class SafeguardingCheck(SyncedRecord):
    """The short check before a child who was not brought (or not found at home) is discharged.

    ``None`` in a yes/no answer means not answered yet: the check is complete only when both
    questions are answered and the GP, the health visitor or school nurse and the referrer
    have been told.
    """

    __tablename__ = "safeguarding_check"
    __entity__ = "safeguarding_check"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    episode_id: Mapped[str] = mapped_column(String(36), index=True)
    #: The missed appointment that proposed the discharge.
    appointment_id: Mapped[str | None] = mapped_column(String(36), default=None)
    known_to_social_care: Mapped[bool | None] = mapped_column(Boolean, default=None)
    concern: Mapped[bool | None] = mapped_column(Boolean, default=None)
    concern_details: Mapped[str] = clinical_text(type_=Text, default="")
    told_gp: Mapped[bool] = mapped_column(Boolean, default=False)
    told_health_visitor_or_school_nurse: Mapped[bool] = mapped_column(Boolean, default=False)
    told_referrer: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_on: Mapped[date | None] = mapped_column(Date, default=None)
    checked_by_id: Mapped[str | None] = mapped_column(String(36), default=None)


class DisruptionContact(SyncedRecord):
    """One family to phone about a disrupted day (a strike day): once per family, however many
    children or appointments it has that day.

    Its id is derived from the team, the day and the family, so two laptops that make the
    list offline make the same record, and their ticks merge instead of doubling the family.
    """

    __tablename__ = "disruption_contact"
    __entity__ = "disruption_contact"

    #: The first child of the family (records scope by child); the others in ``child_ids``.
    child_id: Mapped[str] = mapped_column(String(36), index=True)
    child_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    day: Mapped[date] = mapped_column(Date, index=True)
    family_key: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(40), default="en")
    interpreter_language: Mapped[str] = mapped_column(String(40), default="")
    appointment_count: Mapped[int] = mapped_column(Integer, default=1)
    # A call's outcome is a decision: a colleague's tick is never undone by another laptop's
    # older copy of the list (that becomes a conflict, shown to the therapist).
    contacted: Mapped[bool] = mapped_column(Boolean, default=False, info=DECISION)
    outcome: Mapped[ContactOutcome | None] = mapped_column(
        StrEnumType(ContactOutcome), default=None, info=DECISION
    )
    contacted_on: Mapped[date | None] = mapped_column(Date, default=None, info=DECISION)
    contacted_by_id: Mapped[str | None] = mapped_column(String(36), default=None, info=DECISION)
    note: Mapped[str] = mapped_column(Text, default="", info=DECISION)
