"""A device's push: checked whole first, then applied in one transaction with a result per op."""

from __future__ import annotations

import hashlib
import itertools
import json
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.models.registry import READ_ONLY_ENTITIES
from otvisit.sync.protocol import (
    MAX_SEQUENCE,
    SERVER_RESTORED,
    OperationResult,
    PushOperation,
    PushRequest,
    PushResponse,
)
from otvisit.sync.server import authorship, rules, validation
from otvisit.sync.server.audit import write_audit
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.database import SequenceLock
from otvisit.sync.server.errors import ApiError, forbidden, invalid
from otvisit.sync.server.history import current_generation
from otvisit.sync.server.merge import (
    OpContext,
    RecordState,
    conflict_rows,
    create_record,
    update_record,
)
from otvisit.sync.server.schema import (
    Conflict,
    DeviceProgress,
    OpResult,
    Record,
    RecordVersion,
    TeamDeparture,
)
from otvisit.sync.server.team_views.projection import Written, project

_NOTHING_SAVED = "Nothing from this push was saved."


def operation_hash(op: PushOperation) -> str:
    """What an operation says, apart from its number and the device clock."""
    content = op.model_dump(mode="json", exclude={"op_seq", "made_at"})
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _check_bounds(ops: list[PushOperation]) -> None:
    # Sequences are 64-bit on the server; a bigger number can only be a broken client.
    for op in ops:
        if op.op_seq > MAX_SEQUENCE or (op.base_seq or 0) > MAX_SEQUENCE:
            raise invalid(
                "invalid_request",
                f"Operation {str(op.op_seq)[:20]} has a sequence number above {MAX_SEQUENCE}. "
                f"{_NOTHING_SAVED}",
            )


def _check_order(ops: list[PushOperation]) -> None:
    for before, after in itertools.pairwise(ops):
        if after.op_seq <= before.op_seq:
            raise ApiError(
                409,
                "op_seq_out_of_order",
                f"Operation {after.op_seq} comes after operation {before.op_seq}: operations "
                f"must be sent in increasing order. {_NOTHING_SAVED}",
            )


def _replayed_results(
    session: Session, *, device_id: str, replays: list[PushOperation], last: int
) -> dict[int, OperationResult]:
    """The stored answers to operations already processed; a changed or skipped op is refused."""
    if not replays:
        return {}
    rows = session.execute(
        select(OpResult.op_seq, OpResult.op_hash, OpResult.result).where(
            OpResult.device_id == device_id,
            OpResult.op_seq.in_([op.op_seq for op in replays]),
        )
    ).all()
    stored = {seq: (digest, result) for seq, digest, result in rows}
    answers: dict[int, OperationResult] = {}
    for op in replays:
        if op.op_seq not in stored:
            raise ApiError(
                409,
                "op_seq_out_of_order",
                f"Operation {op.op_seq} arrived after later operations of this device were "
                f"processed. {_NOTHING_SAVED}",
                last_op_seq=last,
            )
        digest, result = stored[op.op_seq]
        if digest != operation_hash(op):
            raise ApiError(
                409,
                "op_seq_reused",
                f"Operation {op.op_seq} was already received with different content. "
                f"{_NOTHING_SAVED}",
                last_op_seq=last,
            )
        answers[op.op_seq] = OperationResult.model_validate_json(result)
    return answers


def _load_states(session: Session, ids: set[str]) -> dict[str, RecordState]:
    columns = (
        Record.id,
        Record.entity,
        Record.team_id,
        Record.child_id,
        Record.fields,
        Record.field_seq,
        Record.seq,
        Record.deleted,
        Record.updated_by,
        Record.updated_device,
    )
    states: dict[str, RecordState] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), 500):
        rows = session.execute(select(*columns).where(Record.id.in_(id_list[start : start + 500])))
        for rid, entity, team, child, fields, stamps, seq, deleted, by, device in rows:
            states[rid] = RecordState(
                rid, entity, team, child, json.loads(fields), json.loads(stamps), seq, deleted, by,
                device,
            )  # fmt: skip
    return states


