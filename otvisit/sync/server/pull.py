"""A device's pull: the team's records changed after a cursor, serialised straight to JSON bytes."""

from __future__ import annotations

import json
from collections import Counter as Tally
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.sync.protocol import MAX_PULL_BYTES
from otvisit.sync.server.audit import AuditEvent
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.history import restore_point_since
from otvisit.sync.server.schema import (
    CHANGE_SEQ,
    GENERATION,
    RESTORE_POINT,
    Counter,
    Record,
    TeamDeparture,
)

_dumps = json.dumps


@dataclass(frozen=True, slots=True)
class PullPage:
    """The answer body (already JSON) and what it read, for the audit log."""

    body: bytes
    count: int
    audit: list[AuditEvent]


# Built once: a pull is the hot path, and building statements costs more than running them.
_RECORD, _DEPARTURE = Record.__table__.c, TeamDeparture.__table__.c
_COUNTER = Counter.__table__.c
#: The high-water mark and the generation, in one statement.
_HIGH = select(_COUNTER.name, _COUNTER.value).where(
    _COUNTER.name.in_([CHANGE_SEQ, GENERATION, RESTORE_POINT])
)
_CHANGES = (
    select(
        _RECORD.entity,
        _RECORD.id,
        _RECORD.child_id,
        _RECORD.seq,
        _RECORD.deleted,
        _RECORD.fields,
        _RECORD.updated_by,
        _RECORD.updated_device,
    )
    .where(
        _RECORD.team_id == bindparam("team"),
        _RECORD.seq > bindparam("cursor"),
        _RECORD.seq <= bindparam("high"),
    )
    .order_by(_RECORD.seq)
    .limit(bindparam("rows"))
)
_DEPARTURES = (
    select(_DEPARTURE.child_id)
    .where(
        _DEPARTURE.team_id == bindparam("team"),
        _DEPARTURE.seq > bindparam("cursor"),
        _DEPARTURE.seq <= bindparam("upper"),
    )
    .order_by(_DEPARTURE.seq)
)


_UNKNOWN_GENERATION = ',"generation_known":false'


def pull_changes(
    session: Session | Connection,
    *,
    caller: Caller,
    cursor: int,
    limit: int,
    known_generation: int | None = None,
) -> PullPage:
    """Records of the caller's team with ``cursor < seq``, oldest change first.

    ``known_generation``: the generation the laptop last saw. When it is not the current one,
    the restore point answered is the lowest of every restore since it (several restores while
    the laptop was away), and ``generation_known`` says whether the server knows it at all.

    Only sequences up to the committed high-water mark are read: every change
    at or below it has committed (writers hold the sequence lock until they
    commit), so moving the cursor there can never skip a late commit.
    """
    counters = dict(session.execute(_HIGH).all())
    high, generation = int(counters[CHANGE_SEQ]), int(counters.get(GENERATION) or 0)
    restore_point = int(counters.get(RESTORE_POINT) or 0)
    known = True
    if known_generation is not None and known_generation != generation:
        restore_point, known = restore_point_since(
            session, known=known_generation, current_point=restore_point
        )
    rows = session.execute(
        _CHANGES, {"team": caller.team_id, "cursor": cursor, "high": high, "rows": limit + 1}
    ).all()
    has_more = len(rows) > limit
    if has_more:
        rows = rows[:limit]
    size = 0
    for count, row in enumerate(rows):
        size += len(row[5]) + 200
        if count and size > MAX_PULL_BYTES:
            rows, has_more = rows[:count], True  # the rest comes on the next page
            break
    upper = rows[-1][3] if has_more else max(high, cursor)
    departures = session.execute(
        _DEPARTURES, {"team": caller.team_id, "cursor": cursor, "upper": upper}
    ).scalars()
    # A child that came back to the team later is not removed: its records are re-sent.
    present = {row[1] for row in rows if row[0] == "child"}
    removed = list(dict.fromkeys(c for c in departures if c not in present))
    if removed:
        still_here = session.execute(
            select(Record.id).where(Record.id.in_(removed), Record.team_id == caller.team_id)
        ).scalars()
        back = set(still_here)
        removed = [c for c in removed if c not in back]
    # The caller's own changes are sent back too; the laptop writes none it holds in that
    # version (``HeldVersions``). Leaving them out: see PROTOCOL_CHANGES.md (1 December).
    sent = rows
    parts = [
        f'{{"entity":"{entity}","record_id":"{rid}","child_id":'
        f'{"null" if child is None else _dumps(child)},"seq":{seq},'
        f'"deleted":{"true" if deleted else "false"},"fields":{fields},"updated_by":{_dumps(by)}}}'
        for entity, rid, child, seq, deleted, fields, by, _device in sent
    ]
    body = (
        f'{{"records":[{",".join(parts)}],"removed_children":{_dumps(removed)},'
        f'"next_cursor":{upper},"has_more":{"true" if has_more else "false"},'
        f'"generation":{generation},"high":{high},"restore_point":{restore_point}'
        f"{'' if known else _UNKNOWN_GENERATION}}}"
    )
    return PullPage(body=body.encode(), count=len(sent), audit=_read_events(caller, sent, cursor))


def _read_events(caller: Caller, rows: Sequence[Any], cursor: int) -> list[AuditEvent]:
    """One audit line per child read (and one for team records), naming how many and which seqs."""
    if not rows:
        return []
    per_child = Tally(row[2] for row in rows)
    last = rows[-1][3]
    now = utcnow()
    return [
        caller.audit(
            "read",
            at=now,
            child_id=child,
            detail=f"pulled {count} record(s) with seq {cursor + 1}..{last}",
        )
        for child, count in per_child.items()
    ]
