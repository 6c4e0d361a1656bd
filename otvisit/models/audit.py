"""The local audit trail: who viewed, changed, printed or exported which child's record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import Base, StrEnumType, UTCDateTime, new_id, utcnow
from otvisit.models.vocabulary import AuditAction


class AuditEvent(Base):
    """One access to a record. Append-only: the services never update or delete these."""

    __tablename__ = "audit_event"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36), default=None)
    action: Mapped[AuditAction] = mapped_column(StrEnumType(AuditAction))
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(36), default=None)
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    detail: Mapped[str] = mapped_column(Text, default="")
    #: When the server acknowledged this event (None: still to send).
    uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