class _Scope:
    """Which children a push may touch: its team's, including ones it creates."""

    def __init__(self, session: Session, caller: Caller, states: dict[str, RecordState]) -> None:
        self.team_id = caller.team_id
        self.child_team = {s.id: s.team_id for s in states.values() if s.entity == "child"}
        child_ids = {s.child_id for s in states.values() if s.child_id}
        self._session = session
        self._extra = child_ids
        self.departed: set[str] = set()

    def load(self, referenced: set[str]) -> None:
        wanted = sorted((referenced | self._extra) - set(self.child_team))
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            rows = self._session.execute(
                select(Record.id, Record.team_id).where(
                    Record.id.in_(part), Record.entity == "child"
                )
            )
            self.child_team.update({rid: team for rid, team in rows})
        every = sorted(referenced | self._extra)
        for start in range(0, len(every), 500):
            rows = self._session.execute(
                select(TeamDeparture.child_id).where(
                    TeamDeparture.team_id == self.team_id,
                    TeamDeparture.child_id.in_(every[start : start + 500]),
                )
            )
            self.departed.update(rows.scalars())

    def check(self, op: PushOperation, child_id: str | None) -> None:
        """403 for a child that is (and was) never this team's: nothing of the push is saved."""
        if child_id is None or child_id not in self.child_team:
            return
        if self.child_team[child_id] != self.team_id and child_id not in self.departed:
            raise _outside(op)

    def refusal(self, child_id: str | None) -> str | None:
        """Why an op under this child can't be applied now (moved away, unknown), or None."""
        if child_id is None:
            return None
        team = self.child_team.get(child_id)
        if team is None:
            return rules.UNKNOWN_CHILD_REASON
        return None if team == self.team_id else rules.MOVED_REASON


def _child_of(op: PushOperation, changes: dict[str, Any], state: RecordState | None) -> str | None:
    if state is not None:
        return state.child_id
    if op.entity == "child":
        return op.record_id
    if rules.is_child_level(op.entity):
        child = changes.get("child_id")
        return child if isinstance(child, str) else None
    return None


def _precheck(
    caller: Caller,
    ops: list[PushOperation],
    changes: dict[int, dict[str, Any]],
    states: dict[str, RecordState],
    scope: _Scope,
) -> None:
    """Everything that refuses the whole push, checked before anything is written."""
    for op in ops:
        state = states.get(op.record_id)
        team = changes[op.op_seq].get("team_id")
        # Another team's record gets the same answer whatever it is (or whether it exists):
        # the team check comes first, and one message serves every case.
        if state is not None and state.team_id != caller.team_id:
            if state.child_id is None or state.child_id not in scope.departed:
                raise _outside(op)
        elif rules.has_team_field(op.entity) and team is not None and team != caller.team_id:
            raise _outside(op)
        scope.check(op, _child_of(op, changes[op.op_seq], state))
        scope.check(op, changes[op.op_seq].get("child_id"))
        if state is not None and state.entity != op.entity:
            raise invalid(
                "record_entity_mismatch",
                f"Operation {op.op_seq}: record {op.record_id} is a {state.entity}, "
                f"not a {op.entity}. {_NOTHING_SAVED}",
            )


def _outside(op: PushOperation) -> ApiError:
    return forbidden(
        "other_team",
        f"Operation {op.op_seq} touches a record that is not on your team's caseload. "
        f"{_NOTHING_SAVED}",
    )


