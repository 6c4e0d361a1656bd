"""Capturing every change to a synced record into the outbox, in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from otvisit.models.base import SyncedRecord, utcnow
from otvisit.models.registry import FIELDS
from otvisit.models.sync_state import OutboxOp
from otvisit.models.wire import to_wire

#: Set in ``session.info`` while records pulled from the server are applied: not local edits.
APPLYING_REMOTE = "otvisit.applying_remote"


class HardDeleteRefused(RuntimeError):
    """Synced records are tombstoned (``deleted = True``), never removed from the table."""


def apply_column_defaults(record: SyncedRecord) -> None:
    """Fill unset attributes with their column defaults now, so the outbox sees every value."""
    for column in record.__table__.columns:
        default = column.default
        if default is None or getattr(record, column.key) is not None:
            continue
        if default.is_scalar:
            setattr(record, column.key, default.arg)
        elif default.is_callable:
            setattr(record, column.key, default.arg(None))


def _child_id(record: SyncedRecord) -> str | None:
    if record.__team_level__:
        return None
    return record.id if record.__entity__ == "child" else getattr(record, "child_id", None)


def _changed_fields(record: SyncedRecord) -> dict[str, Any]:
    state = inspect(record)
    specs = FIELDS[record.__entity__]
    changes: dict[str, Any] = {}
    for name, spec in specs.items():
        history = state.attrs[name].history
        if history.has_changes() and history.added:
            changes[name] = to_wire(spec, history.added[0])
    return changes


def _increments(record: SyncedRecord, changes: dict[str, Any]) -> dict[str, int]:
    """How far each changed counter field moved in this edit (new minus committed value)."""
    specs = FIELDS[record.__entity__]
    steps: dict[str, int] = {}
    state = inspect(record)
    for name in changes:
        if specs[name].counter:
            history = state.attrs[name].history
            before = history.deleted[0] if history.deleted else 0
            steps[name] = int(changes[name] or 0) - int(before or 0)
    return steps


def _op(
    record: SyncedRecord,
    kind: str,
    changes: dict[str, Any],
    base_seq: int | None,
    increments: dict[str, int] | None = None,
) -> OutboxOp:
    return OutboxOp(
        entity=record.__entity__,
        record_id=record.id,
        child_id=_child_id(record),
        kind=kind,
        changes=changes,
        increments=increments or {},
        base_seq=base_seq,
    )


def _capture(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    if any(isinstance(obj, SyncedRecord) for obj in session.deleted):
        raise HardDeleteRefused("synced records are never deleted: set deleted = True instead")
    if session.info.get(APPLYING_REMOTE):
        return
    now = utcnow()
    ops: list[OutboxOp] = []
    for record in list(session.new):
        if not isinstance(record, SyncedRecord):
            continue
        apply_column_defaults(record)
        record.created_at = record.updated_at = now
        specs = FIELDS[record.__entity__]
        changes = {name: to_wire(spec, getattr(record, name)) for name, spec in specs.items()}
        ops.append(_op(record, "delete" if record.deleted else "upsert", changes, None))
    for record in list(session.dirty):
        if not isinstance(record, SyncedRecord) or not session.is_modified(record):
            continue
        deleted_now = inspect(record).attrs.deleted.history.added == [True]
        changes = _changed_fields(record)
        if not changes and not deleted_now:
            continue
        record.updated_at = now
        if changes:
            steps = _increments(record, changes)
            ops.append(_op(record, "upsert", changes, record.server_seq, steps))
        if deleted_now:
            ops.append(_op(record, "delete", {}, record.server_seq))
    session.add_all(ops)


def install_outbox_capture(session_class: type[Session]) -> None:
    """Hook the capture onto a Session class (idempotent)."""
    if not event.contains(session_class, "before_flush", _capture):
        event.listen(session_class, "before_flush", _capture)
