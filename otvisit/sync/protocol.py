"""The sync wire protocol shared by the laptop client and the team's server.

Every call sends the client's schema version in the ``X-Otvisit-Schema``
header and a device token as ``Authorization: Bearer …`` (login aside).
Errors come back as ``{"error": {"code": "...", "message": "..."}}`` with a
4xx status; ``426`` with code ``update_required`` tells an outdated client
to update.

Push: operations carry the device's own increasing ``op_seq``; the server
remembers the highest one applied per device in the same transaction, so a
retried push is answered again without applying anything twice. Each
operation names the server sequence of the record version it was made on
(``base_seq``) so the server can tell concurrent edits from later ones.

Operation sequences may skip numbers going forward (edits set aside on the
device leave holes); they may never go backwards. Resending an operation
already processed is answered with its stored result, provided it says the
same thing (else 409 ``op_seq_reused``); an op_seq below the device's last
one that the server never saw, or a batch not in increasing order, is 409
``op_seq_out_of_order``. Refusals of the whole push (4xx) write nothing.

Pull: records changed after ``cursor`` in server change order, the newest
version of each, tombstones included, only for the caller's team.
``removed_children`` lists children that left the team: remove them (setting
aside unpushed edits) before applying the page's records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

#: Version of the wire schema (entities and fields). Bump on incompatible change.
#: 2 (issue 11): conflicts carry ``theirs_seq``, pulls the server's generation and high-water
#: mark, 409s on op_seq the device's ``last_op_seq``; the record history and unreadable reports.
SCHEMA_VERSION = 2
SCHEMA_HEADER = "X-Otvisit-Schema"
#: Most operations accepted in one push, and records returned in one pull.
MAX_PUSH_OPERATIONS = 1000
MAX_PULL_LIMIT = 5000
DEFAULT_PULL_LIMIT = 1000
#: A pull page stops at about this many bytes of records too (at least one record is sent).
MAX_PULL_BYTES = 4_000_000

# Error codes (``error.code``) a client acts on.
#: 426: the client's schema is too old (or the header is missing): update the app.
UPDATE_REQUIRED = "update_required"
#: 409: the client's schema is newer than the server's: the server needs updating.
SERVER_UPDATE_REQUIRED = "server_update_required"
#: 401: the device's access was withdrawn: remove the synced records from the device.
DEVICE_REVOKED = "device_revoked"
#: 401: sign in again (unknown token, expired token, or no token).
INVALID_TOKEN = "invalid_token"
TOKEN_EXPIRED = "token_expired"
#: 403: the push touched a child or record of another team (nothing saved).
OTHER_TEAM = "other_team"
#: 409: operation sequence problems (nothing saved).
OP_SEQ_OUT_OF_ORDER = "op_seq_out_of_order"
OP_SEQ_REUSED = "op_seq_reused"
#: 409: the server was restored from a backup since the laptop last pulled (nothing saved): the
#: laptop pulls, which finds the restore and re-sends what the server lacks, then pushes again.
SERVER_RESTORED = "server_restored"
#: 413 / 422 / 429.
REQUEST_TOO_LARGE = "request_too_large"
INVALID_FIELD = "invalid_field"
TOO_MANY_ATTEMPTS = "too_many_attempts"

#: Largest change sequence, op_seq, base_seq or cursor (64-bit signed); above it → 422.
MAX_SEQUENCE = 2**63 - 1

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

OperationKind = Literal["upsert", "delete", "restore"]
OperationStatus = Literal["applied", "merged", "conflict", "rejected"]
ConflictKind = Literal["edit", "edit_vs_delete", "delete_vs_edit"]


class WireModel(BaseModel):
    """Strict base: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(WireModel):
    code: str
    message: str
    #: On 409 ``op_seq_reused`` / ``op_seq_out_of_order``: the highest op_seq of this device the
    #: server holds, so a laptop restored from a copy renumbers its outbox above it.
    last_op_seq: int | None = None


class ErrorBody(WireModel):
    error: ErrorDetail


