"""Applying one operation to one record: per-field merge, conflicts kept, signed notes immutable."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from otvisit.models.base import utcnow
from otvisit.models.registry import FIELDS
from otvisit.sync.protocol import FieldConflict, OperationResult, PushOperation
from otvisit.sync.server import rules
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.database import SequenceLock


@dataclass(slots=True)
class RecordState:
    """A record as the push sees it: loaded from the table or created by this batch."""

    id: str
    entity: str
    team_id: str
    child_id: str | None
    fields: dict[str, Any]
    #: field -> [seq, device_id] of its last change.
    field_seq: dict[str, list[Any]]
    seq: int
    deleted: bool
    updated_by: str
    updated_device: str | None
    is_new: bool = False
    dirty: bool = False


@dataclass(slots=True)
class ConflictRow:
    """A conflict to store: the pushed side (mine) and the kept server side (theirs)."""

    conflict_id: str
    state: RecordState
    field: str
    kind: str
    mine: Any
    theirs: Any
    theirs_by: str
    op_seq: int


@dataclass(slots=True)
class OpContext:
    """What every operation of one push shares."""

    caller: Caller
    lock: SequenceLock
    conflicts: list[ConflictRow] = field(default_factory=list)
    #: Versions of clinical text made by this push, for the append-only history.
    versions: list[dict[str, Any]] = field(default_factory=list)


def _device(ctx: OpContext) -> str | None:
    """The device that makes this change; None when the server makes it (the team console)."""
    return ctx.caller.device_id or None


def _rejected(op: PushOperation, reason: str) -> OperationResult:
    return OperationResult(op_seq=op.op_seq, status="rejected", reason=reason)


def _conflict(
    ctx: OpContext,
    op: PushOperation,
    state: RecordState,
    kind: str,
    name: str,
    mine: Any,
    theirs: Any,
) -> FieldConflict:
    row = ConflictRow(
        str(uuid.uuid4()), state, name, kind, mine, theirs, state.updated_by, op.op_seq
    )
    ctx.conflicts.append(row)
    return FieldConflict(
        kind=kind,  # type: ignore[arg-type]
        field=name,
        mine=mine,
        theirs=theirs,
        theirs_by=state.updated_by,
        conflict_id=row.conflict_id,
        theirs_seq=state.seq,
    )


def _touch(
    ctx: OpContext, state: RecordState, changed: dict[str, Any], resent_from: int | None = None
) -> int:
    """Write ``changed`` as a new version; each field is stamped [seq, device], and with the
    version it carries when it was sent again after a restore ([seq, device, resent_from])."""
    seq = ctx.lock.next()
    device = _device(ctx)
    stamp: list[Any] = [seq, device] if resent_from is None else [seq, device, resent_from]
    for name, value in changed.items():
        state.fields[name] = value
        state.field_seq[name] = list(stamp)
    state.seq = seq
    state.updated_by = ctx.caller.full_name
    state.updated_device = device
    state.dirty = True
    _keep_version(ctx, state, changed)
    return seq


def _keep_version(ctx: OpContext, state: RecordState, changed: dict[str, Any]) -> None:
    """A version of the clinical text for the history, when this change touched any of it.

    (A delete or restore changes no field but is a version too: the text it hid or showed.)
    """
    texts = [name for name, spec in FIELDS[state.entity].items() if spec.clinical_text]
    if not texts or (changed and not any(name in changed for name in texts)):
        return
    ctx.versions.append(
        {
            "record_id": state.id,
            "entity": state.entity,
            "team_id": state.team_id,
            "child_id": state.child_id,
            "seq": state.seq,
            "deleted": state.deleted,
            "text": json.dumps({name: state.fields.get(name) for name in texts}),
            "by": state.updated_by,
            "device_id": state.updated_device,
            "at": utcnow(),
        }
    )


def create_record(
    ctx: OpContext, op: PushOperation, changes: dict[str, Any], child_id: str | None
) -> tuple[RecordState | None, OperationResult]:
    """A record the server has never seen (its scope was checked by the caller)."""
    if op.kind == "delete":
        # Created and deleted before it ever reached the server: nothing to keep.
        return None, OperationResult(op_seq=op.op_seq, status="applied")
    if op.kind == "restore":
        return None, _rejected(op, "There is no deleted record to restore on the server.")
    missing = sorted(rules.REQUIRED_FIELDS[op.entity] - set(changes))
    if missing:
        return None, _rejected(op, f"A new {op.entity} needs a value for {', '.join(missing)}.")
    now_seq_state = RecordState(
        id=op.record_id,
        entity=op.entity,
        team_id=ctx.caller.team_id,
        child_id=child_id,
        fields={},
        field_seq={},
        seq=0,
        deleted=False,
        updated_by="",
        updated_device=None,
        is_new=True,
    )
    seq = _touch(ctx, now_seq_state, changes, op.resent_from)
    result = OperationResult(op_seq=op.op_seq, status="applied", record_seq=seq, prior_seq=0)
    return now_seq_state, result


def _immutable_reason(state: RecordState) -> str | None:
    if state.entity in rules.APPEND_ONLY_ENTITIES:
        return rules.ADDENDUM_REASON
    if state.entity == rules.SIGNED_NOTE_ENTITY and state.fields.get("signed_at") is not None:
        return rules.SIGNED_NOTE_REASON
    return None


def _signed_since(ctx: OpContext, op: PushOperation, state: RecordState) -> bool:
    """A signed note whose signature the editing device had not seen."""
    return (
        state.entity == rules.SIGNED_NOTE_ENTITY
        and state.fields.get("signed_at") is not None
        and _is_concurrent(ctx, op, state.field_seq.get("signed_at"))
    )


def _resent_newer(op: PushOperation, stamp: list[Any] | None) -> bool:
    """A value sent back after a restore, newer than the server's (also sent back) value.

    A stamp without the version it carried is an edit made since the restore: it wins.
    """
    carried = stamp[2] if _both_sent_back(op, stamp) else None  # type: ignore[index]
    return carried is not None and op.resent_from is not None and op.resent_from > carried


def _both_sent_back(op: PushOperation, stamp: list[Any] | None) -> bool:
    """The operation and the server's value of a field were both sent back after a restore."""
    return op.resent_from is not None and stamp is not None and len(stamp) > 2


