"""Writing pulled records into the local store fast: bulk Core statements, no per-object ORM."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from otvisit.models import OutboxOp, SyncedRecord
from otvisit.models.registry import ENTITIES, FIELDS, FieldKind, FieldSpec
from otvisit.models.wire import MAX_JSON_CHARS, MAX_TEXT_CHARS, WireError, from_wire
from otvisit.sync.client.errors import SyncError
from otvisit.sync.client.recovery import AWAITING
from otvisit.sync.protocol import PulledRecord
from otvisit.sync.values import value_problem

#: SQLite's limit on bound parameters is 32766; stay well under it per IN (...) list.
ID_CHUNK = 900
_SQLITE = sqlite.dialect()


#: Turns a wire value into what the database column stores, checking it on the way.
Converter = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _EntityPlan:
    """What bulk-writing one entity needs, worked out once per process."""

    model: type[SyncedRecord]
    table: Table
    specs: dict[str, FieldSpec]
    #: Values for fields a pulled record leaves out (only for inserting a record new here).
    defaults: dict[str, Any]
    #: The INSERT of a whole row (sync columns, then every field) as driver-level SQL.
    insert_sql: str
    #: Which of a JSON list of ids the table holds: one statement and one parameter for a
    #: whole batch (an IN list of bound ids is compiled and planned again for every chunk).
    known_sql: str
    #: Per field, wire value -> stored value, in insert column order after the sync columns.
    converters: tuple[tuple[str, Converter], ...]
    #: Stored form of the defaults (a default list is stored as "[]" for every row alike).
    stored_defaults: dict[str, Any]
    #: Stored form of a timestamp and of a boolean for the sync columns.
    store_time: Converter
    store_bool: Converter


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


def _processor(table: Table, name: str, dialect: Dialect) -> Converter:
    column_type = table.columns[name].type
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    return processor if processor is not None else _same


def _same(value: Any) -> Any:
    return value


def _converter(spec: FieldSpec, stored: Converter) -> Converter:
    """Checks exactly as ``from_wire`` does, with fast paths for the common kinds."""
    if spec.kind is FieldKind.TEXT:
        limit = spec.max_length or MAX_TEXT_CHARS

        def text(value: Any) -> Any:
            if type(value) is str and len(value) <= limit:
                return value
            return from_wire(spec, value)  # raises the readable error (or allows None)

        return text
    if spec.kind is FieldKind.JSON:

        def json_value(value: Any) -> Any:
            if isinstance(value, list | dict):
                encoded = json.dumps(value)  # what the JSON column would store, made once
                if len(encoded) <= MAX_JSON_CHARS:
                    return encoded
            return stored(from_wire(spec, value))

        return json_value

    def other(value: Any) -> Any:
        return stored(from_wire(spec, value))

    return other


_PLANS: dict[tuple[str, str], _EntityPlan] = {}


def plan_for(entity: str, dialect: Dialect | None = None) -> _EntityPlan:
    dialect = dialect or _SQLITE
    key = (entity, dialect.name)
    plan = _PLANS.get(key)
    if plan is None:
        model = ENTITIES.get(entity)
        if model is None:
            raise SyncError(
                f"The server sent records of a kind this laptop does not know: {entity}."
            )
        table = model.__table__
        assert isinstance(table, Table)
        specs = FIELDS[entity]
        defaults = _defaults(model)
        processors = {name: _processor(table, name, dialect) for name in specs}
        converters = tuple(
            (name, _converter(spec, processors[name])) for name, spec in specs.items()
        )
        stored_defaults = {
            name: processors[name](value() if callable(value) else value)
            for name, value in defaults.items()
        }
        columns = ["id", "created_at", "updated_at", "server_seq", "deleted", *specs]
        insert_sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        plan = _EntityPlan(
            model=model,
            table=table,
            specs=specs,
            defaults=defaults,
            insert_sql=insert_sql,
            known_sql=f"SELECT id FROM {table.name} WHERE id IN (SELECT value FROM json_each(?))",
            converters=converters,
            stored_defaults=stored_defaults,
            store_time=_processor(table, "created_at", dialect),
            store_bool=_processor(table, "deleted", dialect),
        )
        _PLANS[key] = plan
    return plan


def chunks(items: Sequence[str], size: int = ID_CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_ids(session: Session, plan: _EntityPlan, ids: Sequence[str]) -> set[str]:
    rows = session.connection().exec_driver_sql(plan.known_sql, (json.dumps(list(ids)),))
    return {row[0] for row in rows}


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


def _insert_row(plan: _EntityPlan, record: PulledRecord, stored_now: Any) -> tuple[Any, ...]:
    values = record.fields
    if not values.keys() <= plan.specs.keys():
        convert_fields(plan, record.record_id, values)  # raises, naming the unknown field
    row: list[Any] = [
        record.record_id,
        stored_now,
        stored_now,
        record.seq,
        plan.store_bool(record.deleted),
    ]
    defaults = plan.stored_defaults
    try:
        for name, convert in plan.converters:
            if name in values:
                row.append(convert(values[name]))
            elif name in defaults:
                row.append(defaults[name])
            else:
                raise SyncError(
                    f"The server sent a new {plan.model.__entity__} ({record.record_id}) "
                    f"without {name}."
                )
    except WireError as error:
        raise SyncError(
            f"The server sent a {plan.model.__entity__} ({record.record_id}) this laptop cannot "
            f"store: {error}."
        ) from error
    return tuple(row)


def _check_values(record: PulledRecord) -> None:
    """The push's own value check (``otvisit.sync.values``) on a pulled record: what the server
    would refuse from a laptop is not stored here either (the record is set aside)."""
    for name, value in record.fields.items():
        if problem := value_problem(value):
            raise SyncError(
                f"The server sent a {record.entity} ({record.record_id}) this laptop cannot "
                f"store: {name} {problem}."
            )


def write_records(session: Session, records: Sequence[PulledRecord], now: datetime) -> int:
    """Insert or update pulled records by id; returns how many were written."""
    newest: dict[str, PulledRecord] = {}
    for record in records:
        _check_values(record)
        seen = newest.get(record.record_id)
        if seen is None or record.seq > seen.seq:
            newest[record.record_id] = record
    by_entity: dict[str, list[PulledRecord]] = defaultdict(list)
    for record in newest.values():
        by_entity[record.entity].append(record)
    written = 0
    dialect = session.get_bind().dialect
    for entity, group in by_entity.items():
        plan = plan_for(entity, dialect)
        stored_now = plan.store_time(now)
        known = existing_ids(session, plan, [r.record_id for r in group])
        inserts: list[tuple[Any, ...]] = []
        updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for record in group:
            if record.record_id not in known:
                if record.deleted and not record.fields:
                    continue  # a tombstone of something this laptop never held
                inserts.append(_insert_row(plan, record, stored_now))
                continue
            row = convert_fields(plan, record.record_id, record.fields)
            row.update(_id=record.record_id, server_seq=record.seq, deleted=record.deleted)
            updates[frozenset(row)].append(row)
        if inserts:
            # Straight to the driver: values are already checked and in stored form, and
            # SQLAlchemy's per-row parameter handling would cost more than the insert itself.
            session.connection().exec_driver_sql(plan.insert_sql, inserts)
        for keys, rows in updates.items():
            table = plan.table
            values: dict[str, Any] = {key: bindparam(key) for key in keys if key != "_id"}
            statement = update(table).where(table.c.id == bindparam("_id")).values(values)
            session.execute(statement, rows)
        written += len(inserts) + sum(len(rows) for rows in updates.values())
    return written


def reapply_pending(session: Session, record_ids: Sequence[str]) -> int:
    """Put unpushed local edits back on top of records just pulled; returns ops re-applied."""
    if not record_ids:
        return 0
    ops: list[OutboxOp] = []
    # Edits held for a colleague's note after a server restore ("awaiting") show here too.
    unsent = OutboxOp.state.in_(("pending", AWAITING))
    if session.scalar(select(OutboxOp.seq).where(unsent).limit(1)) is None:
        return 0  # the usual case after a push: nothing to look up
    for part in chunks(list(record_ids)):
        ops.extend(
            session.scalars(
                select(OutboxOp).where(unsent, OutboxOp.record_id.in_(part)).order_by(OutboxOp.seq)
            )
        )
    for op in sorted(ops, key=lambda o: o.seq):
        plan = plan_for(op.entity)
        values: dict[str, Any] = {}
        if op.kind == "upsert":
            values = convert_fields(plan, op.record_id, op.changes)
            values.update(_stepped_counters(session, plan, op))
        elif op.kind in ("delete", "restore"):
            values = {"deleted": op.kind == "delete"}
        if values:
            session.execute(
                update(plan.table).where(plan.table.c.id == op.record_id).values(values)
            )
    return len(ops)


#: Anything storing one pulled record can raise: a value the laptop refuses, text SQLite
#: cannot encode (an unpaired surrogate), nesting too deep to encode, a number too big.
_CANNOT_STORE = (SyncError, WireError, ValueError, TypeError, RecursionError, OverflowError,
                 DBAPIError)  # fmt: skip


def write_records_safely(
    session: Session, records: Sequence[PulledRecord], now: datetime
) -> tuple[int, list[tuple[PulledRecord, str]]]:
    """Write a batch; when it fails, write record by record and return the ones that failed.

    Each failed record is left out (its reason returned to be set aside): one bad record never
    stops the pull. The fast bulk path runs first; the slow path only when something is wrong.
    """
    if not records:
        return 0, []  # (no savepoint for nothing: a no-change sync's batch)
    try:
        with session.begin_nested():
            return write_records(session, records, now), []
    except _CANNOT_STORE:
        pass
    written = 0
    failed: list[tuple[PulledRecord, str]] = []
    for record in records:
        try:
            with session.begin_nested():
                written += write_records(session, [record], now)
        except _CANNOT_STORE as error:
            failed.append((record, _reason(error)))
    return written, failed


def _reason(error: BaseException) -> str:
    if isinstance(error, SyncError | WireError):
        return str(error)
    return f"This laptop could not store it ({type(error).__name__}: {str(error)[:200]})."


def _stepped_counters(session: Session, plan: _EntityPlan, op: OutboxOp) -> dict[str, Any]:
    """An unsent counter step goes on top of the pulled value (the server will add it too)."""
    steps = {n: s for n, s in (op.increments or {}).items() if n in plan.specs and n in op.changes}
    if not steps:
        return {}
    row = session.execute(
        select(*(plan.table.c[name] for name in steps)).where(plan.table.c.id == op.record_id)
    ).first()
    if row is None:
        return {}
    return {name: int(row[i] or 0) + int(step) for i, (name, step) in enumerate(steps.items())}