class LoginRequest(WireModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    device_name: str = Field(min_length=1, max_length=120)


class SignedInUser(WireModel):
    therapist_id: str
    username: str
    full_name: str
    role: str
    team_id: str
    team_name: str


class LoginResponse(WireModel):
    device_id: str
    token: str
    expires_at: datetime | None
    user: SignedInUser


class PushOperation(WireModel):
    """One local change. ``changes`` holds wire values of changed fields only."""

    op_seq: int = Field(ge=1)
    entity: str = Field(max_length=40)
    record_id: str = Field(pattern=UUID_PATTERN)
    kind: OperationKind
    base_seq: int | None = Field(default=None, ge=0)
    changes: dict[str, Any] = Field(default_factory=dict)
    #: Steps of counter fields (e.g. {"reschedule_count": 1}): when a colleague changed the
    #: same counter concurrently, the server adds the step to its value instead of overwriting.
    increments: dict[str, int] = Field(default_factory=dict)
    #: The device clock when the change was made: shown to people, never used to pick a winner.
    made_at: datetime | None = None
    #: Sent again to a server restored from a backup: the version (numbered in the generation
    #: the restore forgot) whose values this carries. Where two laptops send back different
    #: values of a field, the newer version wins; an edit made since the restore wins over both.
    resent_from: int | None = Field(default=None, ge=0, le=MAX_SEQUENCE)


class PushRequest(WireModel):
    device_id: str
    operations: list[PushOperation] = Field(max_length=MAX_PUSH_OPERATIONS)
    #: What the laptop knows of the server: the generation and pull cursor of its last pull.
    #: A server restored since (another generation, or a high-water mark below the cursor)
    #: refuses the push with 409 ``server_restored``: its operations are built on versions the
    #: server lost, and their answers would be numbered in a sequence given out again.
    generation: int | None = Field(default=None, ge=0, le=MAX_SEQUENCE)
    cursor: int | None = Field(default=None, ge=0, le=MAX_SEQUENCE)


class FieldConflict(WireModel):
    """Two versions of one field (field "" for edit-versus-delete); both are kept.

    ``edit``: mine/theirs are the two values of ``field`` (the server kept theirs).
    ``edit_vs_delete``: mine is the pushed changes, theirs None (the server holds a tombstone).
    ``delete_vs_edit``: mine None (the pushed delete), theirs the server's current fields.
    Resolve by pushing the chosen value (``restore`` with changes keeps an edit over a delete).
    """

    kind: ConflictKind
    field: str
    mine: Any = None
    theirs: Any = None
    theirs_by: str = ""
    conflict_id: str
    #: The record's server sequence when the conflict was found (theirs is that version).
    #: A resolution is pushed with ``base_seq = theirs_seq``: if a colleague changed the field
    #: again since, the server raises the conflict again instead of overwriting the newer words.
    theirs_seq: int | None = None


class OperationResult(WireModel):
    op_seq: int
    status: OperationStatus
    #: Why an operation was rejected (a sentence fit to show the therapist).
    reason: str = ""
    #: The server sequence of the record after this operation (None if nothing changed).
    record_seq: int | None = None
    #: The record's server sequence just before this operation changed it (0: it is new here),
    #: set with ``record_seq``. A laptop whose own copy was built on exactly that version, and
    #: whose operation applied whole, holds the server's new version already (no pull needed).
    prior_seq: int | None = None
    conflicts: list[FieldConflict] = Field(default_factory=list)


class PushResponse(WireModel):
    results: list[OperationResult]
    #: The highest op_seq of this device the server has processed.
    last_op_seq: int


class PulledRecord(WireModel):
    entity: str
    record_id: str
    child_id: str | None
    seq: int
    deleted: bool
    fields: dict[str, Any]
    updated_by: str = ""


class PullResponse(WireModel):
    records: list[PulledRecord]
    #: Set by the client, never sent: records of the page that did not read, with why.
    _unreadable: list[tuple[PulledRecord, str]] = PrivateAttr(default_factory=list)

    @property
    def unreadable(self) -> list[tuple[PulledRecord, str]]:
        return self._unreadable

    #: Children that left this team's caseload since the cursor: remove them from the device.
    removed_children: list[str] = Field(default_factory=list)
    next_cursor: int
    has_more: bool
    #: The server's generation: a random number that changes when the server is restored from a
    #: backup (``otvisit-server admin after-restore``). A laptop that sees it change, or whose
    #: cursor is above ``high``, re-sends what the server lacks and pulls again.
    generation: int = 0
    #: The server's committed high-water mark of change sequences when this page was read.
    high: int = 0
    #: The high-water mark when the current generation began (0 for the first): a laptop of an
    #: older generation re-sends its records above it and pulls again from it. When the pull
    #: said the generation the laptop knows (``generation=``), the lowest restore point since it.
    restore_point: int = 0
    #: False when the server has no record of the generation the laptop said it knows (begun on
    #: a server later restored from an older backup): the laptop also goes by its own record of
    #: where that generation began.
    generation_known: bool = True


class DeviceStatus(WireModel):
    """Answer to ``GET /api/v1/me``: who the token belongs to and whether the device may sync."""

    user: SignedInUser
    device_id: str
    revoked: bool = False


# Endpoint paths, one place for client and server.
LOGIN_PATH = "/api/v1/login"
ME_PATH = "/api/v1/me"
PUSH_PATH = "/api/v1/push"
PULL_PATH = "/api/v1/pull"
#: Every version of a record's clinical text and its conflicts (team-scoped, audited).
HISTORY_PATH = "/api/v1/records/{record_id}/history"
#: A laptop reports pulled records it could not store (set aside there, the pull went on).
UNREADABLE_PATH = "/api/v1/pull/unreadable"
#: Sent by a laptop on the first pull of each sync: how many of its changes are not yet sent
#: (shown to the team lead on the console's Devices page before a laptop is withdrawn).
UNSENT_HEADER = "X-Otvisit-Unsent-Changes"


# Audit trail (issue 7): devices upload their local audit events; a team lead exports a child's.
AUDIT_PATH = "/api/v1/audit"
AUDIT_CHILD_PATH = "/api/v1/audit/child/{child_id}"
#: Most audit events accepted in one upload.
MAX_AUDIT_EVENTS = 1000
#: 403: only a team lead (or admin) of the child's team may export its audit trail.
NOT_TEAM_LEAD = "not_team_lead"

DeviceAuditAction = Literal["view", "create", "change", "delete", "print", "export"]


class UploadedAuditEvent(WireModel):
    """One event of the device's audit trail (``otvisit.models.audit.AuditEvent``).

    ``event_id`` is the local event's id: uploading it again is a no-op.
    ``at`` is the device clock when it happened (timezone-aware; naive is read as UTC).
    """

    event_id: str = Field(pattern=UUID_PATTERN)
    at: datetime
    actor_id: str | None = Field(default=None, max_length=36)
    action: DeviceAuditAction
    entity: str = Field(min_length=1, max_length=40)
    record_id: str | None = Field(default=None, max_length=36)
    child_id: str | None = Field(default=None, pattern=UUID_PATTERN)
    detail: str = Field(default="", max_length=2000)


class AuditUpload(WireModel):
    device_id: str
    events: list[UploadedAuditEvent] = Field(max_length=MAX_AUDIT_EVENTS)


class AuditReceipt(WireModel):
    """The event ids the server holds (new or already received): mark them as uploaded."""

    accepted: list[str]


class AuditTrailEntry(WireModel):
    """One line of a child's audit trail as exported to a team lead.

    ``origin`` is ``server`` (reads and writes the server saw: ``read``, ``write``, ``export``,
    ``admin``) or ``device`` (uploaded from a laptop: ``view``, ``print``, ...). ``username`` is
    the account that made the call; ``actor_id`` is who the device says acted.
    """

    at: datetime
    origin: Literal["server", "device"]
    action: str
    username: str
    user_id: str | None
    actor_id: str | None
    device_id: str | None
    entity: str
    record_id: str | None
    child_id: str | None
    detail: str
    #: The laptop's clock as it said, when it was outside 2000–2099 (``at`` is then the time
    #: the server received the event); None when the laptop's time was believable.
    device_clock: str | None = None


class AuditTrail(WireModel):
    child_id: str
    exported_at: datetime
    events: list[AuditTrailEntry]


class RecordVersionEntry(WireModel):
    """One version of a record's clinical text: the text fields after a change, who, when."""

    seq: int
    at: datetime
    by: str
    deleted: bool
    text: dict[str, Any]


class ConflictEntry(WireModel):
    """Both sides of a conflict on the record (``mine`` is the version the server refused)."""

    conflict_id: str
    kind: ConflictKind
    field: str
    mine: Any = None
    theirs: Any = None
    mine_by: str
    theirs_by: str
    at: datetime


class RecordHistory(WireModel):
    """``GET HISTORY_PATH``: versions oldest first, and every conflict ever raised on the record."""

    record_id: str
    entity: str
    versions: list[RecordVersionEntry]
    conflicts: list[ConflictEntry] = Field(default_factory=list)


class UnreadableRecord(WireModel):
    """A pulled record the laptop could not store: it is set aside there, with the reason."""

    entity: str = Field(max_length=40)
    record_id: str = Field(max_length=36)
    seq: int = Field(ge=0, le=MAX_SEQUENCE)
    reason: str = Field(max_length=2000)


class UnreadableReport(WireModel):
    device_id: str
    records: list[UnreadableRecord] = Field(max_length=MAX_AUDIT_EVENTS)


class UnreadableReceipt(WireModel):
    """How many reported records the server logged."""

    logged: int


# Conflicts sent again after a restore (issue 11): both versions of every conflict a laptop
# holds go back to a server restored from a backup, so the team's history keeps them.
RESENT_CONFLICTS_PATH = "/api/v1/conflicts/resent"
#: Conflicts per request.
MAX_RESENT_CONFLICTS = 200


class ResentConflict(WireModel):
    """A conflict as the laptop keeps it (resolved or not): both versions, who wrote theirs."""

    conflict_id: str = Field(pattern=UUID_PATTERN)
    entity: str = Field(max_length=40)
    record_id: str = Field(pattern=UUID_PATTERN)
    child_id: str | None = Field(default=None, pattern=UUID_PATTERN)
    field: str = Field(default="", max_length=60)
    kind: ConflictKind
    mine: Any = None
    theirs: Any = None
    theirs_by: str = Field(default="", max_length=200)
    found_at: datetime


class ResentConflicts(WireModel):
    device_id: str
    conflicts: list[ResentConflict] = Field(max_length=MAX_RESENT_CONFLICTS)


class ResentReceipt(WireModel):
    """How many of the conflicts the server did not hold and kept now."""

    kept: int


# Children registered twice (issue 11): listed for the team lead to merge, never merged silently.
DUPLICATES_PATH = "/api/v1/duplicates"


class DuplicateChild(WireModel):
    child_id: str
    given_name: str
    family_name: str
    date_of_birth: str
    #: When the server first received this record.
    created_at: datetime


class DuplicateGroup(WireModel):
    """Live children of one team with the same NHS number: the same child, registered twice."""

    team_id: str
    nhs_number: str
    children: list[DuplicateChild]


class DuplicateChildren(WireModel):
    groups: list[DuplicateGroup]
