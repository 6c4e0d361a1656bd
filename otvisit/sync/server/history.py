"""A record's history (every version of its clinical text, every conflict) and the generation."""

from __future__ import annotations

import json
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from otvisit.sync.protocol import (
    ConflictEntry,
    RecordHistory,
    RecordVersionEntry,
    UnreadableReport,
)
from otvisit.sync.server.audit import AuditEvent, write_audit
from otvisit.sync.server.auth import Caller
from otvisit.sync.server.database import current_sequence
from otvisit.sync.server.errors import forbidden
from otvisit.sync.server.schema import (
    GENERATION,
    RESTORE_POINT,
    Conflict,
    Counter,
    Record,
    RecordVersion,
)

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
    event = AuditEvent(
        action="admin", username="(admin)", detail=f"after-restore: generation {value}"
    )
    write_audit(session, events=[event])
    return value
