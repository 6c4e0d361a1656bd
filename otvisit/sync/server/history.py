"""A record's history (every version of its clinical text, every conflict) and the generation."""

from __future__ import annotations

import json
import secrets

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from otvisit.models.base import utcnow
from otvisit.models.registry import FIELDS
from otvisit.sync.protocol import (
    INVALID_FIELD,
    ConflictEntry,
    RecordHistory,
    RecordVersionEntry,
    ResentConflicts,
    UnreadableReport,
)
from otvisit.sync.server.audit import AuditEvent, write_audit
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.database import current_sequence
from otvisit.sync.server.errors import forbidden, invalid
from otvisit.sync.server.schema import (
    GENERATION,
    RESTORE_POINT,
    Conflict,
    Counter,
    GenerationStart,
    Record,
    RecordVersion,
)
from otvisit.sync.values import value_problem

#: The same answer for another team's record and an unknown id: existence is not revealed.
_NOT_YOURS = "That record is not on your team's caseload."


def record_history(session: Session, *, caller: Caller, record_id: str) -> RecordHistory:
    """Versions oldest first and conflicts of one record of the caller's team (the read audited)."""
    record = session.execute(
        select(Record.entity, Record.team_id, Record.child_id).where(Record.id == record_id)
    ).first()
    if record is None or record.team_id != caller.team_id:
        raise forbidden("other_team", _NOT_YOURS)
    versions = session.scalars(
        select(RecordVersion)
        .where(RecordVersion.record_id == record_id)
        .order_by(RecordVersion.seq, RecordVersion.id)
    )
    conflicts = session.scalars(
        select(Conflict)
        .where(Conflict.record_id == record_id)
        .order_by(Conflict.created_at, Conflict.id)
    )
    answer = RecordHistory(
        record_id=record_id,
        entity=record.entity,
        versions=[
            RecordVersionEntry(
                seq=v.seq, at=v.at, by=v.by, deleted=v.deleted, text=json.loads(v.text)
            )
            for v in versions
        ],
        conflicts=[
            ConflictEntry(
                conflict_id=c.id,
                kind=c.kind,  # type: ignore[arg-type]
                field=c.field,
                mine=json.loads(c.mine),
                theirs=json.loads(c.theirs),
                mine_by=c.mine_by,
                theirs_by=c.theirs_by,
                at=c.created_at,
            )
            for c in conflicts
        ],
    )
    write_audit(
        session,
        events=[
            caller.audit(
                "read",
                entity=record.entity,
                record_id=record_id,
                child_id=record.child_id,
                detail=f"history: {len(answer.versions)} version(s)",
            )
        ],
    )
    return answer


def record_unreadable(session: Session, *, caller: Caller, report: UnreadableReport) -> int:
    """A laptop's pulled records it could not store, into the audit log for the team lead."""
    if report.device_id != caller.device_id:
        raise forbidden(
            "device_mismatch", "The report names another device than the signed-in one."
        )
    named = sorted({item.record_id for item in report.records})
    held = {
        row.id: row
        for row in session.execute(
            select(Record.id, Record.entity, Record.team_id, Record.child_id).where(
                Record.id.in_(named)
            )
        )
    } if named else {}  # fmt: skip
    if any(row.team_id != caller.team_id for row in held.values()):
        # As for audit uploads: nothing about another team's record is written, nor said.
        raise forbidden("other_team", _NOT_YOURS)
    events = []
    for item in report.records:
        row = held.get(item.record_id)  # the server's own kind and child when it holds it
        events.append(
            caller.audit(
                "unreadable",
                entity=row.entity if row else item.entity,
                record_id=item.record_id,
                child_id=row.child_id if row else None,
                detail=f"seq {item.seq}: {item.reason}",
            )
        )
    write_audit(session, events=events)
    return len(events)


