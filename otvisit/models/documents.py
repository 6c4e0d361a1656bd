"""The PDFs made on this laptop, kept inside the encrypted store (never as plain files)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import Base, UTCDateTime, utcnow


class DocumentFile(Base):
    """One kept PDF, by the name its PrintedDocument gives it; local to this laptop, not synced.

    The bytes live in the SQLCipher store like every other record of the child, so a
    document is encrypted at rest with the store's key. ``child_id`` lets a child's
    documents leave with the child when this laptop no longer holds the record.
    """

    __tablename__ = "document_file"

    file_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
