"""Photos, scans and PDFs attached to a child's record, the photo consent, and their bytes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import Base, StrEnumType, SyncedRecord, UTCDateTime, utcnow
from otvisit.models.vocabulary import (
    AttachmentKind,
    AttachmentMediaType,
    AttachmentSubject,
    ConsentUse,
)


class PhotoConsent(SyncedRecord):
    """Who agreed that the child may be photographed, when, and for what use."""

    __tablename__ = "photo_consent"
    __entity__ = "photo_consent"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    #: The person who gave consent (a parent or carer, or the young person) and who they are.
    given_by: Mapped[str] = mapped_column(String(200))
    given_by_relationship: Mapped[str] = mapped_column(String(80), default="")
    given_on: Mapped[date] = mapped_column(Date)
    use: Mapped[ConsentUse] = mapped_column(StrEnumType(ConsentUse), default=ConsentUse.RECORD)
    recorded_by: Mapped[str | None] = mapped_column(String(36), default=None)
    withdrawn_on: Mapped[date | None] = mapped_column(Date, default=None)
    withdrawn_by: Mapped[str | None] = mapped_column(String(36), default=None)


class Attachment(SyncedRecord):
    """One photo, scan or PDF: its metadata syncs like a record; its bytes go by content hash."""

    __tablename__ = "attachment"
    __entity__ = "attachment"

    child_id: Mapped[str] = mapped_column(String(36), index=True)
    subject_kind: Mapped[AttachmentSubject] = mapped_column(
        StrEnumType(AttachmentSubject), default=AttachmentSubject.CHILD
    )
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    #: SHA-256 of the stored bytes (hex): the key of its attachment_blob.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[AttachmentMediaType] = mapped_column(StrEnumType(AttachmentMediaType))
    byte_size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[AttachmentKind] = mapped_column(StrEnumType(AttachmentKind))
    caption: Mapped[str] = mapped_column(Text, default="")
    taken_on: Mapped[date] = mapped_column(Date)
    #: The photo consent it was taken under (None for scans and documents).
    consent_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    created_by: Mapped[str | None] = mapped_column(String(36), default=None)


class AttachmentBlob(Base):
    """That this laptop holds the bytes of an attachment, once per SHA-256; not a record.

    The bytes are in an encrypted file beside the store (``otvisit.models.blob_files``).
    ``sent`` is set when the team's server has confirmed it holds these bytes.
    """

    __tablename__ = "attachment_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    byte_size: Mapped[int] = mapped_column(Integer)
    #: The bytes, only in rows an otvisit before schema 0015 wrote, until the store's next
    #: opening moves them into their file.
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, default=None)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent: Mapped[bool] = mapped_column(Boolean, default=False)
