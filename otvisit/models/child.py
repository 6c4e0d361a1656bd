"""The child and the people around them: carers, nursery or school, GP."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord
from otvisit.models.vocabulary import SettingType


class Child(SyncedRecord):
    """A child on a team's caseload. child_id equals id, so every record scopes the same way."""

    __tablename__ = "child"
    __entity__ = "child"

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    #: The therapist who holds the child on their caseload (None: unallocated).
    therapist_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[date] = mapped_column(Date)
    #: Ten digits, no spaces, check digit validated by the services.
    nhs_number: Mapped[str] = mapped_column(String(10), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    spoken_language: Mapped[str] = mapped_column(String(40), default="en")
    written_language: Mapped[str] = mapped_column(String(40), default="en")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreter_language: Mapped[str] = mapped_column(String(40), default="")
    #: Accessible Information Standard needs: codes such as "large_print", "easy_read".
    access_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    access_notes: Mapped[str] = mapped_column(Text, default="")
    setting_type: Mapped[SettingType] = mapped_column(
        StrEnumType(SettingType), default=SettingType.NONE
    )
    setting_name: Mapped[str] = mapped_column(String(200), default="")
    setting_address: Mapped[str] = mapped_column(Text, default="")
    setting_contact_name: Mapped[str] = mapped_column(String(200), default="")
    setting_contact_role: Mapped[str] = mapped_column(String(200), default="")
    setting_contact_phone: Mapped[str] = mapped_column(String(40), default="")
    setting_contact_email: Mapped[str] = mapped_column(String(200), default="")
    gp_name: Mapped[str] = mapped_column(String(200), default="")
    gp_practice: Mapped[str] = mapped_column(String(200), default="")
    gp_address: Mapped[str] = mapped_column(Text, default="")
    gp_phone: Mapped[str] = mapped_column(String(40), default="")

    @property
    def child_id(self) -> str:
        return self.id

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    def __repr__(self) -> str:
        return f"<Child {self.id[:8]} {self.display_name!r}>"


class Carer(SyncedRecord):
    """A parent or carer of a child, with how to contact them."""

    __tablename__ = "carer"
    __entity__ = "carer"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(80), default="Parent")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=True)
    main_contact: Mapped[bool] = mapped_column(Boolean, default=False)