def push_operations(session: Session, *, caller: Caller, request: PushRequest) -> PushResponse:
    """Apply a push in the caller's transaction; raises ApiError (nothing written) for bad input."""
    if request.device_id != caller.device_id:
        raise forbidden("device_mismatch", "The push names another device than the signed-in one.")
    ops = request.operations
    validation.check_values(ops)
    _check_bounds(ops)
    _check_order(ops)
    # The first statement takes the sequence lock: pushes are serialised from here to commit.
    lock = SequenceLock(session)
    _check_not_restored(session, request, high=lock.high)
    progress = session.execute(
        select(DeviceProgress.last_op_seq).where(DeviceProgress.device_id == caller.device_id)
    ).scalar_one_or_none()
    last = progress or 0
    answers = _replayed_results(
        session,
        device_id=caller.device_id,
        replays=[op for op in ops if op.op_seq <= last],
        last=last,
    )
    fresh = [op for op in ops if op.op_seq > last]
    ctx, states = _apply_fresh(session, caller=caller, lock=lock, fresh=fresh, answers=answers)
    _save(session, caller=caller, ctx=ctx, fresh=fresh, answers=answers, states=states)
    _save_results(session, caller=caller, fresh=fresh, answers=answers)
    if fresh:
        _save_progress(session, caller=caller, known=progress is not None, last=fresh[-1].op_seq)
    lock.save()
    return PushResponse(
        results=[answers[op.op_seq] for op in ops], last_op_seq=max([last, *answers])
    )


def _check_not_restored(session: Session, request: PushRequest, *, high: int) -> None:
    """Refuse a push built on what a restored server lost (the pull's own test, on the laptop)."""
    restored = request.cursor is not None and request.cursor > high
    if not restored and request.generation:
        current = current_generation(session)
        restored = bool(current) and current != request.generation
    if restored:
        raise ApiError(
            409,
            SERVER_RESTORED,
            "The team's server was restored from a backup since this laptop last synced. "
            f"{_NOTHING_SAVED} The laptop sends again what the server lacks, then this.",
        )


def write_operations(
    session: Session, *, caller: Caller, operations: list[PushOperation]
) -> list[OperationResult]:
    """Operations made on the server for a signed-in lead (the console's FHIR referral import).

    The push's own path: the same value checks, scope, authorship, merge, history, fact tables
    and audit, in the caller's transaction. No device sent them, so no device's progress or
    stored answers are kept; the caller rolls back when a result is not what it needed.
    """
    validation.check_values(operations)
    _check_bounds(operations)
    _check_order(operations)
    lock = SequenceLock(session)
    answers: dict[int, OperationResult] = {}
    ctx, states = _apply_fresh(session, caller=caller, lock=lock, fresh=operations, answers=answers)
    _save(session, caller=caller, ctx=ctx, fresh=operations, answers=answers, states=states)
    lock.save()
    return [answers[op.op_seq] for op in operations]


def _apply_fresh(
    session: Session,
    *,
    caller: Caller,
    lock: SequenceLock,
    fresh: list[PushOperation],
    answers: dict[int, OperationResult],
) -> tuple[OpContext, dict[str, RecordState]]:
    """Check the new operations whole (raising before anything is written), then merge each."""
    changes = {op.op_seq: validation.checked_changes(op) for op in fresh}
    states = _load_states(session, {op.record_id for op in fresh})
    scope = _Scope(session, caller, states)
    scope.load({c["child_id"] for c in changes.values() if isinstance(c.get("child_id"), str)})
    _precheck(caller, fresh, changes, states, scope)

    notes = _load_states(session, authorship.notes_named(fresh, changes) - set(states))

    def find(record_id: str) -> RecordState | None:  # a note made earlier in this push too
        return states.get(record_id) or notes.get(record_id)

    ctx = OpContext(caller=caller, lock=lock)
    for op in fresh:
        state = states.get(op.record_id)
        if reason := authorship.refusal(caller, op, changes[op.op_seq], state, find):
            answers[op.op_seq] = OperationResult(op_seq=op.op_seq, status="rejected", reason=reason)
            continue
        answers[op.op_seq] = _apply(ctx, op, changes[op.op_seq], states, scope)
    return ctx, states