def keep_resent_conflicts(session: Session, *, caller: Caller, request: ResentConflicts) -> int:
    """Conflicts a laptop holds that a restored server lost: kept again, in the caller's team.

    Each is kept once, by its id (a retried request keeps nothing twice). "Mine" is the
    laptop's user's words; "theirs" is named as the laptop kept it. A conflict on a record or
    child of another team is not kept, and nothing says whether it exists. Values are checked
    as a push's are.
    """
    if request.device_id != caller.device_id:
        raise forbidden(
            "device_mismatch", "The request names another device than the signed-in one."
        )
    for item in request.conflicts:
        if item.entity not in FIELDS:
            raise invalid(INVALID_FIELD, f"Conflict {item.conflict_id}: no such kind of record.")
        for side in (item.mine, item.theirs):
            if problem := value_problem(side):
                raise invalid(INVALID_FIELD, f"Conflict {item.conflict_id}: a value {problem}.")
    ids = [c.conflict_id for c in request.conflicts]
    held = set(session.scalars(select(Conflict.id).where(Conflict.id.in_(ids)))) if ids else set()
    named = {c.record_id for c in request.conflicts} | {
        c.child_id for c in request.conflicts if c.child_id
    }
    rows = session.execute(select(Record.id, Record.team_id).where(Record.id.in_(named)))
    teams: dict[str, str] = {rid: team for rid, team in rows}
    kept = 0
    for item in request.conflicts:
        if item.conflict_id in held:
            continue
        if any(teams.get(rid, caller.team_id) != caller.team_id
               for rid in (item.record_id, item.child_id) if rid):  # fmt: skip
            continue
        held.add(item.conflict_id)
        session.add(
            Conflict(
                id=item.conflict_id, team_id=caller.team_id, child_id=item.child_id,
                entity=item.entity, record_id=item.record_id, field=item.field, kind=item.kind,
                mine=json.dumps(item.mine), theirs=json.dumps(item.theirs),
                device_id=caller.device_id, op_seq=0, mine_by=caller.full_name,
                theirs_by=_as_kept_by(item.theirs_by, caller), created_at=item.found_at,
            )
        )  # fmt: skip
        kept += 1
    return kept


def _as_kept_by(theirs_by: str, caller: Caller) -> str:
    """Who wrote "theirs", as the laptop says: the server did not see it; the history says so."""
    return f"{theirs_by} (as kept on {caller.full_name}'s laptop)"[:200]


def current_generation(session: Session) -> int:
    value = session.scalar(select(Counter.value).where(Counter.name == GENERATION))
    return int(value or 0)


def new_generation(session: Session) -> int:
    """Start a new generation (after restoring a backup): laptops re-send what the server lacks."""
    value = secrets.randbelow(2**62) + 1
    point = current_sequence(session)
    for name, number in ((GENERATION, value), (RESTORE_POINT, point)):
        exists = session.scalar(select(Counter.name).where(Counter.name == name))
        if exists:
            session.execute(update(Counter).where(Counter.name == name).values(value=number))
        else:
            session.add(Counter(name=name, value=number))
    session.add(GenerationStart(generation=value, restore_point=point, began_at=utcnow()))
    event = AuditEvent(
        action="admin", username="(admin)", detail=f"after-restore: generation {value}"
    )
    write_audit(session, events=[event])
    return value


def restore_point_since(
    connection: Session | Connection, *, known: int, current_point: int
) -> tuple[int, bool]:
    """The lowest restore point of the generations begun after ``known``, and whether the
    server knows ``known`` at all (a generation begun on a server later restored from a backup
    taken before it is lost with it: the laptop then also goes by the restore point it saw).
    """
    starts = connection.execute(
        select(GenerationStart.generation, GenerationStart.restore_point).order_by(
            GenerationStart.number
        )
    ).all()
    seen = [n for n, (generation, _point) in enumerate(starts) if generation == known]
    found = known == 0 or bool(seen)
    since = starts[seen[-1] + 1 :] if seen else starts
    return min([point for _generation, point in since], default=current_point), found
