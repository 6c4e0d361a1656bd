"""Session notes: a clinical record, immutable once signed, corrected only by addenda."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import StrEnumType, SyncedRecord, UTCDateTime, clinical_text
from otvisit.models.vocabulary import Place


class SessionNote(SyncedRecord):
    """What happened at a session: who was there, goals addressed, what was done, the plan."""

    __tablename__ = "session_note"
    __entity__ = "session_note"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    episode_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    appointment_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    author_id: Mapped[str] = mapped_column(String(36), index=True)
    seen_on: Mapped[date] = mapped_column(Date)
    place: Mapped[Place] = mapped_column(StrEnumType(Place))
    #: Who was present: [{"role": "parent", "name": "…", "language": "…"}].
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(40), default="")
    #: Ids of the goals this session addressed.
    goals_addressed: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Strategy library ids given to the family or school at this session.
    strategies_given: Mapped[list[str]] = mapped_column(JSON, default=list)
    body: Mapped[str] = clinical_text(type_=Text, default="")
    plan: Mapped[str] = clinical_text(type_=Text, default="")
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    signed_by_id: Mapped[str | None] = mapped_column(String(36), default=None)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class NoteAddendum(SyncedRecord):
    """A dated correction or addition to a signed note, by the note's author."""

    __tablename__ = "note_addendum"
    __entity__ = "note_addendum"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    note_id: Mapped[str] = mapped_column(String(36), index=True)
    author_id: Mapped[str] = mapped_column(String(36))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = clinical_text(type_=Text)