def _apply(
    ctx: OpContext,
    op: PushOperation,
    changes: dict[str, Any],
    states: dict[str, RecordState],
    scope: _Scope,
) -> OperationResult:
    if op.entity in READ_ONLY_ENTITIES:
        return OperationResult(op_seq=op.op_seq, status="rejected", reason=rules.READ_ONLY_REASON)
    state = states.get(op.record_id)
    child_id = _child_of(op, changes, state)
    # A new child is checked by _precheck (its team_id); anything else needs its child here.
    reason = scope.refusal(child_id) if op.entity != "child" or state is not None else None
    if reason:
        return OperationResult(op_seq=op.op_seq, status="rejected", reason=reason)
    if state is not None:
        return update_record(ctx, op, state, changes)
    if op.entity == "child" and "team_id" not in changes and op.kind == "upsert":
        changes = {**changes, "team_id": ctx.caller.team_id}
    created, result = create_record(ctx, op, changes, child_id)
    if created is not None:
        states[created.id] = created
        if created.entity == "child":
            scope.child_team[created.id] = created.team_id
    return result


def _save(
    session: Session,
    *,
    caller: Caller,
    ctx: OpContext,
    fresh: list[PushOperation],
    answers: dict[int, OperationResult],
    states: dict[str, RecordState],
) -> None:
    now = utcnow()
    dirty = [s for s in states.values() if s.dirty]
    values = [
        {
            "id": s.id,
            "fields": json.dumps(s.fields),
            "field_seq": json.dumps(s.field_seq),
            "seq": s.seq,
            "deleted": s.deleted,
            "updated_at": now,
            "updated_by": s.updated_by,
            "updated_device": s.updated_device,
        }
        for s in dirty
    ]
    new = [v for v, s in zip(values, dirty, strict=True) if s.is_new]
    for row, state in zip(values, dirty, strict=True):
        if state.is_new:
            row.update(
                entity=state.entity, team_id=state.team_id, child_id=state.child_id, created_at=now
            )
    if new:
        session.execute(insert(Record), new)
    changed = [v for v, s in zip(values, dirty, strict=True) if not s.is_new]
    if changed:
        session.execute(update(Record), changed)
    project(
        session,
        (Written(s.entity, s.id, s.team_id, s.child_id, s.fields, s.deleted) for s in dirty),
    )
    if ctx.conflicts:
        session.execute(insert(Conflict), conflict_rows(ctx))
    if ctx.versions:
        # The history is written in the same transaction as the records: never one without.
        session.execute(insert(RecordVersion), ctx.versions)
    events = []
    for op in fresh:
        written = states.get(op.record_id)
        result = answers[op.op_seq]
        events.append(
            caller.audit(
                "write",
                entity=op.entity,
                record_id=op.record_id,
                child_id=written.child_id if written else None,
                detail=f"{op.kind} op {op.op_seq}: {result.status}",
            )
        )
    write_audit(session, events=events)


def _save_results(
    session: Session,
    *,
    caller: Caller,
    fresh: list[PushOperation],
    answers: dict[int, OperationResult],
) -> None:
    """Each answer kept, so that a retried push gets the same one again."""
    if not fresh:
        return
    session.execute(
        insert(OpResult),
        [
            {
                "device_id": caller.device_id,
                "op_seq": op.op_seq,
                "op_hash": operation_hash(op),
                "result": answers[op.op_seq].model_dump_json(),
            }
            for op in fresh
        ],
    )


def _save_progress(session: Session, *, caller: Caller, known: bool, last: int) -> None:
    if known:
        session.execute(
            update(DeviceProgress)
            .where(DeviceProgress.device_id == caller.device_id)
            .values(last_op_seq=last)
        )
    else:
        session.execute(insert(DeviceProgress).values(device_id=caller.device_id, last_op_seq=last))
