"""Pushing the outbox in batches and recording what the server did with each operation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from otvisit.models import OutboxOp, PushedOp, SyncConflict
from otvisit.models.base import utcnow
from otvisit.models.registry import ENTITIES
from otvisit.models.wire import WireError
from otvisit.sync.client.apply import convert_fields, plan_for
from otvisit.sync.client.recovery import AWAITING, held_for_colleagues
from otvisit.sync.protocol import (
    MAX_PUSH_OPERATIONS,
    FieldConflict,
    OperationResult,
    PushOperation,
    PushRequest,
    PushResponse,
)
from otvisit.sync.values import check_fields, check_increments

#: Operations per push: well under the protocol's limit so one request stays small.
PUSH_BATCH = 250
#: How long operations the server took are kept (longer than its backups are apart).
KEEP_PUSHED = timedelta(days=30)
#: And a bound on the request body, as the server refuses large bodies outright.
PUSH_BATCH_BYTES = 2_000_000


@dataclass
class PushOutcome:
    """What the server did with the operations of one or more pushes."""

    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    rejected: list[str] = field(default_factory=list)

    def add(self, other: PushOutcome) -> None:
        self.applied += other.applied
        self.merged += other.merged
        self.conflicts += other.conflicts
        self.rejected.extend(other.rejected)


@dataclass
class HeldVersions:
    """Records this laptop holds in the server's very version, learnt from one sync's pushes.

    ``seqs``: record id -> that version, or None once anything else happened to the record
    (merged, conflict, refused, left unsent). The pull that follows skips writing a record it
    brings at exactly that version: the laptop has it already.
    """

    #: The laptop's pull cursor as the sync began. An edit's base version above it may be one
    #: a push's answer told of but no pull brought (a laptop before this rule moved its version
    #: up after a merge): not trusted to say what the laptop holds. None trusts every base.
    cursor: int | None
    seqs: dict[str, int | None] = field(default_factory=dict)

    def follow(self, op: PushOperation, result: OperationResult | None) -> None:
        """Whether the server's version after ``op`` is exactly what this laptop holds.

        It is when the operation applied whole (no merge, conflict or refusal) onto the very
        version the laptop's edit was built on: ``op.base_seq`` for the record's first
        operation in this sync, the version the previous one made for the next. A colleague's
        change of any field in between moves the server's version: the record is pulled.
        """
        rid = op.record_id
        if result is None or result.status != "applied":
            self.seqs[rid] = None
            return
        if result.record_seq is None:
            return  # nothing changed on the server (it had these values already)
        if rid in self.seqs:
            expected = self.seqs[rid]
        else:
            base = op.base_seq or 0
            expected = base if self.cursor is None or base <= self.cursor else None
        exact = expected is not None and result.prior_seq == expected
        self.seqs[rid] = result.record_seq if exact else None

    def holds(self, record_id: str, seq: int) -> bool:
        return self.seqs.get(record_id) == seq


def pending_count(session: Session) -> int:
    """Changes waiting to be sent (reported to the server on each sync), held ones included:
    the team lead sees a laptop that keeps words the server lacks."""
    rows = session.execute(
        select(OutboxOp.state, func.count())
        .where(OutboxOp.state.in_(("pending", AWAITING)))
        .group_by(OutboxOp.state)
    )
    counts: dict[str, int] = {state: count for state, count in rows}
    held = held_for_colleagues(session)[0] if counts.get(AWAITING) else 0
    return counts.get("pending", 0) + held


def has_pending(session: Session) -> bool:
    found = session.scalar(select(OutboxOp.seq).where(OutboxOp.state == "pending").limit(1))
    return found is not None


def next_batch(
    session: Session,
    *,
    device_id: str,
    after_seq: int = 0,
    known: tuple[int, int | None] | None = None,
) -> PushRequest | None:
    """The next pending operations in seq order as a push request, or None when all are sent.

    ``known``: (pull cursor, server generation) of the laptop's last pull, sent so that a server
    restored since refuses the push instead of taking edits built on versions it lost.

    Operations the server would refuse outright are marked rejected here (in the
    caller's transaction) instead of being sent, so that they never block the queue.
    """
    operations: list[PushOperation] = []
    size = 0
    sendable = _sendable(session)
    while not operations:
        ops = session.scalars(
            select(OutboxOp)
            .where(OutboxOp.state == "pending", OutboxOp.seq > after_seq, *sendable)
            .order_by(OutboxOp.seq)
            .limit(min(PUSH_BATCH, MAX_PUSH_OPERATIONS))
        ).all()
        if not ops:
            return None
        after_seq = ops[-1].seq
        for op in ops:
            if reason := local_refusal(op):
                op.state, op.error = "rejected", reason
                continue
            size += len(json.dumps(op.changes)) + 200
            if operations and size > PUSH_BATCH_BYTES:
                break
            operations.append(_wire_op(op))
    cursor, generation = known if known is not None else (None, None)
    return PushRequest(
        device_id=device_id, operations=operations, cursor=cursor, generation=generation
    )


_HELD = aliased(OutboxOp)


def _sendable(session: Session) -> list[Any]:
    """Conditions on pending operations: none overtakes a held edit of the same record.

    After a server restore, edits of a colleague's note wait (``AWAITING``) until her laptop
    has sent the note back. An edit typed on it meanwhile waits behind them: sent first, it
    reached a server without the note and was refused as a note without its fields.
    """
    if session.scalar(select(OutboxOp.seq).where(OutboxOp.state == AWAITING).limit(1)) is None:
        return []  # the usual case: nothing held, no correlated check
    held = exists().where(_HELD.state == AWAITING, _HELD.record_id == OutboxOp.record_id)
    return [~held]


def _wire_op(op: OutboxOp) -> PushOperation:
    return PushOperation(
        op_seq=op.seq,
        entity=op.entity,
        record_id=op.record_id,
        kind=op.kind,  # type: ignore[arg-type]  # checked by local_refusal
        base_seq=op.base_seq,
        changes=op.changes,
        increments=op.increments or {},
        made_at=op.created_at,
        resent_from=op.resent_from,
    )


def local_refusal(op: OutboxOp) -> str | None:
    """Why the server would refuse this operation's content outright, or None."""
    if op.entity not in ENTITIES:
        return f"This laptop recorded a change to an unknown kind of record ({op.entity})."
    if op.kind not in ("upsert", "delete", "restore"):
        return f"This laptop recorded a change of an unknown kind ({op.kind})."
    try:
        check_fields(op.entity, op.changes)
        check_increments(op.entity, op.increments or {})
    except WireError as error:
        return f"This change cannot be sent: {error}."
    return None


def mark_rejected(session: Session, *, op_seq: int, reason: str) -> None:
    session.execute(
        update(OutboxOp).where(OutboxOp.seq == op_seq).values(state="rejected", error=reason)
    )


def record_results(
    session: Session,
    request: PushRequest,
    response: PushResponse,
    held: HeldVersions | None = None,
) -> PushOutcome:
    """Apply the server's answer to one push, in the caller's transaction.

    ``held`` (kept across the pushes of one sync) learns which records the laptop now holds
    in the server's very version: the pull that follows need not write them again.
    """
    held = HeldVersions(cursor=-1) if held is None else held
    outcome = PushOutcome()
    sent = {op.op_seq: op for op in request.operations}
    results = {result.op_seq: result for result in response.results if result.op_seq in sent}
    done: list[int] = []
    versions: dict[str, dict[str, int]] = {}
    kept: list[dict[str, Any]] = []
    now = utcnow()
    child_of = dict(
        session.execute(
            select(OutboxOp.seq, OutboxOp.child_id).where(OutboxOp.seq.in_(list(sent)))
        ).all()
    )
    # The laptop's own version moves up only where it now holds the server's version exactly.
    # After a merge, a conflict, or a colleague's change of another field in between, the
    # server's version holds words this laptop has not seen: its version stays until the pull
    # brings them. (Moved up, a later edit would claim to have seen a colleague's words it never
    # did, and overwrite them without a conflict.)
    exact = HeldVersions(cursor=None)
    for op_seq, op in sent.items():
        result = results.get(op_seq)
        held.follow(op, result)
        exact.follow(op, result)
        if result is None:
            if op_seq <= response.last_op_seq:
                done.append(op_seq)  # processed before; nothing more to learn
            continue  # not processed: stays pending for the next push
        if result.status == "rejected":
            reason = result.reason or "The server refused this change."
            mark_rejected(session, op_seq=op_seq, reason=reason)
            outcome.rejected.append(reason)
            continue
        done.append(op_seq)
        if result.status == "applied":
            outcome.applied += 1
        elif result.status == "merged":
            outcome.merged += 1
        else:
            outcome.conflicts += _store_conflicts(session, op, result)
        if result.record_seq is not None:
            if exact.holds(op.record_id, result.record_seq):
                versions.setdefault(op.entity, {})[op.record_id] = result.record_seq
            kept.append(
                {
                    "entity": op.entity,
                    "record_id": op.record_id,
                    "child_id": child_of.get(op_seq),
                    "kind": op.kind,
                    "changes": op.changes,
                    "increments": op.increments,
                    "base_seq": op.base_seq,
                    "server_seq": result.record_seq,
                    "pushed_at": now,
                }
            )
    if done:
        session.execute(delete(OutboxOp).where(OutboxOp.seq.in_(done)))
    if kept:
        # Every version sent stays on the laptop for a while: a server restored from an
        # older backup gets them all again, in order (see recovery.resend_missing).
        session.execute(insert(PushedOp), kept)
        session.execute(delete(PushedOp).where(PushedOp.pushed_at < now - KEEP_PUSHED))
    _note_versions(session, versions)
    return outcome


def _note_versions(session: Session, versions: dict[str, dict[str, int]]) -> None:
    """The server's version of each record this push wrote exactly: the laptop holds it.

    (Later edits, a restore's re-send and conflict resolutions are based on it.)
    """
    for entity, seqs in versions.items():
        if entity not in ENTITIES:
            continue
        table = plan_for(entity).table
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .where(or_(table.c.server_seq.is_(None), table.c.server_seq < bindparam("_seq")))
            .values(server_seq=bindparam("_seq"))
        )
        session.execute(statement, [{"_id": rid, "_seq": seq} for rid, seq in seqs.items()])


