"""The server's own tables: generic records, accounts, devices, sync bookkeeping, audit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from otvisit.models.base import NAMING_CONVENTION, UTCDateTime

#: A big integer that is still SQLite's auto-incrementing rowid when it is a primary key.
BigId = BigInteger().with_variant(Integer(), "sqlite")

#: The name of the counter row that hands out server change sequences.
CHANGE_SEQ = "change_seq"


class ServerBase(DeclarativeBase):
    """Base of the server's tables (a metadata of its own, apart from the laptop's store)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Counter(ServerBase):
    """Monotonic counters; the change-sequence row is locked for the whole of each write.

    Holding that lock until commit is what makes sequences become visible in
    commit order, so a pull can never step over a change that commits late.
    """

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ServerTeam(ServerBase):
    __tablename__ = "team"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(ServerBase):
    """An account; its id is also the id of the ``therapist`` record the team syncs."""

    __tablename__ = "app_user"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Device(ServerBase):
    """A laptop signed in by a user; only a hash of its token is kept."""

    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: Changes waiting on the laptop to be sent, as it last reported them (None: never said).
    pending_changes: Mapped[int | None] = mapped_column(Integer, default=None)
    pending_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class DeviceProgress(ServerBase):
    """The highest op_seq of a device already processed (written with the ops it covers)."""

    __tablename__ = "device_progress"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_op_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class OpResult(ServerBase):
    """The answer given to one operation, so a retried push gets the same answer again."""

    __tablename__ = "op_result"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    op_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    #: sha256 of the operation's content: the same op_seq with other content is refused.
    op_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)


class Record(ServerBase):
    """The newest version of one synced record of any entity, fields as wire JSON text.

    ``fields`` is kept as JSON text so that a pull can copy it into the answer
    without decoding. ``field_seq`` maps each field to ``[seq, device_id]`` of
    its last change: the basis of the per-field merge.
    """

    __tablename__ = "record"
    __table_args__ = (Index("ix_record_team_id_seq", "team_id", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    fields: Mapped[str] = mapped_column(Text)
    field_seq: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Display name of who made the newest version, and the device it came from.
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_device: Mapped[str | None] = mapped_column(String(36), default=None)


class Conflict(ServerBase):
    """Both versions of a concurrent clinical-text edit or an edit against a delete; none lost."""

    __tablename__ = "conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(36), index=True)
    child_id: Mapped[str | None] = mapped_column(String(36), default=None)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(20))
    #: JSON text of the refused (pushed) side and the kept (server) side.
    mine: Mapped[str] = mapped_column(Text)
    theirs: Mapped[str] = mapped_column(Text)
    device_id: Mapped[str] = mapped_column(String(36))
    op_seq: Mapped[int] = mapped_column(BigInteger)
    mine_by: Mapped[str] = mapped_column(String(200), default="")
    theirs_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamDeparture(ServerBase):
    """A child that left a team's caseload, at a change sequence, so devices remove it."""

    __tablename__ = "team_departure"
    __table_args__ = (Index("ix_team_departure_team_id_seq", "team_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEntry(ServerBase):
    """Append-only log of every read, write, login and admin action; no API edits it."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_action_username_at", "action", "username", "at"),
        Index("ux_audit_event_id", "event_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str | None] = mapped_column(String(36), default=None)
    username: Mapped[str] = mapped_column(String(80), default="")
    device_id: Mapped[str | None] = mapped_column(String(36), default=None)
    address: Mapped[str] = mapped_column(String(64), default="")
    entity: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[str | None] = mapped_column(String(36), default=None)
    child_id: Mapped[str | None] = mapped_column(String(36), index=True, default=None)
    detail: Mapped[str] = mapped_column(Text, default="")
    #: ``server`` for what the server saw, ``device`` for events uploaded from a laptop.
    origin: Mapped[str] = mapped_column(String(10), default="server", server_default="server")
    #: The laptop's own id of an uploaded event (unique: uploading it again adds nothing).
    event_id: Mapped[str | None] = mapped_column(String(36), default=None)
    #: Who the laptop says acted (the uploader is ``user_id``), and when the server received it.
    actor_id: Mapped[str | None] = mapped_column(String(36), default=None)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: The laptop's clock as it said, when that was not believable (outside 2000–2099):
    #: ``at`` is then the time the server received the event.
    device_clock: Mapped[str | None] = mapped_column(String(40), default=None)


class BlobUpload(ServerBase):
    """An attachment's bytes on their way in (database blob store): declared size, bytes so far."""

    __tablename__ = "blob_upload"

    team_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    byte_size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BlobChunk(ServerBase):
    """One piece of an attachment's bytes (database blob store), at its offset in the file."""

    __tablename__ = "blob_chunk"

    team_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class StoredBlob(ServerBase):
    """An attachment whose bytes arrived whole with the right SHA-256 (database blob store)."""

    __tablename__ = "stored_blob"

    team_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    byte_size: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())


#: The counter row holding the server's generation: a random number a restore changes.
GENERATION = "generation"
#: The change sequence when the current generation began (after-restore).
RESTORE_POINT = "restore_point"


class GenerationStart(ServerBase):
    """Every generation begun by ``admin after-restore``, in order, with its restore point.

    A laptop that slept through several restores re-sends what it holds above the lowest
    restore point since the generation it knows (its newer changes were numbered in a
    generation whose later numbers the next ones gave out again).
    """

    __tablename__ = "generation_start"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    generation: Mapped[int] = mapped_column(BigInteger, unique=True)
    restore_point: Mapped[int] = mapped_column(BigInteger)
    began_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RecordVersion(ServerBase):
    """Append-only history: every version of a record's clinical text, written with the change.

    One row per change that touched clinical text (or deleted/restored the record), with the
    clinical-text fields as they were after it: no word typed is ever unrecoverable.
    The database refuses UPDATE and DELETE on this table (migration 0004).
    """

    __tablename__ = "record_version"
    __table_args__ = (Index("ix_record_version_record_id_seq", "record_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[str | None] = mapped_column(String(36), default=None)
    seq: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    #: JSON text: the clinical-text fields of this version.
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(200), default="")
    device_id: Mapped[str | None] = mapped_column(String(36), default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsoleSession(ServerBase):
    """A signed-in team lead's web console session; the browser holds only the random id.

    ``id`` is the sha256 of that id (a stolen database can't be replayed as a cookie). A session
    ends on sign-out, or when it has been idle longer than the server's console idle timeout.
    """

    __tablename__ = "console_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    #: The token every form of this session carries (checked on every POST).
    csrf_token: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


# The console's fact tables share this metadata (migrations and the drift test see them).
from otvisit.sync.server.team_views import facts as _facts  # noqa: E402, F401