def _is_concurrent(ctx: OpContext, op: PushOperation, stamp: list[Any] | None) -> bool:
    """Changed on the server after the version the device edited, by another device."""
    if stamp is None:
        return False
    return int(stamp[0]) > (op.base_seq or 0) and stamp[1] != _device(ctx)


def _add_up_counters(
    ctx: OpContext, op: PushOperation, state: RecordState, changes: dict[str, Any]
) -> dict[str, Any]:
    """A counter moves by the device's step from the server's value, never to its absolute value.

    (Two laptops each recording one reschedule offline make two, not one; and a laptop's
    second step after the server added a colleague's makes three, whatever the order.)
    """
    specs = FIELDS[state.entity]
    added = dict(changes)
    for name, step in op.increments.items():
        spec = specs.get(name)
        if spec is None or not spec.counter or name not in changes:
            continue  # only counter fields this operation changes
        added[name] = int(state.fields.get(name) or 0) + int(step)
    return added


def _signs_unseen_text(
    ctx: OpContext,
    op: PushOperation,
    state: RecordState,
    changes: dict[str, Any],
    differing: dict[str, Any],
) -> bool:
    """A signature over a note whose text a colleague changed after this device last saw it.

    (When the signing operation carries other text, the text becomes a conflict below and the
    signature is held back there. When it carries the very text the server holds, as a note
    sent back after a restore does, the signer saw it.)
    """
    if state.entity != rules.SIGNED_NOTE_ENTITY or differing.get("signed_at") is None:
        return False
    specs = FIELDS[state.entity]
    if any(specs[name].clinical_text for name in differing):
        return False
    return any(
        spec.clinical_text
        and _is_concurrent(ctx, op, state.field_seq.get(name))
        and not (name in changes and changes[name] == state.fields.get(name))
        for name, spec in specs.items()
    )