def _store_conflicts(session: Session, op: PushOperation, result: OperationResult) -> int:
    """Keep both versions; show the server's version on this laptop until resolved."""
    child_id = session.scalar(select(OutboxOp.child_id).where(OutboxOp.seq == op.op_seq))
    stored = 0
    for conflict in result.conflicts:
        if session.get(SyncConflict, conflict.conflict_id) is None:
            session.add(
                SyncConflict(
                    id=conflict.conflict_id,
                    entity=op.entity,
                    record_id=op.record_id,
                    child_id=child_id,
                    field=conflict.field,
                    kind=conflict.kind,
                    mine=conflict.mine,
                    theirs=conflict.theirs,
                    theirs_by=conflict.theirs_by,
                    theirs_seq=conflict.theirs_seq,
                )
            )
            stored += 1
        _show_theirs(session, op, conflict)
    return stored


def _show_theirs(session: Session, op: PushOperation, conflict: FieldConflict) -> None:
    # The server kept its version; the local record takes it too, so that every
    # device shows the same text until the therapist chooses. Mine is in the conflict.
    plan = plan_for(op.entity)
    values: dict[str, Any] = {}
    if conflict.kind == "edit" and conflict.field in plan.specs:
        values = convert_fields(plan, op.record_id, {conflict.field: conflict.theirs})
    elif conflict.kind == "edit_vs_delete":
        values = {"deleted": True}
    elif conflict.kind == "delete_vs_edit":
        values = {"deleted": False}
    if values:
        session.execute(update(plan.table).where(plan.table.c.id == op.record_id).values(values))
