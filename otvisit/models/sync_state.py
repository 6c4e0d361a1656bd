"""Local sync bookkeeping: the outbox, conflicts to resolve, edits kept aside, sync status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from otvisit.models.base import Base, UTCDateTime, new_id, utcnow


class OutboxOp(Base):
    """One local change waiting to be pushed, written in the same transaction as the change.

    ``seq`` is the device's operation sequence: AUTOINCREMENT, so a number is
    never reused even after rows are removed, which is what makes a retried
    push idempotent on the server.
    """

    __tablename__ = "outbox_op"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    #: "upsert" or "delete".
    kind: Mapped[str] = mapped_column(String(10))
    #: The changed fields in wire form ({} for a delete).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Steps of counter fields in this edit ({"reschedule_count": 1}): added up on the server.
    increments: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    #: The server sequence of the record version this edit was made on (None: new record).
    base_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    #: Sent again to a server restored from a backup: the record version (in the generation the
    #: restore forgot) whose values this operation carries; None for an edit made here.
    resent_from: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: "pending", or "rejected" once the server refused it for good (kept to show the user).
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    error: Mapped[str] = mapped_column(Text, default="")


class SyncConflict(Base):
    """Two versions of the same field (or an edit against a delete) for the therapist to resolve."""

    __tablename__ = "sync_conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    #: The field in conflict, or "" for edit-versus-delete.
    field: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20), default="edit")
    mine: Mapped[Any] = mapped_column(JSON, default=None)
    theirs: Mapped[Any] = mapped_column(JSON, default=None)
    theirs_by: Mapped[str] = mapped_column(String(200), default="")
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    resolution: Mapped[str] = mapped_column(String(20), default="")
    #: The server sequence of the version "theirs" came from: the resolution is pushed on it,
    #: so a colleague's later edit raises the conflict again instead of being overwritten.
    theirs_seq: Mapped[int | None] = mapped_column(Integer, default=None)


class SetAsideEdit(Base):
    """An unpushed edit to a child this device may no longer hold: kept, never dropped."""

    __tablename__ = "set_aside_edit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    set_aside_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PushedOp(Base):
    """An operation the server took, kept for a while after it left the outbox.

    If the server is restored from a backup older than ``server_seq``, the laptop sends these
    again in order: every version it pushed (and so every word) comes back, not only the last.
    Kept for ``KEEP_PUSHED_DAYS`` (longer than the server's backups are apart).
    """

    __tablename__ = "pushed_op"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    kind: Mapped[str] = mapped_column(String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    increments: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    #: The version the operation was made on (None: not known).
    base_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    #: The record's server sequence after this operation.
    server_seq: Mapped[int] = mapped_column(Integer, index=True)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnreadableRecord(Base):
    """A pulled record this laptop could not store: kept aside so the pull goes on, and shown.

    ``raw`` is the record as received (JSON text); ``reported_at`` is set once the server has
    been told. A newer version of the record that stores cleanly removes the row.
    """

    __tablename__ = "unreadable_record"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    raw: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SyncSetting(Base):
    """Small key/value state of this device: device id, pull cursor, last sync, last error."""

    __tablename__ = "sync_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
