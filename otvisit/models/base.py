"""Declarative base, column types and the columns every synced record carries."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The service's clock: records keep UTC; days, bookings and what staff read are in England's time.
SERVICE_TIMEZONE = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (device clock: display and audit only)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A client-generated record id: a random UUID as text."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StrEnumType(TypeDecorator[enum.StrEnum]):
    """An enum stored as its string value, refusing values the enum does not know."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enum_class = enum_class
        # A member and its value hash alike: one lookup for either, not Enum.__call__ per row.
        self._stored = {member.value: member.value for member in enum_class}

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        stored = self._stored.get(value) if isinstance(value, str) else None
        return stored if stored is not None else self.enum_class(value).value  # raises if unknown

    def process_result_value(self, value: Any, dialect: Dialect) -> enum.StrEnum | None:
        if value is None:
            return None
        return self.enum_class(value)


class Base(DeclarativeBase):
    """Base of every local table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def clinical_text(**kwargs: Any) -> Any:
    """A free-text column written by a clinician: concurrent edits are never merged silently."""
    info = dict(kwargs.pop("info", {}))
    info["clinical_text"] = True
    return mapped_column(info=info, **kwargs)


class SyncedRecord(Base):
    """A record that syncs with the team's server.

    The id is generated on the device, so a record can be created offline and
    referenced at once. References between synced records are indexed id
    columns without database foreign keys: pulled batches arrive in server
    order, which may bring a goal before the child it belongs to, and each
    batch must commit on its own so that an interrupted sync resumes.
    """

    __abstract__ = True
    #: The name used on the wire and in the outbox (set by each model).
    __entity__: ClassVar[str]
    #: Team-level records (not under one child) say so; child records carry child_id.
    __team_level__: ClassVar[bool] = False

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The server's change sequence of the version this device last received (None: never synced).
    server_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    #: A tombstone: deleted records are kept so that the delete can sync.
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


def agreed_order(model: type[SyncedRecord]) -> tuple[Any, ...]:
    """Oldest to newest in the order every device agrees on once synced: the server's sequence.

    Records not yet synced (no sequence) come last, as the newest; ``created_at``
    is no tie-breaker because a pulled record's creation time is when it arrived.
    """
    return (model.server_seq.is_(None), model.server_seq, model.id)


#: Columns managed by the store and the sync protocol, never sent as field changes.
SYNC_COLUMNS = frozenset({"id", "created_at", "updated_at", "server_seq", "deleted"})
