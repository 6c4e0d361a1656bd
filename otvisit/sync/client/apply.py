"""Writing pulled records into the local store fast: bulk Core statements, no per-object ORM."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from otvisit.models import OutboxOp, SyncedRecord
from otvisit.models.registry import ENTITIES, FIELDS, FieldSpec
from otvisit.models.wire import WireError, from_wire
from otvisit.sync.client.errors import SyncError
from otvisit.sync.protocol import PulledRecord

#: SQLite's limit on bound parameters is 32766; stay well under it per IN (...) list.
ID_CHUNK = 900


@dataclass(frozen=True, slots=True)
class _EntityPlan:
    """What bulk-writing one entity needs, worked out once per process."""

    model: type[SyncedRecord]
    table: Table
    specs: dict[str, FieldSpec]
    #: Values for fields a pulled record leaves out (only for inserting a record new here).
    defaults: dict[str, Any]


def _defaults(model: type[SyncedRecord]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in FIELDS[model.__entity__]:
        default = model.__table__.columns[name].default
        if default is not None and default.is_scalar:
            found[name] = default.arg
        elif default is not None and default.is_callable:
            # Called per row, a fresh list or dict each time (wrapped to take a context).
            found[name] = functools.partial(default.arg, None)
        elif model.__table__.columns[name].nullable:
            found[name] = None
    return found


_PLANS: dict[str, _EntityPlan] = {}


def plan_for(entity: str) -> _EntityPlan:
    plan = _PLANS.get(entity)
    if plan is None:
        model = ENTITIES.get(entity)
        if model is None:
            raise SyncError(
                f"The server sent records of a kind this laptop does not know: {entity}."
            )
        table = model.__table__
        assert isinstance(table, Table)
        plan = _EntityPlan(model, table, FIELDS[entity], _defaults(model))
        _PLANS[entity] = plan
    return plan


def chunks(items: Sequence[str], size: int = ID_CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_ids(session: Session, table: Table, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(ids):
        found.update(session.scalars(select(table.c.id).where(table.c.id.in_(part))))
    return found


def convert_fields(plan: _EntityPlan, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Wire values checked against the entity's fields; a bad one stops the whole batch."""
    specs = plan.specs
    converted: dict[str, Any] = {}
    try:
        for name, value in values.items():
            spec = specs.get(name)
            if spec is None:
                raise WireError(name, f"is not a field of {plan.model.__entity__}")
            converted[name] = from_wire(spec, value)
    except WireError as error:
        raise SyncError(
            f"The server sent a {plan.model.__entity__} ({record_id}) this laptop cannot store: "
            f"{error}."
        ) from error
    return converted


def _insert_row(plan: _EntityPlan, record: PulledRecord, now: datetime) -> dict[str, Any]:
    row = {name: value() if callable(value) else value for name, value in plan.defaults.items()}
    row.update(convert_fields(plan, record.record_id, record.fields))
    missing = [name for name in plan.specs if name not in row]
    if missing:
        raise SyncError(
            f"The server sent a new {plan.model.__entity__} ({record.record_id}) without "
            f"{', '.join(missing)}."
        )
    row.update(id=record.record_id, created_at=now, updated_at=now, server_seq=record.seq)
    row["deleted"] = record.deleted
    return row


def write_records(session: Session, records: Sequence[PulledRecord], now: datetime) -> int:
    """Insert or update pulled records by id; returns how many were written."""
    newest: dict[str, PulledRecord] = {}
    for record in records:
        seen = newest.get(record.record_id)
        if seen is None or record.seq > seen.seq:
            newest[record.record_id] = record
    by_entity: dict[str, list[PulledRecord]] = defaultdict(list)
    for record in newest.values():
        by_entity[record.entity].append(record)
    written = 0
    for entity, group in by_entity.items():
        plan = plan_for(entity)
        known = existing_ids(session, plan.table, [r.record_id for r in group])
        inserts: list[dict[str, Any]] = []
        updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for record in group:
            if record.record_id not in known:
                if record.deleted and not record.fields:
                    continue  # a tombstone of something this laptop never held
                inserts.append(_insert_row(plan, record, now))
                continue
            row = convert_fields(plan, record.record_id, record.fields)
            row.update(_id=record.record_id, server_seq=record.seq, deleted=record.deleted)
            updates[frozenset(row)].append(row)
        if inserts:
            session.execute(plan.table.insert(), inserts)
        for keys, rows in updates.items():
            table = plan.table
            values: dict[str, Any] = {key: bindparam(key) for key in keys if key != "_id"}
            statement = update(table).where(table.c.id == bindparam("_id")).values(values)
            session.execute(statement, rows)
        written += len(inserts) + sum(len(rows) for rows in updates.values())
    return written


def reapply_pending(session: Session, record_ids: Sequence[str]) -> int:
    """Put unpushed local edits back on top of records just pulled; returns ops re-applied."""
    ops: list[OutboxOp] = []
    if session.scalar(select(OutboxOp.seq).where(OutboxOp.state == "pending").limit(1)) is None:
        return 0  # the usual case after a push: nothing to look up
    for part in chunks(list(record_ids)):
        ops.extend(
            session.scalars(
                select(OutboxOp)
                .where(OutboxOp.state == "pending", OutboxOp.record_id.in_(part))
                .order_by(OutboxOp.seq)
            )
        )
    for op in sorted(ops, key=lambda o: o.seq):
        plan = plan_for(op.entity)
        values: dict[str, Any] = {}
        if op.kind == "upsert":
            values = convert_fields(plan, op.record_id, op.changes)
        elif op.kind in ("delete", "restore"):
            values = {"deleted": op.kind == "delete"}
        if values:
            session.execute(
                update(plan.table).where(plan.table.c.id == op.record_id).values(values)
            )
    return len(ops)