def update_record(
    ctx: OpContext, op: PushOperation, state: RecordState, changes: dict[str, Any]
) -> OperationResult:
    """An upsert, delete or restore of a record the server holds."""
    if op.kind == "delete":
        return _delete(ctx, op, state)
    restoring = op.kind == "restore" and state.deleted
    if state.deleted and not restoring:
        # An edit built on this device's own delete, or on a later version, comes from a laptop
        # that holds the record live in a version the server no longer has (a colleague's
        # restore lost with a server restored from a backup): kept as a conflict, never refused.
        saw_the_delete = op.base_seq is not None and op.base_seq >= state.seq
        if state.updated_device == _device(ctx) and not saw_the_delete:
            return _rejected(op, "This record was deleted on this device; restore it to change it.")
        found = _conflict(ctx, op, state, "edit_vs_delete", "", changes, None)
        return OperationResult(op_seq=op.op_seq, status="conflict", conflicts=[found])
    changes = _add_up_counters(ctx, op, state, changes)
    differing = {name: v for name, v in changes.items() if state.fields.get(name, None) != v}
    if name_moved := sorted(rules.SCOPE_FIELDS & set(differing)):
        return _rejected(op, f"{rules.SCOPE_REASON} ({', '.join(name_moved)})")
    if differing and (reason := _immutable_reason(state)):
        if _signed_since(ctx, op, state):
            # Typed on the draft before its author's signature reached this laptop (signed on
            # her laptop meanwhile, or her note sent back after a restore while this edit
            # waited): the signed note stays as signed, these words are kept as conflicts.
            kept = [
                _conflict(ctx, op, state, "edit", name, value, state.fields.get(name))
                for name, value in differing.items()
            ]
            return OperationResult(op_seq=op.op_seq, status="conflict", conflicts=kept)
        return _rejected(op, reason)
    specs = FIELDS[state.entity]
    if _signs_unseen_text(ctx, op, state, changes, differing):
        return _rejected(op, rules.SIGNED_UNSEEN_REASON)
    changed: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    merged = False
    # A decision (e.g. a referral accepted here, declined there) is one whole: when a colleague
    # decided concurrently, every decision field of this change is held back as a conflict.
    # (Two copies sent back after a restore are not a clash: the newer version wins.)
    decision_clash = not restoring and any(
        specs[name].decision
        and _is_concurrent(ctx, op, stamp := state.field_seq.get(name))
        and not _both_sent_back(op, stamp)
        for name in differing
    )
    for name, value in differing.items():
        if decision_clash and specs[name].decision:
            theirs = state.fields.get(name)
            conflicts.append(_conflict(ctx, op, state, "edit", name, value, theirs))
            continue
        # Restoring is how a device resolves edit-versus-delete: it has seen both sides.
        if not restoring and _is_concurrent(ctx, op, stamp := state.field_seq.get(name)):
            if specs[name].clinical_text:
                theirs = state.fields.get(name)
                conflicts.append(_conflict(ctx, op, state, "edit", name, value, theirs))
                continue
            merged = True
            if (
                op.resent_from is not None
                and name not in op.increments  # a counter's step always adds up
                and not _resent_newer(op, stamp)
            ):
                # Sent again after a restore, older than what the server holds now: an edit
                # made since the restore, or a newer version another laptop sent back.
                continue
        changed[name] = value
    if conflicts and state.entity == rules.SIGNED_NOTE_ENTITY:
        # A signature covers the words the signer saw: never sign text she did not see.
        # The note stays unsigned until she resolves the conflict and signs again.
        changed.pop("signed_at", None)
        changed.pop("signed_by_id", None)
    if op.resent_from is None and _immutable_reason(state) is None:
        # Values this device typed since the restore reached the server first inside a record
        # it sent back whole (stamped as an old copy): this edit says they are its own, newer.
        changed.update(
            (name, value)
            for name, value in changes.items()
            if name not in differing and len(state.field_seq.get(name) or []) > 2
        )
    # Conflicting text is not among them: the device shows theirs on its conflict answer.
    conflicted = {c.field for c in conflicts}
    dropped = [name for name in differing if name not in changed and name not in conflicted]
    record_seq = prior_seq = None
    if changed or restoring or (dropped and merged):
        prior_seq = state.seq
        state.deleted = False
        record_seq = _touch(ctx, state, changed, op.resent_from)
        for name in dropped:
            # The device sent these but the server kept its own (a held-back signature, a
            # value sent back after a restore older than the server's): stamped as the
            # server's, so the pull sends the record back to the device; a value that was
            # itself sent back keeps the version it carries.
            carried = (state.field_seq.get(name) or [])[2:3]
            state.field_seq[name] = [record_seq, "server", *carried]
    status = "conflict" if conflicts else "merged" if merged else "applied"
    return OperationResult(
        op_seq=op.op_seq,
        status=status,  # type: ignore[arg-type]
        record_seq=record_seq,
        prior_seq=prior_seq,
        conflicts=conflicts,
    )


def _delete(ctx: OpContext, op: PushOperation, state: RecordState) -> OperationResult:
    if state.deleted:
        return OperationResult(op_seq=op.op_seq, status="applied")
    if reason := _immutable_reason(state):
        return _rejected(op, reason)
    if any(_is_concurrent(ctx, op, stamp) for stamp in state.field_seq.values()):
        found = _conflict(ctx, op, state, "delete_vs_edit", "", None, dict(state.fields))
        return OperationResult(op_seq=op.op_seq, status="conflict", conflicts=[found])
    prior_seq = state.seq
    state.deleted = True
    seq = _touch(ctx, state, {})
    return OperationResult(op_seq=op.op_seq, status="applied", record_seq=seq, prior_seq=prior_seq)


def conflict_rows(ctx: OpContext) -> list[dict[str, Any]]:
    """The conflicts found in this push, as rows for the conflict table."""
    now = utcnow()
    return [
        {
            "id": row.conflict_id,
            "team_id": row.state.team_id,
            "child_id": row.state.child_id,
            "entity": row.state.entity,
            "record_id": row.state.id,
            "field": row.field,
            "kind": row.kind,
            "mine": json.dumps(row.mine),
            "theirs": json.dumps(row.theirs),
            "device_id": ctx.caller.device_id,
            "op_seq": row.op_seq,
            "mine_by": ctx.caller.full_name,
            "theirs_by": row.theirs_by,
            "created_at": now,
        }
        for row in ctx.conflicts
    ]
